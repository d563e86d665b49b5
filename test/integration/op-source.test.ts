// The real OpDesktopSource and runner, spawning the real `op` test double (test/fixtures/fake-op.mjs).
import { copyFileSync, chmodSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { createOpRunner, nodeExecFile } from '../../src/core/vault/op-runner.js';
import { OpDesktopSource } from '../../src/core/vault/op-source.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const FIXTURE_FILE = path.join(FIXTURES, 'op-fixture.json');
const fixture = JSON.parse(readFileSync(FIXTURE_FILE, 'utf8')) as {
  vaults: { id: string; name: string }[];
  items: { id: string; title: string; fields: { value?: string }[] }[];
};
const ALL_VALUES = fixture.items.flatMap((i) => i.fields.map((f) => f.value)).filter((v): v is string => !!v);
const vaultId = (name: string) => fixture.vaults.find((v) => v.name === name)?.id ?? '';
const itemId = (title: string) => fixture.items.find((i) => i.title === title)?.id ?? '';

let opPath: string;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'onecli-op-'));
  opPath = path.join(dir, 'op'); // installed under the real name, as a user would have it
  copyFileSync(path.join(FIXTURES, 'fake-op.mjs'), opPath);
  chmodSync(opPath, 0o755);
});

function source(steer: Record<string, string> = {}) {
  const deps = { execFile: nodeExecFile, env: process.env, clock: { now: () => Date.now() } };
  // FAKE_OP_* are not on the env allowlist, so they are passed on purpose, like a token would be.
  return new OpDesktopSource(createOpRunner(deps, { opPath, extraEnv: { FAKE_OP_FIXTURE: FIXTURE_FILE, ...steer } }));
}

describe('success paths against the op double', () => {
  test('resolve reads a field inside a section, without a trailing newline', async () => {
    await expect(source().resolve('op://API Keys/Anthropic/Admin/credential')).resolves.toBe('sk-ant-FAKE-0000-anthropic-not-a-real-key');
  });

  test('names match case-insensitively, and IDs work as well as names', async () => {
    await expect(source().resolve('op://api keys/OPENAI/Password')).resolves.toBe('sk-proj-FAKE-1111-openai-not-a-real-key');
    await expect(source().resolve(`op://${vaultId('Private')}/${itemId('Database')}/password`)).resolves.toBe('FAKE-db-password-2222');
  });

  test('?attribute=otp gives the current code', async () => {
    await expect(source().resolve('op://API Keys/Anthropic/one-time password?attribute=otp')).resolves.toBe('123456');
  });

  test('listVaults', async () => {
    expect(await source().listVaults()).toEqual([
      { id: vaultId('API Keys'), name: 'API Keys' },
      { id: vaultId('Private'), name: 'Private' },
    ]);
  });

  test('listItems maps urls[].href, and items without urls get none', async () => {
    const items = await source().listItems(vaultId('API Keys'));
    expect(items.map((i) => i.title)).toEqual(['Anthropic', 'OpenAI', 'Dup', 'Dup']);
    expect(items[0]).toEqual({ id: itemId('Anthropic'), title: 'Anthropic', category: 'API_CREDENTIAL', urls: ['https://api.anthropic.com'] });
    expect(items[1]).toMatchObject({ category: 'LOGIN', urls: ['https://api.openai.com'] });
    expect(await source().listItems(vaultId('Private'))).toEqual([{ id: itemId('Database'), title: 'Database', category: 'PASSWORD', urls: [] }]);
  });

  test('listFields gives id, label, type, section (title and id) and reference, and never a value', async () => {
    const fields = await source().listFields(vaultId('API Keys'), itemId('Anthropic'));
    expect(fields).toContainEqual({
      id: 'fakefieldcredential0000001',
      label: 'credential',
      type: 'CONCEALED',
      section: 'Admin',
      sectionId: 'fakesectionadmin01',
      reference: 'op://API Keys/Anthropic/Admin/credential',
    });
    expect(fields.map((f) => f.label)).toEqual(['notesPlain', 'credential', 'one-time password']);
    const listed = JSON.stringify(fields);
    for (const value of ALL_VALUES) expect(listed).not.toContain(value);
  });

  test('every listed reference resolves to that field', async () => {
    const src = source();
    const fields = await src.listFields(vaultId('API Keys'), itemId('OpenAI'));
    const values = await Promise.all(fields.map((f) => src.resolve(f.reference)));
    expect(values).toEqual(['dev@example.invalid', 'sk-proj-FAKE-1111-openai-not-a-real-key']);
  });
});

describe('the environment op sees', () => {
  test('a planted OP_SERVICE_ACCOUNT_TOKEN or AWS_SECRET never reaches the child', async () => {
    const log = path.join(dir, 'env.log');
    const env = { ...process.env, OP_SERVICE_ACCOUNT_TOKEN: 'not-ops-PLANTED', AWS_SECRET: 'aws-PLANTED', OP_ACCOUNT: 'fake-team' };
    const runner = createOpRunner(
      { execFile: nodeExecFile, env, clock: { now: () => Date.now() } },
      { opPath, extraEnv: { FAKE_OP_FIXTURE: FIXTURE_FILE, FAKE_OP_LOG: log } },
    );
    // Had the planted token reached the double, it would answer bad_token (it is not ops_…).
    await expect(new OpDesktopSource(runner).listVaults()).resolves.toHaveLength(2);
    const line = JSON.parse(readFileSync(log, 'utf8').trim()) as { env: Record<string, unknown>; envKeys: string[] };
    expect(line.env).toMatchObject({ OP_SERVICE_ACCOUNT_TOKEN: false, OP_ACCOUNT: 'fake-team' });
    expect(line.envKeys).not.toContain('AWS_SECRET');
    expect(line.envKeys).not.toContain('OP_SERVICE_ACCOUNT_TOKEN');
    expect(readFileSync(log, 'utf8')).not.toContain('PLANTED');
  });
});
