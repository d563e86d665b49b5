import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { unavailable, type KeychainAvailability } from '../../../src/core/secrets/keychain-availability.js';
import type { KeyringPort } from '../../../src/core/secrets/keyring-port.js';
import { chooseSecretStore, openSecretStore } from '../../../src/core/secrets/open-secret-store.js';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'onecli-chooser-'));
const available: KeychainAvailability = { available: true, backend: 'secret-service' };
const noBus = unavailable('linux', 'no_session_bus');
const given = (result: KeychainAvailability) => async () => result;

/** The chooser must decide from the availability alone; any keyring call here is a bug. */
const untouchedKeyring: KeyringPort = {
  getPassword: () => Promise.reject(new Error('keyring used')),
  setPassword: () => Promise.reject(new Error('keyring used')),
  deletePassword: () => Promise.reject(new Error('keyring used')),
};

describe('chooseSecretStore', () => {
  test.each([
    [available, false, 'keychain'],
    [available, true, 'keychain'],
    [noBus, false, 'none'],
    [noBus, true, 'file'],
  ] as const)('keychain %j, opt-in %s → %s', (keychain, allowFileStore, kind) => {
    expect(chooseSecretStore(keychain, allowFileStore).kind).toBe(kind);
  });
});

describe('openSecretStore', () => {
  test('a working keychain is used even with the opt-in, and no file is written', async () => {
    const dataDir = fresh();
    const { store, description } = await openSecretStore({ dataDir, allowFileStore: true, keyring: untouchedKeyring, checkKeychain: given(available) });
    expect(store.kind).toBe('keychain');
    expect(description).toEqual({ kind: 'keychain', backend: 'secret-service', summary: 'Secrets are kept in the Secret Service (gnome-keyring).' });
    expect(readdirSync(dataDir)).toEqual([]);
  });

  test('no keychain and no opt-in: reads find nothing, writes are refused with the fix, nothing is stored', async () => {
    const dataDir = fresh();
    const { store, description } = await openSecretStore({ dataDir, allowFileStore: false, keyring: untouchedKeyring, checkKeychain: given(noBus) });
    expect(description).toMatchObject({
      kind: 'none',
      keychain: { reason: 'no_session_bus' },
      summary: expect.stringMatching(/no secret can be stored.*--insecure-file-store/),
    });
    const secret = 'ops_never-stored';
    const err = await store.set('service-account-token', secret).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'no_secret_store', fix: expect.stringMatching(/^Not stored: no keychain is available\. .*--insecure-file-store/) });
    expect(JSON.stringify(err) + String(err)).not.toContain(secret);
    expect(await store.get('service-account-token')).toBeUndefined();
    expect(await store.delete('service-account-token')).toBe(false);
    await expect(store.set('nonsense' as never, 'v')).rejects.toMatchObject({ code: 'invalid_name' });
    expect(readdirSync(dataDir)).toEqual([]);
  });

  test('no keychain with the opt-in: a 0600 file in the data dir, and the description says how exposed it is', async () => {
    const dataDir = fresh();
    const { store, description } = await openSecretStore({ dataDir, allowFileStore: true, keyring: untouchedKeyring, checkKeychain: given(noBus) });
    await store.set('ca-key', 'pem');
    expect(await store.get('ca-key')).toBe('pem');
    expect(description).toMatchObject({
      kind: 'file',
      path: path.join(dataDir, 'secrets.json'),
      health: { state: 'missing' },
      keychain: { reason: 'no_session_bus' },
    });
    expect(description.summary).toMatch(/--insecure-file-store was given.*mode 0600.*readable by anything that can read your files/);
    expect(statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });

  test('with the opt-in, a corrupt file is set aside at open and reported in the description', async () => {
    const dataDir = fresh();
    writeFileSync(path.join(dataDir, 'secrets.json'), '{ broken');
    const onSetAside = vi.fn();
    const now = () => new Date('2026-11-25T10:00:00.000Z');
    const { description } = await openSecretStore({ dataDir, allowFileStore: true, keyring: untouchedKeyring, checkKeychain: given(noBus), now, onSetAside });
    const movedTo = path.join(dataDir, 'secrets.corrupt-2026-11-25T10-00-00-000Z.json');
    expect(description).toMatchObject({ kind: 'file', health: { state: 'set-aside', movedTo } });
    expect(description.summary).toContain(`set aside as ${movedTo}`);
    expect(onSetAside).toHaveBeenCalledOnce();
    expect(readdirSync(dataDir)).toEqual([path.basename(movedTo)]);
  });

  test('without a probe override, the keychain is probed through the keyring it was given', async () => {
    const failing: KeyringPort = {
      ...untouchedKeyring,
      setPassword: () => Promise.reject(new Error("Couldn't access platform storage: Secret Service: no result found")),
    };
    const { description } = await openSecretStore({ dataDir: fresh(), allowFileStore: false, keyring: failing, platform: 'linux' });
    expect(description).toMatchObject({ kind: 'none', keychain: { reason: 'no_default_keyring' } });
  });
});
