import { SYSTEM_LINKS } from '../../../src/shared/control-api.js';

/**
 * A stand-in for the Electron preload's `window.onecli` (a ControlTransport over IPC) on a Mac
 * without Full Disk Access yet: the grant arrives after the user opens System Settings. Rejections
 * look like Electron's: the main process's `<code>: <message>` behind "Error invoking remote method …".
 * It runs in the page, so it is a script, not a module; `window.__bridgeCalls` records the calls.
 */
export function fakeDesktopBridge(): string {
  const status = {
    gateway: { state: 'running', port: 10255, address: '127.0.0.1:10255', pid: 4242 },
    source: { kind: 'none' },
    secretStore: { kind: 'keychain', detail: 'macOS Keychain' },
    settings: { file: '/Users/dev/Library/Application Support/OneCLI/settings.json', health: 'ok' },
    mappings: 0,
    agents: 1,
    lastErrors: [],
  };
  const settings = {
    gatewayPort: 10255,
    onboarded: false,
    launchAtLogin: false,
    checkForUpdates: true,
    dataDir: '/Users/dev/Library/Application Support/OneCLI',
    capabilities: { launchAtLogin: true, updates: true, openLinks: true, platform: 'darwin' },
  };
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
    const results = {
      'status.get': () => (${JSON.stringify(status)}),
      'settings.get': () => (${JSON.stringify(settings)}),
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
