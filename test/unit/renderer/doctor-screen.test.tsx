// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { SYSTEM_LINKS, type DoctorCheck, type LogLine } from '../../../src/shared/control-api.js';
import { DoctorScreen } from '../../../renderer/src/screens/doctor-screen.js';
import { deferred, okCheck, refusal, renderScreen, settingsView } from './support/fake-launcher.js';

const fullDiskAccess: DoctorCheck = {
  id: 'macos.full-disk-access',
  title: 'Full Disk Access',
  status: 'warn',
  detail: 'not granted: 1Password access will prompt on every launch',
  fix: 'Open System Settings → Privacy & Security → Full Disk Access, turn on OneCLI, then relaunch it.',
  link: SYSTEM_LINKS.fullDiskAccess,
};
const opMissing: DoctorCheck = {
  id: 'op.installed',
  title: '1Password CLI (op)',
  status: 'fail',
  detail: 'not found in /opt/homebrew/bin',
  fix: 'Install the 1Password CLI (brew install 1password-cli).',
};

describe('Doctor screen', () => {
  test('runs the checks when it opens, says it is busy, then lists each with its status word', async () => {
    const answer = deferred<DoctorCheck[]>();
    const { launcher } = renderScreen(<DoctorScreen />, { 'doctor.run': () => answer.promise });
    expect((await screen.findByText('Running checks…')).closest('[role=status]')).toBeTruthy();
    answer.resolve([okCheck('settings.file', 'Settings file', 'ok: settings.json'), opMissing]);
    const list = await screen.findByRole('list', { name: 'Checks' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((r) => r.textContent)).toEqual([
      'OK: Settings fileok: settings.json',
      'Problem: 1Password CLI (op)not found in /opt/homebrew/binInstall the 1Password CLI (brew install 1password-cli).',
    ]);
    expect(screen.getByRole('status').textContent).toBe('1 problem');
    expect(launcher.callsOf('doctor.run')).toEqual([{}]);
  });

  test('all green says so', async () => {
    renderScreen(<DoctorScreen />, { 'doctor.run': () => [okCheck('settings.file', 'Settings file')] });
    expect((await screen.findByText('Everything checks out.')).getAttribute('role')).toBe('status');
  });

  test('a check with a settings pane has Open, which asks the shell for that pane by name, never by URL', async () => {
    const { launcher, user } = renderScreen(<DoctorScreen />, { 'doctor.run': () => [fullDiskAccess], 'system.openLink': () => ({ opened: true }) });
    const row = (await screen.findByText('Full Disk Access')).closest('li');
    if (!row) throw new Error('no row');
    expect(screen.getByRole('status').textContent).toBe('1 warning');
    await user.click(within(row).getByRole('button', { name: 'Open' }));
    expect(launcher.callsOf('system.openLink')).toEqual([{ link: 'fullDiskAccess' }]);
  });

  test('no Open button where the shell cannot open links (headless)', async () => {
    renderScreen(<DoctorScreen />, { 'doctor.run': () => [fullDiskAccess], 'settings.get': () => settingsView({ capabilities: { openLinks: false } }) });
    await screen.findByText('Full Disk Access');
    expect(screen.queryByRole('button', { name: 'Open' })).toBeNull();
  });

  test('Run again is reachable by keyboard and runs the checks again', async () => {
    const { launcher, user } = renderScreen(<DoctorScreen />, { 'doctor.run': () => [opMissing] });
    await screen.findByRole('list', { name: 'Checks' });
    await user.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Run again' }));
    await user.keyboard('{Enter}');
    await screen.findByRole('list', { name: 'Checks' });
    expect(launcher.callsOf('doctor.run')).toHaveLength(2);
  });

  test('when the doctor cannot run, its fix is shown, and Run again recovers', async () => {
    const { launcher, user } = renderScreen(<DoctorScreen />, {
      'doctor.run': () => Promise.reject(refusal('unavailable', 'The launcher is busy restarting the gateway; run the doctor again in a moment.')),
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The launcher is busy restarting the gateway; run the doctor again in a moment.');
    launcher.answer('doctor.run', () => [okCheck('settings.file', 'Settings file')]);
    await user.click(screen.getByRole('button', { name: 'Run again' }));
    expect((await screen.findByText('Everything checks out.')).getAttribute('role')).toBe('status');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  test('an unexpected failure in the launcher shows the generic message, never its raw text', async () => {
    renderScreen(<DoctorScreen />, { 'doctor.run': () => Promise.reject(new Error('EACCES: /Users/dev/secret path')) });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).not.toMatch(/EACCES/);
    expect(alert.dataset.code).toBe('internal');
    expect(alert.textContent).toMatch(/see its log/);
  });

  test('a failed Open says why, in the row', async () => {
    const { user } = renderScreen(<DoctorScreen />, {
      'doctor.run': () => [fullDiskAccess],
      'system.openLink': () => Promise.reject(refusal('unauthorized', 'Not available in the app.')),
    });
    await user.click(await screen.findByRole('button', { name: 'Open' }));
    const row = screen.getByText('Full Disk Access').closest('li');
    expect(within(row as HTMLElement).getByRole('alert').textContent).toBe('Not available in the app.');
  });
});

const logLine = (over: Partial<LogLine>): LogLine => ({
  at: '2025-05-01T12:00:00.000Z',
  level: 'info',
  component: 'launcher',
  message: 'gateway listening',
  fields: {},
  ...over,
});

describe('Doctor screen: recent log', () => {
  test('is fetched only when asked, then lists the records newest first with level, component and fields', async () => {
    const lines = [
      logLine({ message: 'local CA created', fields: { certFile: '/data/ca.pem' } }),
      logLine({ level: 'warn', component: 'gateway', message: 'request failed', fields: { host: 'api.example:443', error: 'upstream_tls', status: 502 } }),
    ];
    const { launcher, user } = renderScreen(<DoctorScreen />, { 'doctor.run': () => [], 'logs.recent': () => ({ file: '/data/logs/launcher.log', lines }) });
    const section = await screen.findByRole('region', { name: 'Recent log' });
    expect(launcher.callsOf('logs.recent')).toEqual([]); // nothing read until the user asks
    await user.click(within(section).getByRole('button', { name: 'Show recent log' }));
    const list = await within(section).findByRole('list', { name: 'Recent log, newest first' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows).toHaveLength(2);
    expect(rows[0]!.textContent).toMatch(/^warnrequest failed.* · gatewayhost=api\.example:443, error=upstream_tls, status=502$/);
    expect(rows[1]!.textContent).toMatch(/^infolocal CA created.* · launchercertFile=\/data\/ca\.pem$/);
    expect(launcher.callsOf('logs.recent')).toEqual([{ limit: 50 }]);
  });

  test('Refresh asks again and keeps the list meanwhile; an empty log and a launcher without a file say so', async () => {
    const answer = deferred<{ file: string; lines: LogLine[] }>();
    const { launcher, user } = renderScreen(<DoctorScreen />, {
      'doctor.run': () => [],
      'logs.recent': () => ({ file: '/data/logs/launcher.log', lines: [] }),
    });
    const section = await screen.findByRole('region', { name: 'Recent log' });
    await user.click(within(section).getByRole('button', { name: 'Show recent log' }));
    await within(section).findByText('Nothing logged yet.');
    launcher.answer('logs.recent', () => answer.promise);
    await user.click(within(section).getByRole('button', { name: 'Refresh log' }));
    expect(within(section).getByText('Nothing logged yet.')).toBeTruthy();
    answer.resolve({ file: '/data/logs/launcher.log', lines: [logLine({ message: 'mappings updated' })] });
    await within(section).findByText('mappings updated');
    launcher.answer('logs.recent', () => ({ lines: [] }));
    await user.click(within(section).getByRole('button', { name: 'Refresh log' }));
    await within(section).findByText('This launcher keeps no log file.');
    expect(launcher.callsOf('logs.recent')).toHaveLength(3);
  });

  test('a record is shown as text, never as markup', async () => {
    const { user } = renderScreen(<DoctorScreen />, {
      'doctor.run': () => [],
      'logs.recent': () => ({ file: '/f', lines: [logLine({ message: '<img src=x onerror=alert(1)>', fields: { host: '<b>h</b>' } })] }),
    });
    await user.click(await screen.findByRole('button', { name: 'Show recent log' }));
    await screen.findByText('<img src=x onerror=alert(1)>');
    expect(document.querySelector('.log-lines img, .log-lines b')).toBeNull();
  });

  test('when the log cannot be read, the fix is shown in the section', async () => {
    const { user } = renderScreen(<DoctorScreen />, {
      'doctor.run': () => [],
      'logs.recent': () => Promise.reject(refusal('unavailable', 'The launcher is restarting; try again in a moment.')),
    });
    const section = await screen.findByRole('region', { name: 'Recent log' });
    await user.click(within(section).getByRole('button', { name: 'Show recent log' }));
    expect((await within(section).findByRole('alert')).textContent).toBe('The launcher is restarting; try again in a moment.');
  });
});

describe('Doctor screen: each named remedy is the UI’s own action, never a CLI command', () => {
  const portTaken: DoctorCheck = {
    id: 'gateway.port',
    title: 'Gateway',
    status: 'fail',
    detail: 'failed: cannot listen on port 10255 (EADDRINUSE)',
    fix: 'Port 10255 is taken by another program: stop it, or choose another port for the gateway.',
    remedy: 'choose-port',
  };
  const gatewayFailed: DoctorCheck = { ...portTaken, detail: 'failed: exited 1', fix: 'Restart the gateway.', remedy: 'restart-gateway' };
  const opNotFound: DoctorCheck = { ...opMissing, remedy: 'choose-op' };

  test('choose-port links to Settings in the main shell', async () => {
    const { MainShell } = await import('../../../renderer/src/screens/main-shell.js');
    const { user } = renderScreen(<MainShell onReset={() => undefined} />, { 'doctor.run': () => [portTaken] });
    await user.click(screen.getByRole('tab', { name: 'Doctor' }));
    const row = (await screen.findByText(/Port 10255 is taken/)).closest('li')!;
    expect(row.textContent).not.toMatch(/--port|onecli-launcher/);
    await user.click(within(row).getByRole('button', { name: 'Change the port in Settings' }));
    expect(screen.getByRole('tab', { name: 'Settings' }).getAttribute('aria-selected')).toBe('true');
  });

  test('restart-gateway is a button that restarts it, and shows why when it cannot', async () => {
    const { launcher, user } = renderScreen(<DoctorScreen />, {
      'doctor.run': () => [gatewayFailed],
      'gateway.restart': () => Promise.reject(refusal('conflict', 'The gateway is already restarting; wait for it.')),
    });
    await user.click(await screen.findByRole('button', { name: 'Restart gateway' }));
    expect(launcher.callsOf('gateway.restart')).toEqual([{}]);
    expect(await screen.findByText('The gateway is already restarting; wait for it.')).toBeTruthy();
  });

  test('choose-op has no UI action (the app finds op itself): the row keeps its sentence, no flag', async () => {
    renderScreen(<DoctorScreen />, { 'doctor.run': () => [opNotFound] });
    const row = (await screen.findByText('1Password CLI (op)')).closest('li')!;
    expect(within(row).queryByRole('button')).toBeNull();
    expect(row.textContent).not.toMatch(/--op-path/);
  });
});

describe('a failed call’s remedy, wherever its note shows', () => {
  test('in the main shell an error note carries the remedy’s action (Open Doctor), and it works', async () => {
    const { MainShell } = await import('../../../renderer/src/screens/main-shell.js');
    const { user } = renderScreen(<MainShell onReset={() => undefined} />, {
      'activity.recent': () =>
        Promise.reject(
          refusal('unavailable', 'The 1Password CLI stopped unexpectedly; update it, then retry. The doctor shows which op is used.', 'open-doctor'),
        ),
      'doctor.run': () => [okCheck('settings.file', 'Settings file')],
    });
    await user.click(screen.getByRole('tab', { name: 'Activity' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).not.toMatch(/onecli-launcher/);
    await user.click(within(alert).getByRole('button', { name: 'Open Doctor' }));
    expect(screen.getByRole('tab', { name: 'Doctor' }).getAttribute('aria-selected')).toBe('true');
  });
});
