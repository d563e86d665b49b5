// @vitest-environment happy-dom
import { act, screen } from '@testing-library/react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { SYSTEM_LINKS, type DoctorCheck } from '../../../src/shared/control-api.js';
import { refusal, renderApp, settingsView, statusView } from './support/fake-launcher.js';

const firstRun = { 'status.get': () => statusView({ source: { kind: 'none' }, mappings: 0 }) } as const;
const fda = (granted: boolean): DoctorCheck =>
  granted
    ? { id: 'macos.full-disk-access', title: 'Full Disk Access', status: 'ok', detail: 'granted' }
    : {
        id: 'macos.full-disk-access',
        title: 'Full Disk Access',
        status: 'warn',
        detail: 'not granted: 1Password access will prompt on every launch',
        fix: 'Open System Settings → Privacy & Security → Full Disk Access, turn on OneCLI.',
        link: SYSTEM_LINKS.fullDiskAccess,
      };
const linux = () =>
  settingsView({
    onboarded: false,
    capabilities: { platform: 'linux', launchAtLogin: false, updates: false, openLinks: false, chooseFiles: false, revealFiles: false },
  });

afterEach(() => {
  vi.useRealTimers();
});

describe('Onboarding', () => {
  test('on a Mac it starts with Full Disk Access, opens the pane, and turns green by itself', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'], shouldAdvanceTime: true });
    let granted = false;
    const { launcher, user } = renderApp({
      ...firstRun,
      'settings.get': () => settingsView({ onboarded: false }),
      'doctor.run': () => [fda(granted)],
      'system.openLink': () => {
        granted = true;
        return { opened: true };
      },
    });
    expect(await screen.findByRole('heading', { name: 'Allow Full Disk Access', level: 1 })).toBeTruthy();
    expect(screen.getByText('Step 1 of 4')).toBeTruthy();
    expect(await screen.findByText('Not granted yet')).toBeTruthy();
    expect(screen.getByText('not granted: 1Password access will prompt on every launch')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Open System Settings' }));
    expect(launcher.callsOf('system.openLink')).toEqual([{ link: 'fullDiskAccess' }]);
    const runs = launcher.callsOf('doctor.run').length;
    await act(() => vi.advanceTimersByTimeAsync(3_000));
    expect(await screen.findByText('Full Disk Access granted')).toBeTruthy();
    expect(launcher.callsOf('doctor.run').length).toBe(runs + 1);
    await user.click(screen.getByRole('button', { name: 'Continue' }));
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Connect 1Password', level: 1 }));
    // The doctor is polled only while that step shows.
    await act(() => vi.advanceTimersByTimeAsync(6_000));
    expect(launcher.callsOf('doctor.run').length).toBe(runs + 1);
  });

  test('a refused service-account token shows the launcher’s message as it sent it, and keeps the token for a fix', async () => {
    const { user } = renderApp({
      ...firstRun,
      'settings.get': linux,
      'pair.serviceAccount': () =>
        Promise.reject(refusal('auth_required', 'The service-account token was refused. Create a new one in 1Password and pair again.')),
    });
    expect(await screen.findByRole('heading', { name: 'Connect 1Password', level: 1 })).toBeTruthy();
    expect(screen.getByText('Step 1 of 3')).toBeTruthy();
    const token = screen.getByLabelText('Service-account token');
    await user.type(token, 'ops_not-a-real-token-123');
    await user.click(screen.getByRole('button', { name: 'Connect' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The service-account token was refused. Create a new one in 1Password and pair again.');
    expect(alert.dataset.code).toBe('auth_required');
    expect((token as HTMLInputElement).value).toBe('ops_not-a-real-token-123');
    expect(screen.getByRole('button', { name: 'Skip for now' })).toBeTruthy();
  });

  test('a token that works: connected, the token leaves the field, Continue', async () => {
    const { launcher, user } = renderApp({ ...firstRun, 'settings.get': linux, 'pair.serviceAccount': () => ({ vaults: 2 }) });
    await user.type(await screen.findByLabelText('Service-account token'), 'ops_good{Enter}');
    expect((await screen.findByText(/^Connected with/)).textContent).toBe('Connected with the service account (2 vaults visible).');
    expect(launcher.callsOf('pair.serviceAccount')).toEqual([{ token: 'ops_good' }]);
    expect((screen.getByLabelText('Service-account token') as HTMLInputElement).value).toBe('');
    expect(screen.getByRole('button', { name: 'Continue' })).toBeTruthy();
  });

  test('the 1Password app, when op is missing, says what to install', async () => {
    const { user } = renderApp({
      ...firstRun,
      'settings.get': linux,
      'pair.desktop': () => Promise.reject(refusal('unavailable', 'The 1Password CLI (op) is not installed: install it, then try again.')),
    });
    await user.click(await screen.findByRole('button', { name: 'Use the 1Password app' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The 1Password CLI (op) is not installed: install it, then try again.');
  });

  test('skipping to the agent step shows its setup; Done remembers onboarding and opens the app', async () => {
    const { launcher, user } = renderApp({
      ...firstRun,
      'settings.get': linux,
      'picker.vaults': () => [],
      'env.get': () => ({ agent: 'default', vars: { HTTPS_PROXY: 'http://x:tok@127.0.0.1:10255' } }),
      'settings.update': (p) => ({ ...linux(), onboarded: p.onboarded ?? false }),
    });
    await user.click(await screen.findByRole('button', { name: 'Skip for now' }));
    expect(await screen.findByRole('heading', { name: 'Map a host to a key', level: 1 })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Skip for now' }));
    expect(await screen.findByRole('heading', { name: 'Set up your agent', level: 1 })).toBeTruthy();
    expect((await screen.findByLabelText('Shell setup for agent “default”')).textContent).toBe("export HTTPS_PROXY='http://x:tok@127.0.0.1:10255'");
    expect(screen.queryByRole('button', { name: 'Test a request' })).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Done' }));
    expect(await screen.findByRole('tablist', { name: 'Screens' })).toBeTruthy();
    expect(launcher.callsOf('settings.update')).toEqual([{ onboarded: true }]);
  });

  test('an agent setup that cannot be made says why', async () => {
    const { user } = renderApp({
      ...firstRun,
      'settings.get': linux,
      'picker.vaults': () => [],
      'env.get': () => Promise.reject(refusal('no_keychain', 'No keychain is reachable, so no agent token could be kept. See Doctor.')),
    });
    await user.click(await screen.findByRole('button', { name: 'Skip for now' }));
    await user.click(await screen.findByRole('button', { name: 'Skip for now' }));
    expect((await screen.findByRole('alert')).textContent).toBe('No keychain is reachable, so no agent token could be kept. See Doctor.');
  });

  test('an onboarded launcher goes straight to the app', async () => {
    renderApp();
    expect(await screen.findByRole('tablist', { name: 'Screens' })).toBeTruthy();
    expect(screen.queryByText(/^Step \d of/)).toBeNull();
  });
});
