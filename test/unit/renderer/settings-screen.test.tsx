// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import { describe, expect, test, vi } from 'vitest';
import type { SettingsView } from '../../../src/shared/control-api.js';
import { SettingsScreen } from '../../../renderer/src/screens/settings/settings-screen.js';
import { deferred, refusal, renderScreen, settingsView } from './support/fake-launcher.js';

const card = (name: string) => screen.getByRole(name === 'Gateway' ? 'form' : 'region', { name });

describe('Settings screen', () => {
  test('loading, then the port, the switches and where the data lives', async () => {
    const settings = deferred<SettingsView>();
    renderScreen(<SettingsScreen onReset={vi.fn()} />, { 'settings.get': () => settings.promise });
    expect(screen.getByText('Loading settings…')).toBeTruthy();
    settings.resolve(settingsView({ launchAtLogin: true }));
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeTruthy();
    expect((screen.getByLabelText('Port') as HTMLInputElement).value).toBe('10255');
    expect((screen.getByRole('switch', { name: 'Launch at login' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('switch', { name: 'Check for updates' }) as HTMLInputElement).checked).toBe(true);
    expect(within(card('Data folder')).getByLabelText('Path').textContent).toBe('/Users/dev/Library/Application Support/OneCLI');
  });

  test('a new port is saved (the launcher restarts the gateway on it) and confirmed', async () => {
    const { launcher, user } = renderScreen(<SettingsScreen onReset={vi.fn()} />, { 'settings.update': (p) => settingsView({ gatewayPort: p.gatewayPort }) });
    const port = await screen.findByLabelText('Port');
    await user.clear(port);
    await user.type(port, '10300{Enter}');
    expect(launcher.callsOf('settings.update')).toEqual([{ gatewayPort: 10300 }]);
    expect((await within(card('Gateway')).findByRole('status')).textContent).toBe('Saved. The gateway uses port 10300; see Status.');
  });

  test('a port out of range is explained at the field and not sent', async () => {
    const { launcher, user } = renderScreen(<SettingsScreen onReset={vi.fn()} />);
    const port = await screen.findByLabelText('Port');
    await user.clear(port);
    await user.type(port, '80{Enter}');
    expect(port.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('Enter a whole number from 1024 to 65535.')).toBeTruthy();
    expect(launcher.callsOf('settings.update')).toEqual([]);
  });

  test('a port the launcher cannot use: its fix is shown and the typed port stays', async () => {
    const { user } = renderScreen(<SettingsScreen onReset={vi.fn()} />, {
      'settings.update': () => Promise.reject(refusal('conflict', 'Port 10300 is taken by another program: choose another.')),
    });
    const port = await screen.findByLabelText('Port');
    await user.clear(port);
    await user.type(port, '10300{Enter}');
    expect((await within(card('Gateway')).findByRole('alert')).textContent).toBe('Port 10300 is taken by another program: choose another.');
    expect((port as HTMLInputElement).value).toBe('10300');
  });

  test('the switches save at once, from the keyboard too', async () => {
    const { launcher, user } = renderScreen(<SettingsScreen onReset={vi.fn()} />, {
      'settings.update': (p) => settingsView({ launchAtLogin: p.launchAtLogin ?? false, checkForUpdates: p.checkForUpdates ?? true }),
    });
    const login = await screen.findByRole('switch', { name: 'Launch at login' });
    login.focus();
    await user.keyboard(' ');
    expect(launcher.callsOf('settings.update')).toEqual([{ launchAtLogin: true }]);
    await vi.waitFor(() => expect((login as HTMLInputElement).checked).toBe(true));
  });

  test('headless: the switches the shell cannot honour are off, and say why', async () => {
    renderScreen(<SettingsScreen onReset={vi.fn()} />, {
      'settings.get': () =>
        settingsView({ capabilities: { launchAtLogin: false, updates: false, openLinks: false, chooseFiles: false, revealFiles: false, platform: 'linux' } }),
    });
    const login = await screen.findByRole('switch', { name: 'Launch at login' });
    expect((login as HTMLInputElement).disabled).toBe(true);
    expect(document.getElementById(login.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'Only the menu-bar app can start at login. Headless, use your service manager (systemd, launchd).',
    );
    expect((screen.getByRole('switch', { name: 'Check for updates' }) as HTMLInputElement).disabled).toBe(true);
  });

  test('Reset needs the word typed, then forgets everything and starts setup again', async () => {
    const onReset = vi.fn();
    const { launcher, user } = renderScreen(<SettingsScreen onReset={onReset} />, { 'settings.reset': () => ({ ok: true }) });
    await user.click(await screen.findByRole('button', { name: 'Reset OneCLI…' }));
    const dialog = screen.getByRole('dialog', { name: 'Reset OneCLI?' });
    const confirm = within(dialog).getByRole('button', { name: 'Reset' });
    expect(confirm.getAttribute('aria-disabled')).toBe('true');
    await user.click(confirm);
    expect(launcher.callsOf('settings.reset')).toEqual([]);
    await user.type(within(dialog).getByLabelText('Type reset to confirm'), 'reset{Enter}');
    expect(launcher.callsOf('settings.reset')).toEqual([{ confirm: 'reset' }]);
    await vi.waitFor(() => expect(onReset).toHaveBeenCalledOnce());
  });

  test('a failed reset says why inside the dialog, and nothing moves on', async () => {
    const onReset = vi.fn();
    const { user } = renderScreen(<SettingsScreen onReset={onReset} />, {
      'settings.reset': () => Promise.reject(refusal('no_keychain', 'The keychain is locked: unlock it, then reset again.')),
    });
    await user.click(await screen.findByRole('button', { name: 'Reset OneCLI…' }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText('Type reset to confirm'), 'reset{Enter}');
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The keychain is locked: unlock it, then reset again.');
    expect(onReset).not.toHaveBeenCalled();
  });

  test('when settings cannot be read, the launcher’s fix is the screen', async () => {
    renderScreen(<SettingsScreen onReset={vi.fn()} />, {
      'settings.get': () => Promise.reject(refusal('internal', 'settings.json was corrupt and was set aside; see Doctor.')),
    });
    expect((await screen.findByRole('alert')).textContent).toBe('settings.json was corrupt and was set aside; see Doctor.');
  });
});
