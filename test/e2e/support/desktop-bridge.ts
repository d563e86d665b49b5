import type { Page } from 'playwright-core';
import {
  NOTICES,
  SYSTEM_LINKS,
  type DoctorCheck,
  type ExtraCaView,
  type LoginItemStatus,
  type SettingsView,
  type StatusView,
} from '../../../src/shared/control-api.js';
import { preloadPageScript } from '../../support/preload-bridge.js';
import { refusal, scriptedControlMain, type ScriptedControlMain } from '../../support/scripted-control-main.js';

/**
 * The menu-bar app's popover on a Mac without Full Disk Access yet (the grant arrives after the
 * user opens System Settings), or after setup with a pending login item and a shell notice, with the bridge made as the app makes it: the real preload
 * (src/main/preload.cts) runs in the page, its ipcRenderer reaches a main side in this process
 * that parses calls and shapes replies like src/main/ipc-bridge.ts. A change to how the preload
 * or the bridge carries errors shows here as it would in the app.
 */
export async function desktopPopover(
  page: Page,
  options: { onboarded?: boolean; loginItemStatus?: LoginItemStatus; notices?: boolean } = {},
): Promise<ScriptedControlMain> {
  let opened = false;
  const noCa: ExtraCaView = { state: 'none', detail: 'none chosen in Settings' };
  const status: StatusView = {
    gateway: { state: 'running', port: 10255, address: '127.0.0.1:10255', pid: 4242 },
    source: { kind: 'none' },
    secretStore: { kind: 'keychain', detail: 'macOS Keychain' },
    settings: { file: '/Users/dev/Library/Application Support/OneCLI/settings.json', health: { kind: 'ok' } },
    mappings: 0,
    agents: 1,
    lastErrors: [],
    policyDenials: [],
    ...(options.notices ? { notices: [{ id: 'notifications-failed', ...NOTICES['notifications-failed'] }] } : {}),
  };
  const settings: SettingsView = {
    gatewayPort: 10255,
    onboarded: options.onboarded ?? false,
    launchAtLogin: false,
    ...(options.loginItemStatus ? { launchAtLoginStatus: options.loginItemStatus } : {}),
    checkForUpdates: true,
    dataDir: '/Users/dev/Library/Application Support/OneCLI',
    extraCa: noCa,
    logFile: '/Users/dev/Library/Logs/OneCLI/launcher.log',
    capabilities: { launchAtLogin: true, updates: true, openLinks: true, chooseFiles: true, revealFiles: true, platform: 'darwin' },
  };
  const denied: DoctorCheck = {
    id: 'macos.full-disk-access',
    title: 'Full Disk Access',
    status: 'warn',
    detail: 'not granted: 1Password access will prompt on every launch',
    fix: 'Open System Settings → Privacy & Security → Full Disk Access, turn on OneCLI, then relaunch it.',
    link: SYSTEM_LINKS.fullDiskAccess,
  };
  const granted: DoctorCheck = { id: 'macos.full-disk-access', title: 'Full Disk Access', status: 'ok', detail: 'granted' };
  const main = scriptedControlMain({
    'status.get': () => status,
    'settings.get': () => settings,
    'settings.update': (p) => {
      if (p.extraCaFile === null) settings.extraCa = noCa;
      return settings;
    },
    // The dialog answers with a file; the shell checks it and keeps it.
    'settings.chooseExtraCa': () => {
      settings.extraCa = { file: '/Users/dev/Downloads/corp-root.pem', state: 'ok', detail: '1 certificate(s): CN=Corp Root CA' };
      return { chosen: true, settings };
    },
    'system.revealLog': () => ({ revealed: true, file: settings.logFile }),
    'notices.dismiss': () => {
      delete status.notices;
      return { ok: true };
    },
    'activity.recent': () => [],
    // No agent is waiting for approval: the cards' region stays empty.
    'approvals.list': () => [],
    'doctor.run': () => [opened ? granted : denied],
    'system.openLink': () => {
      opened = true;
      return { opened: true };
    },
    'pair.serviceAccount': () => {
      throw refusal('auth_required', 'The service-account token was refused. Create a new one in 1Password and pair again.');
    },
  });
  await page.exposeBinding('__onecliIpcInvoke', async (_source, channel: string, payload: unknown) => {
    try {
      return { value: await main.invoke(channel, payload) };
    } catch (err) {
      return { threw: String(err) };
    }
  });
  const renderer = main.ipcRenderer();
  await page.exposeBinding('__onecliIpcSend', (_source, channel: string) => renderer.send(channel));
  await page.addInitScript(preloadPageScript());
  return main;
}
