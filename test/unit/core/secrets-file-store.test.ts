import * as fs from 'node:fs/promises';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test, vi } from 'vitest';
import { writeFileAtomic } from '../../../src/core/files/write-file-atomic.js';
import { FileSecretStore, type SecretFileFs } from '../../../src/core/secrets/file-secret-store.js';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'onecli-filestore-'));
const fixedNow = () => new Date('2026-11-25T10:00:00.000Z');
const secretsFile = (dir: string) => path.join(dir, 'secrets.json');
const modeOf = (file: string) => statSync(file).mode & 0o777;

/** The real fs, except that one step of the atomic write fails. Records renames. */
function fsFailingAt(step: 'writeFile' | 'sync' | 'rename') {
  const renames: Array<[string, string]> = [];
  const fail = () => Promise.reject(Object.assign(new Error(`injected ${step} failure`), { code: 'EIO' }));
  const failing: SecretFileFs = {
    readFile: fs.readFile,
    mkdir: fs.mkdir,
    stat: fs.stat,
    rm: fs.rm,
    async open(file, flags, mode) {
      const handle = await fs.open(file, flags, mode);
      return {
        writeFile: (data) => (step === 'writeFile' ? fail() : handle.writeFile(data)),
        sync: () => (step === 'sync' ? fail() : handle.sync()),
        chmod: (m) => handle.chmod(m),
        close: () => handle.close(),
      };
    },
    async rename(from, to) {
      renames.push([from, to]);
      return step === 'rename' ? fail() : fs.rename(from, to);
    },
  };
  return { fs: failing, renames };
}

describe('FileSecretStore', () => {
  test('round-trips, persists across instances, and a missing entry is undefined', async () => {
    const dir = fresh();
    const store = new FileSecretStore({ dataDir: dir });
    expect(await store.check()).toEqual({ state: 'missing' });
    await store.set('ca-key', 'pem 🔑');
    await store.set('agent-token:claude', 'tok');
    expect(await new FileSecretStore({ dataDir: dir }).get('ca-key')).toBe('pem 🔑');
    expect(await store.get('local:nope')).toBeUndefined();
    expect(await store.delete('agent-token:claude')).toBe(true);
    expect(await store.delete('agent-token:claude')).toBe(false);
    expect(await store.check()).toEqual({ state: 'ok', entries: 1 });
  });

  test('the file is 0600 in a 0700 folder it creates, and a looser file is tightened on write', async () => {
    const dir = path.join(fresh(), 'nested', 'data');
    await new FileSecretStore({ dataDir: dir }).set('control-token', 't');
    expect(modeOf(secretsFile(dir))).toBe(0o600);
    expect(modeOf(dir)).toBe(0o700);

    const loose = fresh();
    writeFileSync(secretsFile(loose), JSON.stringify({ version: 1, secrets: {} }), { mode: 0o644 });
    await new FileSecretStore({ dataDir: loose }).set('control-token', 't');
    expect(modeOf(secretsFile(loose))).toBe(0o600);
  });

  test('concurrent writes in one process lose nothing', async () => {
    const dir = fresh();
    const store = new FileSecretStore({ dataDir: dir });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`local:k${i}`, `v${i}`)));
    expect(Object.keys(JSON.parse(readFileSync(secretsFile(dir), 'utf8')).secrets)).toHaveLength(20);
  });

  test.each(['writeFile', 'sync', 'rename'] as const)('a write that fails at %s leaves the old file whole and no temp file behind', async (step) => {
    const dir = fresh();
    await new FileSecretStore({ dataDir: dir }).set('ca-key', 'old');
    const before = readFileSync(secretsFile(dir), 'utf8');
    const { fs: failing, renames } = fsFailingAt(step);
    const store = new FileSecretStore({ dataDir: dir, fs: failing });
    const secret = 'new-value-that-must-not-leak';
    const failure = await store.set('ca-key', secret).catch((err: unknown) => err);
    expect(failure).toMatchObject({ name: 'SecretStoreError', code: 'file_store_failed' });
    expect(String(failure)).not.toContain(secret);
    expect(readFileSync(secretsFile(dir), 'utf8')).toBe(before);
    expect(readdirSync(dir)).toEqual(['secrets.json']);
    if (step === 'rename') expect(path.dirname(renames[0]![0])).toBe(dir); // same folder, so the rename is atomic
  });

  test.each([
    ['not JSON', '{ "version": 1, "secrets": {'],
    ['a value that is not a string', JSON.stringify({ version: 1, secrets: { 'ca-key': 42 } })],
    ['no version', JSON.stringify({ secrets: {} })],
    ['null', 'null'],
  ])('a corrupt file (%s) is set aside with a timestamp, never deleted, and reported', async (_why, text) => {
    const dir = fresh();
    writeFileSync(secretsFile(dir), text, { mode: 0o600 });
    const onSetAside = vi.fn();
    const store = new FileSecretStore({ dataDir: dir, now: fixedNow, onSetAside });
    expect(await store.get('ca-key')).toBeUndefined();
    const movedTo = path.join(dir, 'secrets.corrupt-2026-11-25T10-00-00-000Z.json');
    expect(onSetAside).toHaveBeenCalledExactlyOnceWith({ file: secretsFile(dir), movedTo, reason: expect.any(String) });
    expect(readFileSync(movedTo, 'utf8')).toBe(text);
    await store.set('ca-key', 'fresh');
    expect(await store.get('ca-key')).toBe('fresh');
    expect(readdirSync(dir).sort()).toEqual(['secrets.corrupt-2026-11-25T10-00-00-000Z.json', 'secrets.json']);
  });

  test('check() reports a set-aside file, and the reason holds no content', async () => {
    const dir = fresh();
    writeFileSync(secretsFile(dir), JSON.stringify({ version: 1, secrets: { 'ca-key': ['sk-in-an-array'] } }));
    const health = await new FileSecretStore({ dataDir: dir, now: fixedNow }).check();
    expect(health).toMatchObject({ state: 'set-aside', reason: expect.stringMatching(/secrets\.ca-key/) });
    expect(JSON.stringify(health)).not.toContain('sk-in-an-array');
  });

  test('a second corruption in the same millisecond does not overwrite the first one set aside', async () => {
    const dir = fresh();
    const store = new FileSecretStore({ dataDir: dir, now: fixedNow });
    writeFileSync(secretsFile(dir), 'first garbage');
    await store.get('ca-key');
    writeFileSync(secretsFile(dir), 'second garbage');
    await store.get('ca-key');
    const aside = readdirSync(dir).sort();
    expect(aside).toEqual(['secrets.corrupt-2026-11-25T10-00-00-000Z-2.json', 'secrets.corrupt-2026-11-25T10-00-00-000Z.json']);
    expect(aside.map((f) => readFileSync(path.join(dir, f), 'utf8'))).toEqual(['second garbage', 'first garbage']);
  });

  test('a file from a newer version is refused and left where it is', async () => {
    const dir = fresh();
    const text = JSON.stringify({ version: 2, secrets: {}, vault: 'future' });
    writeFileSync(secretsFile(dir), text);
    await expect(new FileSecretStore({ dataDir: dir }).get('ca-key')).rejects.toMatchObject({
      code: 'file_store_failed',
      fix: expect.stringMatching(/newer onecli-launcher/),
    });
    expect(readdirSync(dir)).toEqual(['secrets.json']);
    expect(readFileSync(secretsFile(dir), 'utf8')).toBe(text);
  });

  test('an unreadable file is an error, not a corruption: it is not moved', async () => {
    const dir = fresh();
    mkdirSync(secretsFile(dir)); // EISDIR on read
    await expect(new FileSecretStore({ dataDir: dir }).get('ca-key')).rejects.toMatchObject({
      code: 'file_store_failed',
      fix: expect.stringMatching(/could not be read \(EISDIR\)/),
    });
    expect(readdirSync(dir)).toEqual(['secrets.json']);
  });
});

describe('writeFileAtomic', () => {
  test('writes the exact mode asked for, and replaces the file in one step', async () => {
    const dir = fresh();
    const file = path.join(dir, 'ca.pem');
    await writeFileAtomic(file, 'one', 0o644);
    await writeFileAtomic(file, 'two', 0o640);
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(modeOf(file)).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['ca.pem']);
  });

  test('defaults to 0600', async () => {
    const file = path.join(fresh(), 'state.json');
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect(modeOf(file)).toBe(0o600);
  });
});
