import { SYSTEM_LINKS } from '../../../src/shared/control-api.js';

/**
 * A stand-in for the Electron preload's `window.onecli` (a ControlTransport over IPC) on a Mac
 * without Full Disk Access yet: the grant arrives after the user opens System Settings. Rejections
 * look like Electron's: the main process's `<code>: <message>` behind "Error invoking remote method …".
 * It runs in the page, so it is a script, not a module; `window.__bridgeCalls` records the calls.
 */
export function fakeDesktopBridge(options: { onboarded?: boolean; loginItemStatus?: string; notices?: boolean } = {}): string {
  const status = {
    gateway: { state: 'running', port: 10255, address: '127.0.0.1:10255', pid: 4242 },
    source: { kind: 'none' },
    secretStore: { kind: 'keychain', detail: 'macOS Keychain' },
    settings: { file: '/Users/dev/Library/Application Support/OneCLI/settings.json', health: 'ok' },
    mappings: 0,
    agents: 1,
    lastErrors: [],
    ...(options.notices
      ? {
          notices: [
            {
              id: 'notifications-failed',
              title: 'macOS did not show a OneCLI notification',
              detail: 'OneCLI tells you in a notification when the gateway stops or a mapping keeps failing; macOS refused to show one.',
              fix: 'Allow notifications for OneCLI in System Settings → Notifications. Until then, the menu-bar icon still shows the state.',
              link: 'notifications',
            },
          ],
        }
      : {}),
  };
  const settings = {
    gatewayPort: 10255,
    onboarded: options.onboarded ?? false,
    launchAtLogin: false,
    ...(options.loginItemStatus ? { launchAtLoginStatus: options.loginItemStatus } : {}),
    checkForUpdates: true,
    dataDir: '/Users/dev/Library/Application Support/OneCLI',
    extraCa: { state: 'none', detail: 'none chosen in Settings' },
    logFile: '/Users/dev/Library/Logs/OneCLI/launcher.log',
    capabilities: { launchAtLogin: true, updates: true, openLinks: true, chooseFiles: true, revealFiles: true, platform: 'darwin' },
  };
  const chosenCa = { file: '/Users/dev/Downloads/corp-root.pem', state: 'ok', detail: '1 certificate(s): CN=Corp Root CA' };
  const denied = {
    id: 'macos.full-disk-access',
    title: 'Full Disk Access',
    status: 'warn',
    detail: 'not granted: 1Password access will prompt on every launch',
    fix: 'Open System Settings → Privacy & Security → Full Disk Access, turn on OneCLI, then relaunch it.',
    link: SYSTEM_LINKS.fullDiskAccess,
  };
  const granted = { id: 'macos.full-disk-access', title: 'Full Disk Access', status: 'ok', detail: 'granted' };
  return `(() => {
    const calls = [];
    let opened = false;
    const status = ${JSON.stringify(status)};
    const settings = ${JSON.stringify(settings)};
    const results = {
      'status.get': () => status,
      'settings.get': () => settings,
      'settings.update': (p) => { if (p.extraCaFile === null) settings.extraCa = { state: 'none', detail: 'none chosen in Settings' }; return settings; },
      // The dialog answers with a file; the shell checks it and keeps it.
      'settings.chooseExtraCa': () => { settings.extraCa = ${JSON.stringify(chosenCa)}; return { chosen: true, settings }; },
      'system.revealLog': () => ({ revealed: true, file: settings.logFile }),
      'notices.dismiss': () => { delete status.notices; return { ok: true }; },
      'activity.recent': () => [],
      'doctor.run': () => [opened ? ${JSON.stringify(granted)} : ${JSON.stringify(denied)}],
      'system.openLink': () => { opened = true; return { opened: true }; },
      'pair.serviceAccount': () => { throw new Error("Error invoking remote method 'onecli:call': ControlError: auth_required: The service-account token was refused. Create a new one in 1Password and pair again."); },
    };
    window.__bridgeCalls = calls;
    window.onecli = {
      call: async (method, params) => {
        calls.push({ method, params });
        const answer = results[method];
        if (!answer) throw new Error("Error invoking remote method 'onecli:call': Error: not in this fake: " + method);
        return answer(params);
      },
      subscribe: () => () => undefined,
    };
  })();`;
}
