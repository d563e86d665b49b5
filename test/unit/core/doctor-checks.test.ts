import { describe, expect, test } from 'vitest';
import { FULL_DISK_ACCESS_PANE, runDoctorChecks, type DoctorFacts } from '../../../src/core/doctor/doctor-checks.js';
import { DoctorCheck, type StatusView } from '../../../src/shared/control-api.js';

const status = (over: Partial<StatusView> = {}): StatusView => ({
  gateway: { state: 'running', port: 10255, address: '127.0.0.1:10255' },
  source: { kind: 'desktop' },
  secretStore: { kind: 'keychain', detail: 'the macOS Keychain' },
  settings: { file: '/d/settings.json', health: { kind: 'ok' } },
  mappings: 1,
  agents: 1,
  lastErrors: [],
  policyDenials: [],
  ...over,
});

const facts = (over: Partial<DoctorFacts> = {}): DoctorFacts => ({
  platform: 'linux',
  home: '/home/u',
  env: {},
  status: status(),
  op: {
    searchDirs: ['/usr/bin'],
    installs: [{ path: '/usr/bin/op', realPath: '/usr/bin/op', version: '2.32.0' }],
    chosen: { path: '/usr/bin/op', realPath: '/usr/bin/op', version: '2.32.0' },
    chosenBecause: 'first-on-search-path',
  },
  opGroup: { group: 'onepassword-cli', setgid: true },
  userGroups: ['u'],
  canRead: () => false,
  exists: () => true,
  source: { ok: true, vaults: 2 },
  startedFromTerminal: true,
  dataDir: {
    path: '/home/u/.config/onecli-launcher',
    inspection: { kind: 'folder', mode: 0o700, ownerUid: 1000, currentUid: 1000, foreignEntries: [], looseEntries: [] },
  },
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
    const op = {
      searchDirs: ['/usr/local/bin', '/usr/bin'],
      installs: [
        { path: '/usr/local/bin/op', realPath: '/usr/local/bin/op', version: '2.18.0' },
        { path: '/usr/bin/op', realPath: '/usr/bin/op', version: '2.32.0' },
      ],
      chosen: { path: '/usr/local/bin/op', realPath: '/usr/local/bin/op', version: '2.18.0' },
      chosenBecause: 'first-on-search-path' as const,
    };
    const c = byId(runDoctorChecks(facts({ op })), 'op.installed');
    expect(c?.status).toBe('warn');
    expect(c?.detail).toMatch(/using \/usr\/local\/bin\/op \(2\.18\.0\); found: \/usr\/local\/bin\/op \(2\.18\.0\); \/usr\/bin\/op \(2\.32\.0\)/);
  });

  test('macOS without Full Disk Access: a warning, the deep link, and the terminal caveat', () => {
    const c = byId(runDoctorChecks(facts({ platform: 'darwin', home: '/Users/u', canRead: () => false, startedFromTerminal: true })), 'macos.full-disk-access');
    expect(c).toMatchObject({ status: 'warn', link: FULL_DISK_ACCESS_PANE });
    expect(c?.detail).toMatch(/started from a terminal, so macOS charges the terminal/);
    const granted = byId(
      runDoctorChecks(
        facts({
          platform: 'darwin',
          home: '/Users/u',
          canRead: (f) => f === '/Users/u/Library/Application Support/com.apple.TCC/TCC.db',
          startedFromTerminal: false,
        }),
      ),
      'macos.full-disk-access',
    );
    expect(granted).toMatchObject({ status: 'ok', detail: 'granted' });
  });

  test("macOS SSH agent: only the variable is read, never 1Password's Group Container", () => {
    const touched: string[] = [];
    const c = byId(
      runDoctorChecks(
        facts({
          platform: 'darwin',
          env: { SSH_AUTH_SOCK: '/Users/u/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock' },
          exists: (f) => (touched.push(f), true),
        }),
      ),
      'op.ssh-agent',
    );
    expect(c?.status).toBe('ok');
    expect(touched.filter((f) => f.includes('2BUA8C4S2C'))).toEqual([]);
  });

  test('a port in use, a corrupt settings file, no keychain, a locked source: each with its fix', () => {
    const checks = runDoctorChecks(
      facts({
        status: status({
          gateway: { state: 'failed', port: 10255, reason: 'cannot listen on port 10255 (EADDRINUSE)', errno: 'EADDRINUSE' },
          settings: { file: '/d/settings.json', health: { kind: 'set-aside', movedTo: '/d/settings.corrupt-x.json', reason: 'it is not valid JSON' } },
          secretStore: { kind: 'none', detail: 'no keychain' },
        }),
        source: { ok: false, message: 'Unlock the 1Password app, then retry.' },
      }),
    );
    // The fix says what to do in words any surface can show; the remedy is named, and each surface says it its way.
    expect(byId(checks, 'gateway.port')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/choose another port/), remedy: 'choose-port' });
    for (const c of checks) expect(c.fix ?? '').not.toMatch(/onecli-launcher|--[a-z]/);
    expect(byId(checks, 'settings.file')).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/moved to \/d\/settings\.corrupt-x\.json \(it is not valid JSON\)/),
      fix: expect.any(String),
    });
    expect(byId(checks, 'secrets.store')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/keychain/) });
    expect(byId(checks, 'source.desktop')).toMatchObject({ status: 'fail', fix: 'Unlock the 1Password app, then retry.' });
  });

  test('a stopped gateway: whether its port is free', () => {
    const stopped = status({ gateway: { state: 'stopped', port: 10255 } });
    expect(byId(runDoctorChecks(facts({ status: stopped, portFree: true })), 'gateway.port')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/port 10255 is free/),
    });
    expect(byId(runDoctorChecks(facts({ status: stopped, portFree: false })), 'gateway.port')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/choose another port/),
      remedy: 'choose-port',
    });
  });

  test('no 1Password source: a warning that says how to pair; op is optional then', () => {
    const checks = runDoctorChecks(
      facts({ status: status({ source: { kind: 'none' } }), source: undefined, op: { searchDirs: ['/usr/bin'], installs: [], chosenBecause: 'none' } }),
    );
    // The remedy is named, not worded as a command: the UI shows a button, the CLI the command.
    expect(byId(checks, 'source.connected')).toMatchObject({ status: 'warn', remedy: 'connect-1password' });
    expect(byId(checks, 'source.connected')?.fix).not.toMatch(/onecli-launcher/);
    expect(byId(checks, 'op.installed')?.status).toBe('skip');
  });
});

describe('every check that is not ok says what to do', () => {
  const notOk = (checks: ReturnType<typeof runDoctorChecks>) => checks.filter((c) => c.status !== 'ok');
  const expectFixes = (checks: ReturnType<typeof runDoctorChecks>) => {
    for (const c of notOk(checks)) {
      expect(c.fix, `${c.id} is ${c.status}`).toMatch(/\S{3,}/);
      expect(DoctorCheck.safeParse(c).success).toBe(true);
    }
  };

  test('the contract refuses a not-ok check without a fix, on the wire as in the type', () => {
    for (const status of ['warn', 'fail', 'skip'] as const) {
      expect(DoctorCheck.safeParse({ id: 'x', title: 'x', status, detail: 'd' }).success).toBe(false);
      expect(DoctorCheck.safeParse({ id: 'x', title: 'x', status, detail: 'd', fix: '' }).success).toBe(false);
      expect(DoctorCheck.safeParse({ id: 'x', title: 'x', status, detail: 'd', fix: 'do this' }).success).toBe(true);
    }
    expect(DoctorCheck.safeParse({ id: 'x', title: 'x', status: 'ok', detail: 'd' }).success).toBe(true);
    // @ts-expect-error: the type has no not-ok check without a fix
    const bad: DoctorCheck = { id: 'x', title: 'x', status: 'fail', detail: 'd' };
    expect(bad.status).toBe('fail');
  });

  test('--op-path to a file that does not exist: op.installed fails and says to fix --op-path', () => {
    const op = {
      searchDirs: ['/usr/bin'],
      installs: [{ path: '/nope/op', realPath: '/nope/op', error: 'no executable file at this path' }],
      chosen: { path: '/nope/op', realPath: '/nope/op', error: 'no executable file at this path' },
      chosenBecause: 'explicit' as const,
    };
    expect(byId(runDoctorChecks(facts({ op, opGroup: undefined })), 'op.installed')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/^--op-path \/nope\/op: no executable file at this path\. Pass the absolute path of an installed op/),
    });
    const broken = {
      ...op,
      chosenBecause: 'first-on-search-path' as const,
      installs: [{ path: '/usr/bin/op', realPath: '/usr/bin/op', error: 'could not run `op --version`' }],
      chosen: { path: '/usr/bin/op', realPath: '/usr/bin/op', error: 'could not run `op --version`' },
    };
    expect(byId(runDoctorChecks(facts({ op: broken, opGroup: undefined })), 'op.installed')).toMatchObject({
      status: 'fail',
      fix: expect.stringMatching(/Reinstall the 1Password CLI/),
    });
  });

  test('every check, driven into each of its failures, carries a fix', () => {
    const variants: Partial<DoctorFacts>[] = [
      {},
      { platform: 'darwin', canRead: () => false, env: {} },
      { platform: 'linux', opGroup: { group: 'root', setgid: false }, exists: () => false },
      { status: status({ gateway: { state: 'failed', port: 1, reason: 'crashed 5 times in a minute' } }) },
      { status: status({ gateway: { state: 'failed', port: 1, reason: 'EADDRINUSE', errno: 'EADDRINUSE' } }) },
      { status: status({ gateway: { state: 'restarting', port: 1, reason: 'restarting in 250 ms' } }) },
      { status: status({ gateway: { state: 'starting', port: 1 } }) },
      { status: status({ gateway: { state: 'stopped', port: 1 } }), portFree: false },
      {
        status: status({
          secretStore: { kind: 'file', detail: 'f' },
          settings: { file: '/d/s.json', health: { kind: 'set-aside', movedTo: '/d/x', reason: 'r' } },
        }),
      },
      {
        status: status({ secretStore: { kind: 'none', detail: 'n' }, source: { kind: 'none' } }),
        source: undefined,
        op: { searchDirs: [], installs: [], chosenBecause: 'none' },
      },
      { source: { ok: false, message: '' } },
      { status: status({ source: { kind: 'service-account' } }), source: { ok: false, message: 'The token was refused.' } },
      {
        status: status({ ca: { certFile: '/d/ca.pem', bundleFile: '/d/ca-bundle.pem', subject: 'CN=x', notAfter: '2030-01-01', sha256: 'ab' } }),
        exists: () => false,
      },
      { op: { searchDirs: ['/usr/bin'], installs: [], chosenBecause: 'none' } },
      { dataDir: { path: '/d', inspection: { kind: 'folder', mode: 0o777, ownerUid: 1, currentUid: 1, foreignEntries: [], looseEntries: [] } } },
      { dataDir: { path: '/d', inspection: { kind: 'not-checked', reason: 'windows' } } },
    ];
    const seen = new Set<string>();
    for (const v of variants) {
      const checks = runDoctorChecks(facts(v));
      expectFixes(checks);
      for (const c of notOk(checks)) seen.add(c.id);
    }
    // Each check id was seen failing at least once, so none escapes this test.
    expect([...seen].sort()).toEqual([
      'ca.files',
      'datadir.permissions',
      'gateway.port',
      'macos.full-disk-access',
      'op.installed',
      'op.linux-group',
      'op.ssh-agent',
      'secrets.store',
      'settings.file',
      'source.connected',
      'source.desktop',
      'source.service-account',
    ]);
  });
});
