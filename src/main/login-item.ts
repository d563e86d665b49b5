import type { App } from 'electron';
import { LoginItemStatus } from '../shared/control-api.js';

/**
 * Launch at login through SMAppService (macOS 13+). The state comes from the system, not from
 * our settings: users can remove the item, or leave it waiting for their approval
 * (`requires-approval`: registered, but macOS will not start it until the user allows it in
 * System Settings → General → Login Items). Only `enabled` starts OneCLI at login.
 */
export function loginItem(app: Pick<App, 'getLoginItemSettings' | 'setLoginItemSettings'>) {
  return {
    get: () => {
      const settings = app.getLoginItemSettings() as { openAtLogin: boolean; status?: string };
      const status = LoginItemStatus.safeParse(settings.status);
      if (!status.success) return { enabled: settings.openAtLogin }; // not macOS: no status
      return { enabled: status.data === 'enabled', status: status.data };
    },
    set: (enabled: boolean) => app.setLoginItemSettings({ openAtLogin: enabled }),
  };
}
