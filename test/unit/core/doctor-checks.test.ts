import { describe, expect, test } from 'vitest';
import { FULL_DISK_ACCESS_PANE, runDoctorChecks, type DoctorFacts } from '../../../src/core/doctor/doctor-checks.js';
import type { StatusView } from '../../../src/shared/control-api.js';

const status = (over: Partial<StatusView> = {}): StatusView => ({
  gateway: { state: 'running', port: 10255, address: '127.0.0.1:10255' },
  source: { kind: 'desktop' },
  secretStore: { kind: 'keychain', detail: 'the macOS Keychain' },
  settings: { file: '/d/settings.json', health: 'ok' },
  mappings: 1,
  agents: 1,
  lastErrors: [],
  ...over,
});

const facts = (over: Partial<DoctorFacts> = {}): DoctorFacts => ({
  platform: 'linux',
  home: '/home/u',
  env: {},
  status: status(),
  op: { searchDirs: ['/usr/bin'], installs: [{ path: '/usr/bin/op', realPath: '/usr/bin/op', version: '2.32.0' }], chosen: { path: '/usr/bin/op', realPath: '/usr/bin/op', version: '2.32.0' }, chosenBecause: 'first-on-search-path' },
  opGroup: { group: 'onepassword-cli', setgid: true },
  userGroups: ['u'],
  canRead: () => false,
  exists: () => true,
  source: { ok: true, vaults: 2 },
  startedFromTerminal: true,
  dataDir: { path: '/home/u/.config/onecli-launcher', inspection: { kind: 'folder', mode: 0o700, ownerUid: 1000, currentUid: 1000, foreignEntries: [], looseEntries: [] } },
  ...over,
});

const byId = (checks: ReturnType<typeof runDoctorChecks>, id: string) => checks.find((c) => c.id === id);

describe('doctor checks', () => {
  test('a healthy Linux desktop setup is all ok', () => {
    const checks = runDoctorChecks(facts());
    expect(checks.filter((c) => c.status !== 'ok' && c.status !== 'skip')).toEqual([]);
    expect(byId(checks, 'macos.full-disk-access')).toBeUndefined();
  });

  test('Linux: op without the onepassword-cli group and setgid is the "connection reset" cause, with the commands to fix it', () => {
    const c = byId(runDoctorChecks(facts({ opGroup: { group: 'root', setgid: false } })), 'op.linux-group');
    expect(c).toMatchObject({ status: 'fail', fix: expect.stringMatching(/connection reset.*chgrp onepassword-cli \/usr\/bin\/op && sudo chmod g\+s/) });
  });

  test('every op found is reported, and two installs are a warning', () => {
    const op = { searchDirs: ['/usr/local/bin', '/usr/bin'], installs: [{ path: '/usr/local/bin/op', realPath: '/usr/local/bin/op', version: '2.18.0' }, { path: '/usr/bin/op', realPath: '/usr/bin/op', version: '2.32.0' }], chosen: { path: '/usr/local/bin/op', realPath: '/usr/local/bin/op', version: '2.18.0' }, chosenBecause: 'first-on-search-path' as const };
    const c = byId(runDoctorChecks(facts({ op })), 'op.installed');
    expect(c?.status).toBe('warn');
    expect(c?.detail).toMatch(/using \/usr\/local\/bin\/op \(2\.18\.0\); found: \/usr\/local\/bin\/op \(2\.18\.0\); \/usr\/bin\/op \(2\.32\.0\)/);
  });

  test('macOS without Full Disk Access: a warning, the deep link, and the terminal caveat', () => {
    const c = byId(runDoctorChecks(facts({ platform: 'darwin', home: '/Users/u', canRead: () => false, startedFromTerminal: true })), 'macos.full-disk-access');
    expect(c).toMatchObject({ status: 'warn', link: FULL_DISK_ACCESS_PANE });
    expect(c?.detail).toMatch(/started from a terminal, so macOS charges the terminal/);
    const granted = byId(runDoctorChecks(facts({ platform: 'darwin', home: '/Users/u', canRead: (f) => f === '/Users/u/Library/Application Support/com.apple.TCC/TCC.db', startedFromTerminal: false })), 'macos.full-disk-access');
    expect(granted).toMatchObject({ status: 'ok', detail: 'granted' });
  });

  test('macOS SSH agent: only the variable is read, never 1Password\'s Group Container', () => {
    const touched: string[] = [];
    const c = byId(runDoctorChecks(facts({ platform: 'darwin', env: { SSH_AUTH_SOCK: '/Users/u/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock' }, exists: (f) => (touched.push(f), true) })), 'op.ssh-agent');
    expect(c?.status).toBe('ok');
    expect(touched.filter((f) => f.includes('2BUA8C4S2C'))).toEqual([]);
  });

  test('a port in use, a corrupt settings file, no keychain, a locked source: each with its fix', () => {
    const checks = runDoctorChecks(
      facts({
        status: status({
          gateway: { state: 'failed', port: 10255, reason: 'cannot listen on port 10255 (EADDRINUSE)' },
          settings: { file: '/d/settings.json', health: 'a corrupt settings file was moved to /d/settings.corrupt-x.json (it is not valid JSON); defaults are in use' },
          secretStore: { kind: 'none', detail: 'no keychain' },
        }),
        source: { ok: false, message: 'Unlock the 1Password app, then retry.' },
      }),
    );
    expect(byId(checks, 'gateway.port')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/--port/) });
    expect(byId(checks, 'settings.file')).toMatchObject({ status: 'warn', fix: expect.any(String) });
    expect(byId(checks, 'secrets.store')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/keychain/) });
    expect(byId(checks, 'source.desktop')).toMatchObject({ status: 'fail', fix: 'Unlock the 1Password app, then retry.' });
  });

  test('a stopped gateway: whether its port is free', () => {
    const stopped = status({ gateway: { state: 'stopped', port: 10255 } });
    expect(byId(runDoctorChecks(facts({ status: stopped, portFree: true })), 'gateway.port')).toMatchObject({ status: 'ok', detail: expect.stringMatching(/port 10255 is free/) });
    expect(byId(runDoctorChecks(facts({ status: stopped, portFree: false })), 'gateway.port')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/--port/) });
  });

  test('no 1Password source: a warning that says how to pair; op is optional then', () => {
    const checks = runDoctorChecks(facts({ status: status({ source: { kind: 'none' } }), source: undefined, op: { searchDirs: ['/usr/bin'], installs: [], chosenBecause: 'none' } }));
    expect(byId(checks, 'source.connected')).toMatchObject({ status: 'warn', fix: expect.stringMatching(/pair --service-account/) });
    expect(byId(checks, 'op.installed')?.status).toBe('skip');
  });
});
