import type { App } from 'electron';

/**
 * Launch at login through SMAppService (macOS 13+). The status comes from the system, not from
 * our settings: users can remove the item in System Settings.
 */
export function loginItem(app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>) {
  return {
    get: () => {
      const settings = app.getLoginItemSettings() as { openAtLogin: boolean; status?: string };
      return settings.status ? settings.status === 'enabled' : settings.openAtLogin;
    },
    set: (enabled: boolean) => app.setLoginItemSettings({ openAtLogin: enabled }),
  };
}
