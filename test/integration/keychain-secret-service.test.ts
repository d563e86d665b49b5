import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { APP_ID } from '../../src/shared/product.js';
import {
  envWithoutSessionBus,
  lockLoginKeyring,
  requireKeychainTools,
  runKeychainSteps,
  startKeychainSession,
  type KeychainSession,
  type KeychainStep,
  type StepResult,
} from '../support/keychain-session.js';

// Real gnome-keyring in a private D-Bus session. If gnome-keyring (or dbus-daemon/dbus-send)
// is missing, startKeychainSession throws naming the Debian package, and every test here fails.

const PROBE_TIMEOUT_MS = 3_000;
const fresh = () => mkdtempSync(path.join(tmpdir(), 'onecli-secrets-'));
const values = (results: StepResult[]) => results.map((r) => (r.ok ? r.value : r.error));

test('the Secret Service tools are installed (Debian: gnome-keyring, dbus-daemon, dbus-bin)', () => {
  requireKeychainTools();
});

function expectAllOk(results: StepResult[]): void {
  const failed = results.filter((r) => !r.ok);
  expect(failed).toEqual([]);
}

describe('KeychainStore on a real Secret Service', () => {
  let session: KeychainSession;
  const run = (steps: KeychainStep[]) => runKeychainSteps({ ...session.env }, steps);

  beforeAll(async () => {
    session = await startKeychainSession();
  });
  afterAll(async () => {
    await session?.stop();
  });

  test('the availability probe says available, quickly', async () => {
    const [probe] = await run([{ op: 'probe', service: APP_ID, timeoutMs: PROBE_TIMEOUT_MS }]);
    expect(probe).toMatchObject({ ok: true, value: { available: true, backend: 'secret-service' } });
    expect(probe!.ms).toBeLessThan(PROBE_TIMEOUT_MS);
  });

  test('set, get and delete round-trip; a second delete finds nothing', async () => {
    const results = await run([
      { op: 'set', service: APP_ID, name: 'service-account-token', value: 'ops_round-trip' },
      { op: 'get', service: APP_ID, name: 'service-account-token' },
      { op: 'delete', service: APP_ID, name: 'service-account-token' },
      { op: 'get', service: APP_ID, name: 'service-account-token' },
      { op: 'delete', service: APP_ID, name: 'service-account-token' },
    ]);
    expectAllOk(results);
    expect(values(results)).toEqual([undefined, 'ops_round-trip', true, undefined, false]);
  });

  test('set replaces an existing entry', async () => {
    const results = await run([
      { op: 'set', service: APP_ID, name: 'agent-token:claude', value: 'first' },
      { op: 'set', service: APP_ID, name: 'agent-token:claude', value: 'second' },
      { op: 'get', service: APP_ID, name: 'agent-token:claude' },
    ]);
    expectAllOk(results);
    expect(results[2]).toMatchObject({ value: 'second' });
  });

  test('unicode and long values come back byte for byte', async () => {
    const unicode = 'pässwörd 🔑 密钥 ключ \t "quoted" \\ back\nslash';
    const long = `-----BEGIN PRIVATE KEY-----\n${'Zm9vYmFy'.repeat(8_192)}\n-----END PRIVATE KEY-----\n🔚`; // ~64 KiB, larger than any CA key
    const results = await run([
      { op: 'set', service: APP_ID, name: 'local:unicode', value: unicode },
      { op: 'set', service: APP_ID, name: 'ca-key', value: long },
      { op: 'get', service: APP_ID, name: 'local:unicode' },
      { op: 'get', service: APP_ID, name: 'ca-key' },
    ]);
    expectAllOk(results);
    expect(results[2]).toMatchObject({ value: unicode });
    expect((results[3] as { value: string }).value).toBe(long);
  });

  test('a missing entry reads as undefined', async () => {
    const [missing] = await run([{ op: 'get', service: APP_ID, name: 'local:never-stored' }]);
    expect(missing).toMatchObject({ ok: true });
    expect((missing as { value?: unknown }).value).toBeUndefined();
  });

  test('two services keep separate entries under the same name', async () => {
    const a = `${APP_ID}.test-a`;
    const b = `${APP_ID}.test-b`;
    const results = await run([
      { op: 'set', service: a, name: 'control-token', value: 'token-a' },
      { op: 'set', service: b, name: 'control-token', value: 'token-b' },
      { op: 'get', service: a, name: 'control-token' },
      { op: 'delete', service: a, name: 'control-token' },
      { op: 'get', service: b, name: 'control-token' },
    ]);
    expectAllOk(results);
    expect(values(results).slice(2)).toEqual(['token-a', true, 'token-b']);
  });

  test('an invalid name is refused before the keychain is touched, without echoing it', async () => {
    const [bad] = await run([{ op: 'set', service: APP_ID, name: 'sk-looks-like-a-value', value: 'v' }]);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_name' } });
    expect(JSON.stringify(bad)).not.toContain('sk-looks-like-a-value');
  });

  test('the chooser opens the keychain when it works, and writes no file', async () => {
    const dataDir = fresh();
    const [opened] = await run([{ op: 'open-and-set', service: APP_ID, dataDir, allowFileStore: true, name: 'local:chooser', value: 'in-the-keychain' }]);
    expect(opened).toMatchObject({ ok: true, value: { stored: true, description: { kind: 'keychain', backend: 'secret-service' } } });
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

describe('a locked keyring', () => {
  let session: KeychainSession;
  const stored = 'ops_stored-before-the-lock';
  beforeAll(async () => {
    session = await startKeychainSession();
    expectAllOk(await runKeychainSteps({ ...session.env }, [{ op: 'set', service: APP_ID, name: 'service-account-token', value: stored }]));
    await lockLoginKeyring(session);
  });
  afterAll(async () => {
    await session?.stop();
  });

  test('the probe says locked, with the unlock fix', async () => {
    const [probe] = await runKeychainSteps({ ...session.env }, [{ op: 'probe', service: APP_ID, timeoutMs: PROBE_TIMEOUT_MS }]);
    expect(probe).toMatchObject({ ok: true, value: { available: false, reason: 'locked', fix: expect.stringMatching(/unlock gnome-keyring/) } });
  });

  test('reading a stored entry fails with keychain_failed and no value; a missing one still reads as undefined', async () => {
    const [existing, missing] = await runKeychainSteps({ ...session.env }, [
      { op: 'get', service: APP_ID, name: 'service-account-token' },
      // The Secret Service searches item attributes without unlocking, so "no such entry" needs no prompt.
      { op: 'get', service: APP_ID, name: 'local:never-stored' },
    ]);
    expect(existing).toMatchObject({ ok: false, error: { name: 'SecretStoreError', code: 'keychain_failed', message: expect.stringMatching(/locked/) } });
    expect(JSON.stringify(existing)).not.toContain(stored);
    expect(missing).toMatchObject({ ok: true });
  });
});

describe('no Secret Service', () => {
  test('a bus without gnome-keyring: the probe says no_secret_service with the install fix', async () => {
    const bus = await startKeychainSession({ withKeyring: false });
    try {
      const [probe] = await runKeychainSteps({ ...bus.env }, [{ op: 'probe', service: APP_ID, timeoutMs: PROBE_TIMEOUT_MS }]);
      expect(probe).toMatchObject({
        ok: true,
        value: {
          available: false,
          reason: 'no_secret_service',
          fix: 'No Secret Service on the session bus: install and unlock gnome-keyring, or pass --insecure-file-store.',
        },
      });
    } finally {
      await bus.stop();
    }
  });

  test('no session bus: the probe says unavailable within its timeout, with the fix text', async () => {
    const [probe] = await runKeychainSteps(envWithoutSessionBus(), [{ op: 'probe', service: APP_ID, timeoutMs: PROBE_TIMEOUT_MS }]);
    expect(probe).toMatchObject({ ok: true, value: { available: false, backend: 'secret-service', reason: 'no_session_bus' } });
    expect((probe as { value: { fix: string } }).value.fix).toMatch(/gnome-keyring.*--insecure-file-store/);
    expect(probe!.ms).toBeLessThan(PROBE_TIMEOUT_MS);
  });

  test('no session bus and no opt-in: the chooser refuses to store, and nothing is written', async () => {
    const dataDir = fresh();
    const secret = 'ops_must-not-be-written-anywhere';
    const [opened] = await runKeychainSteps(envWithoutSessionBus(), [
      { op: 'open-and-set', service: APP_ID, dataDir, allowFileStore: false, probeTimeoutMs: PROBE_TIMEOUT_MS, name: 'service-account-token', value: secret },
    ]);
    expect(opened).toMatchObject({
      ok: true,
      value: { stored: false, description: { kind: 'none' }, error: { code: 'no_secret_store', message: expect.stringMatching(/--insecure-file-store/) } },
    });
    expect(JSON.stringify(opened)).not.toContain(secret);
    expect(readdirSync(dataDir)).toEqual([]);
  });

  test('no session bus with the opt-in: the chooser uses a 0600 file', async () => {
    const dataDir = fresh();
    const [opened] = await runKeychainSteps(envWithoutSessionBus(), [
      { op: 'open-and-set', service: APP_ID, dataDir, allowFileStore: true, probeTimeoutMs: PROBE_TIMEOUT_MS, name: 'ca-key', value: 'pem' },
    ]);
    expect(opened).toMatchObject({ ok: true, value: { stored: true, description: { kind: 'file', path: path.join(dataDir, 'secrets.json') } } });
    expect(statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });
});
