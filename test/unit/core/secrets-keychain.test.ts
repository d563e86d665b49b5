import { afterEach, describe, expect, test, vi } from 'vitest';
import { keychainAvailability } from '../../../src/core/secrets/keychain-availability.js';
import { KeychainStore } from '../../../src/core/secrets/keychain-store.js';
import type { KeyringPort } from '../../../src/core/secrets/keyring-port.js';

/** A keychain in a Map; `failWith` makes every call fail the way @napi-rs/keyring does. */
function fakeKeyring(options: { failWith?: string; hang?: boolean; corruptReads?: boolean } = {}): KeyringPort & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const key = (service: string, account: string) => `${service}\u0000${account}`;
  const gate = async () => {
    if (options.hang) await new Promise<never>(() => undefined);
    if (options.failWith) throw Object.assign(new Error(options.failWith), { code: 'GenericFailure' });
  };
  return {
    entries,
    async getPassword(service, account) {
      await gate();
      const value = entries.get(key(service, account));
      return options.corruptReads && value !== undefined ? `${value}!` : value;
    },
    async setPassword(service, account, password) {
      await gate();
      entries.set(key(service, account), password);
    },
    async deletePassword(service, account) {
      await gate();
      return entries.delete(key(service, account));
    },
  };
}

// The texts @napi-rs/keyring v2 gives on Linux (seen against libdbus + gnome-keyring 42).
const LINUX_ERRORS = {
  no_session_bus: 'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead',
  dead_bus: 'Platform failure: DBus error: Failed to connect to socket /run/user/1000/bus: No such file or directory',
  no_secret_service: 'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files',
  no_default_keyring: "Couldn't access platform storage: Secret Service: no result found",
  locked: "Couldn't access platform storage: Secret Service: unlock prompt was dismissed",
  other: 'Platform failure: something new',
};

describe('keychainAvailability', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('a keychain that round-trips is available, and the probe entry is gone afterwards', async () => {
    const keyring = fakeKeyring();
    expect(await keychainAvailability({ keyring, platform: 'linux' })).toEqual({ available: true, backend: 'secret-service' });
    expect(await keychainAvailability({ keyring, platform: 'darwin' })).toEqual({ available: true, backend: 'macos-keychain' });
    expect(keyring.entries.size).toBe(0);
  });

  test.each([
    ['no_session_bus', LINUX_ERRORS.no_session_bus, /no D-Bus session bus.*--insecure-file-store/],
    ['no_session_bus', LINUX_ERRORS.dead_bus, /no D-Bus session bus/],
    [
      'no_secret_service',
      LINUX_ERRORS.no_secret_service,
      /^No Secret Service on the session bus: install and unlock gnome-keyring, or pass --insecure-file-store\.$/,
    ],
    ['no_default_keyring', LINUX_ERRORS.no_default_keyring, /gnome-keyring-daemon --unlock/],
    ['locked', LINUX_ERRORS.locked, /locked: unlock gnome-keyring/],
    ['failed', LINUX_ERRORS.other, /--insecure-file-store/],
  ])('Linux: %s is reported with its fix (%s)', async (reason, message, fix) => {
    const result = await keychainAvailability({ keyring: fakeKeyring({ failWith: message }), platform: 'linux' });
    expect(result).toEqual({ available: false, backend: 'secret-service', reason, fix: expect.stringMatching(fix), detail: message });
  });

  test('macOS: a locked keychain gets the macOS fix, without the Linux flag', async () => {
    const result = await keychainAvailability({ keyring: fakeKeyring({ failWith: 'Platform failure: User interaction is not allowed.' }), platform: 'darwin' });
    expect(result).toMatchObject({ available: false, backend: 'macos-keychain', reason: 'locked', fix: expect.stringMatching(/security unlock-keychain/) });
    expect(result.available === false && result.fix).not.toMatch(/gnome|insecure/);
  });

  test('a value that reads back different is a mismatch', async () => {
    expect(await keychainAvailability({ keyring: fakeKeyring({ corruptReads: true }), platform: 'linux' })).toMatchObject({
      available: false,
      reason: 'mismatch',
    });
  });

  test('a keychain that never answers is reported as a timeout when the limit passes, not later', async () => {
    vi.useFakeTimers();
    let settled = false;
    const probe = keychainAvailability({ keyring: fakeKeyring({ hang: true }), platform: 'linux', timeoutMs: 5_000 }).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(probe).resolves.toMatchObject({ available: false, reason: 'timeout', fix: expect.stringMatching(/did not answer in time/) });
  });
});

describe('KeychainStore', () => {
  test('keeps entries under its service, one account per name', async () => {
    const keyring = fakeKeyring();
    const store = new KeychainStore({ keyring, platform: 'linux' });
    await store.set('agent-token:claude', 't1');
    expect([...keyring.entries.keys()]).toEqual(['sh.onecli.launcher\u0000agent-token:claude']);
    expect(await store.get('agent-token:claude')).toBe('t1');
    expect(await store.get('local:missing')).toBeUndefined();
    expect(await store.delete('agent-token:claude')).toBe(true);
  });

  test('a keychain failure becomes a SecretStoreError with a fix; the value is in neither message nor fix', async () => {
    const store = new KeychainStore({ keyring: fakeKeyring({ failWith: LINUX_ERRORS.locked }), platform: 'linux' });
    const secret = 'ops_eyJzaWduSW5BZGRyZXNzIjoi';
    const err = await store.set('service-account-token', secret).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'SecretStoreError', code: 'keychain_failed', fix: expect.stringMatching(/locked/) });
    expect(`${String(err)} ${JSON.stringify(err)}`).not.toContain(secret);
  });

  test('a call that hangs fails with keychain_timeout', async () => {
    vi.useFakeTimers();
    try {
      const store = new KeychainStore({ keyring: fakeKeyring({ hang: true }), platform: 'linux', timeoutMs: 1_000 });
      const pending = store.get('ca-key').catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(await pending).toMatchObject({ code: 'keychain_timeout' });
    } finally {
      vi.useRealTimers();
    }
  });

  test('an invalid name never reaches the keychain', async () => {
    const keyring = fakeKeyring();
    await expect(new KeychainStore({ keyring, platform: 'linux' }).set('not a name' as never, 'v')).rejects.toMatchObject({ code: 'invalid_name' });
    expect(keyring.entries.size).toBe(0);
  });
});
