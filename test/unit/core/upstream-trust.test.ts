import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { CONTROL_HANDLERS } from '../../../src/core/control/control-handlers.js';
import { runDoctorChecks } from '../../../src/core/doctor/doctor-checks.js';
import { LauncherCore } from '../../../src/core/launcher-core.js';
import { launcherLogger } from '../../../src/core/logging/launcher-log.js';
import { MemorySecretStore } from '../../../src/core/secrets/memory-secret-store.js';
import { SettingsRepository } from '../../../src/core/settings/settings-repository.js';
import { SETTINGS_VERSION } from '../../../src/shared/settings.js';
import type { GatewayChild, Spawner } from '../../../src/core/supervisor/spawner.js';
import { combinedExtraCa, readExtraCa } from '../../../src/core/upstream-trust.js';
import { ControlError } from '../../../src/core/control-error.js';
import { makeCa } from '../../support/pki.js';

let dir: string;
let corp: { certPem: string; keyPem: string };
let other: { certPem: string };
const file = (name: string, content: string | Buffer) => {
  const f = path.join(dir, name);
  writeFileSync(f, content);
  return f;
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'onecli-extra-ca-'));
  corp = await makeCa('Corp Root CA');
  other = await makeCa('Second CA', 'rsa');
});

describe('readExtraCa: what a trust file must be', () => {
  test('PEM certificates: kept as certificates only, with their subjects', () => {
    const read = readExtraCa(file('two.pem', `# Corp bundle\n${corp.certPem}\n${other.certPem}`));
    expect(read).toMatchObject({ ok: true, subjects: ['CN=Corp Root CA', 'CN=Second CA'] });
    if (!read.ok) throw new Error('unreachable');
    expect(read.pem.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(read.pem).not.toContain('# Corp bundle');
  });

  test.each([
    ['a relative path', () => 'corp.pem', /not an absolute path/, /full path/],
    ['a missing file', () => path.join(dir, 'nope.pem'), /cannot be read \(ENOENT\)/, /choose it again/],
    ['a folder', () => dir, /is not a file/, /not a folder/],
    ['an empty file', () => file('empty.pem', ''), /holds no PEM certificate\./, /-----BEGIN CERTIFICATE-----/],
    [
      'DER',
      () =>
        file(
          'corp.der',
          Buffer.from(
            corp.certPem
              .split('\n')
              .filter((l) => !l.startsWith('-----'))
              .join(''),
            'base64',
          ),
        ),
      /looks like DER/,
      /openssl x509 -inform der -in '.*corp\.der' -out ca\.pem/,
    ],
    [
      'a private key with the certificate',
      () => file('with-key.pem', `${corp.certPem}\n${corp.keyPem}`),
      /PRIVATE KEY block, not only certificates/,
      /keep any private key out of it/,
    ],
    [
      'a damaged certificate',
      () => file('bad.pem', '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'),
      /does not parse/,
      /get the CA certificate again/,
    ],
  ])('%s is refused with the fix', (_name, make, problem, fix) => {
    const read = readExtraCa(make());
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.problem).toMatch(problem);
    expect(read.fix).toMatch(fix);
  });

  test('an unreadable file says how to make it readable', () => {
    if (process.getuid?.() === 0) return; // root reads anything
    const f = file('locked.pem', corp.certPem);
    chmodSync(f, 0o000);
    expect(readExtraCa(f)).toMatchObject({ ok: false, problem: expect.stringMatching(/EACCES/), fix: expect.stringMatching(/chmod u\+r/) });
  });

  test('the launch file and the setting make one bundle', () => {
    expect(combinedExtraCa([undefined, ''])).toBeUndefined();
    expect(combinedExtraCa(['A', 'B\n'])).toBe('A\nB\n');
  });
});

/** A core whose gateway is a double: it records each configuration and says ready. */
function coreWithGatewayDouble() {
  const data = mkdtempSync(path.join(tmpdir(), 'onecli-core-ca-'));
  mkdirSync(data, { recursive: true });
  const configs: { extraCaPem?: string }[] = [];
  const spawn: Spawner = () => {
    let onMessage: (m: unknown) => void = () => undefined;
    let onExit: (code: number | null, signal: string | null) => void = () => undefined;
    const child: GatewayChild = {
      pid: 1,
      send: (m) => {
        if (m.type === 'configure') {
          configs.push(m.config);
          setImmediate(() => onMessage({ type: 'ready', address: { host: '127.0.0.1', port: 10255 } }));
        }
        if (m.type === 'shutdown') setImmediate(() => onExit(0, null));
      },
      onMessage: (l) => void (onMessage = l),
      onOutput: () => undefined,
      onExit: (l) => void (onExit = l),
      kill: () => setImmediate(() => onExit(null, 'SIGKILL')),
    };
    return child;
  };
  const warnings: string[] = [];
  const settings = new SettingsRepository({ dataDir: data });
  const core = new LauncherCore({
    dataDir: data,
    settings,
    secrets: new MemorySecretStore(),
    secretStoreSummary: { kind: 'none', detail: 'memory (test)' },
    sources: { serviceAccount: () => ({}) as never, desktop: () => ({}) as never },
    spawnGateway: spawn,
    gatewayEntry: '/nowhere/main.js',
    gatewayEnv: {},
    extraCaPem: other.certPem,
    launchExtraCaFile: '/etc/launch-ca.pem',
    log: launcherLogger({
      write: (line) => {
        const record = JSON.parse(line) as { level: string; msg?: string };
        if (record.level === 'warn') warnings.push(record.msg ?? '');
      },
    }),
    locateOp: async () => ({ searchDirs: [], installs: [], chosenBecause: 'none' as const }),
    systemRoots: () => '',
  });
  return { core, configs, warnings, data, settings };
}

describe('the extra CA as a setting (control API), shared by both shells', () => {
  test('settings.update checks the file, keeps it, restarts the gateway with both CAs; null stops using it', async () => {
    const { core, configs, data, settings } = coreWithGatewayDouble();
    await core.start();
    expect(configs).toHaveLength(1);
    expect(configs[0]!.extraCaPem?.trim()).toBe(other.certPem.trim()); // the launch's file only
    expect((await CONTROL_HANDLERS['settings.get'](core, {})).extraCa).toEqual({
      state: 'none',
      detail: 'none chosen in Settings',
      launchFile: '/etc/launch-ca.pem',
    });

    const corpFile = file('corp.pem', corp.certPem);
    const view = await CONTROL_HANDLERS['settings.update'](core, { extraCaFile: corpFile });
    expect(view.extraCa).toMatchObject({ file: corpFile, state: 'ok', detail: '1 certificate(s): CN=Corp Root CA', launchFile: '/etc/launch-ca.pem' });
    expect(configs).toHaveLength(2);
    expect(configs[1]!.extraCaPem).toContain(other.certPem.trim());
    expect(configs[1]!.extraCaPem).toContain(corp.certPem.split('\n')[1]);
    expect(JSON.parse(readFileSync(path.join(data, 'settings.json'), 'utf8'))).toMatchObject({
      version: SETTINGS_VERSION,
      upstream: { extraCaFile: corpFile },
    });

    await expect(CONTROL_HANDLERS['settings.update'](core, { extraCaFile: file('key-only.pem', corp.keyPem) })).rejects.toMatchObject({
      code: 'invalid_params',
      message: expect.stringMatching(/not only certificates/),
    });
    await expect(CONTROL_HANDLERS['settings.update'](core, { extraCaFile: 'relative.pem' })).rejects.toBeInstanceOf(ControlError);
    expect(settings.get().upstream.extraCaFile).toBe(corpFile); // refused: nothing changed
    expect(configs).toHaveLength(2);

    const cleared = await CONTROL_HANDLERS['settings.update'](core, { extraCaFile: null });
    expect(cleared.extraCa.state).toBe('none');
    expect(configs.at(-1)!.extraCaPem?.trim()).toBe(other.certPem.trim());
    await core.stop();
  });

  test('a chosen file that later goes bad: the gateway starts without it, the log, Settings and the doctor say so', async () => {
    const { core, configs, warnings, settings } = coreWithGatewayDouble();
    const corpFile = file('renewed.pem', corp.certPem);
    settings.update((s) => ({ ...s, upstream: { extraCaFile: corpFile } }));
    writeFileSync(corpFile, 'not a certificate any more');
    await core.start();
    expect(core.gateway.status.state).toBe('running');
    expect(configs[0]!.extraCaPem?.trim()).toBe(other.certPem.trim());
    expect(warnings).toContain('the extra CA in settings is not used');
    const view = core.settings.extraCaView();
    expect(view).toMatchObject({ state: 'problem', detail: expect.stringMatching(/holds no PEM certificate/) });
    await core.stop();
  });

  test('settings.chooseExtraCa needs a shell with a file dialog', async () => {
    const { core } = coreWithGatewayDouble();
    await expect(CONTROL_HANDLERS['settings.chooseExtraCa'](core, {})).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/type the path/),
    });
    expect((await CONTROL_HANDLERS['settings.get'](core, {})).capabilities).toMatchObject({ chooseFiles: false, revealFiles: false });
    expect(await CONTROL_HANDLERS['system.revealLog'](core, {})).toEqual({ revealed: false });
  });
});

describe('doctor: upstream.extra-ca', () => {
  const base = runDoctorChecks.length; // the function exists; facts below are minimal
  test.each([
    [{ state: 'none', detail: "none: the gateway trusts Node's public roots" }, 'ok', /public roots/],
    [{ state: 'ok', file: '/c.pem', detail: '1 certificate(s): CN=Corp', launchFile: '/l.pem' }, 'ok', /\/c\.pem: 1 certificate.*also trusts \/l\.pem/],
    [{ state: 'problem', file: '/c.pem', detail: '/c.pem cannot be read (ENOENT).', fix: 'The file is gone: choose it again.' }, 'fail', /runs without it/],
  ] as const)('%o → %s', (extraCa, status, detail) => {
    expect(base).toBeGreaterThan(0);
    const check = runDoctorChecks({
      platform: 'linux',
      home: '/h',
      env: {},
      status: {
        gateway: { state: 'running', port: 1 },
        source: { kind: 'none' },
        secretStore: { kind: 'keychain', detail: '' },
        settings: { file: '', health: { kind: 'ok' } },
        mappings: 0,
        agents: 0,
        lastErrors: [],
        policyDenials: [],
      },
      op: { searchDirs: [], installs: [], chosenBecause: 'none' },
      canRead: () => false,
      exists: () => true,
      source: undefined,
      startedFromTerminal: false,
      dataDir: { path: '/d', inspection: { kind: 'not-checked', reason: 'test' } },
      extraCa,
    }).find((c) => c.id === 'upstream.extra-ca');
    expect(check).toMatchObject({ status, detail: expect.stringMatching(detail) });
    if (status === 'fail') expect(check).toMatchObject({ fix: 'The file is gone: choose it again.' });
  });
});
