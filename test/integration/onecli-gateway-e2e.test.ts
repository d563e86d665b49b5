/**
 * Issue 15 end to end: a stand-in for upstream OneCLI's gateway (test/support/onecli-gateway-
 * standin.ts: the calls of onepassword_api.rs, the cache of onepassword.rs) talks to a real
 * `onecli-launcher serve` wired up with the CLI, once with the 1Password app through the `op`
 * double, once with a service account through the real @1password/sdk, offline.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ActivityEntry } from '../../src/shared/gateway-messages.js';
import { FileSecretStore } from '../../src/core/secrets/file-secret-store.js';
import { SERVICE_ACCOUNT_TOKEN } from '../../src/core/secrets/secret-names.js';
import { SettingsRepository } from '../../src/core/settings/settings-repository.js';
import { cliSession, startServe, type ServeProcess } from '../support/cli.js';
import { installFakeOp } from '../support/core-harness.js';
import { envWithoutSessionBus } from '../support/keychain-session.js';
import { OnepasswordApiStandin, OnepasswordSessionStandin } from '../support/onecli-gateway-standin.js';
import { waitFor } from '../support/wait-for.js';

const FIXTURE = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/op-fixture.json'), 'utf8')) as {
  items: { fields: { value?: string }[] }[];
};
const FIXTURE_VALUES = FIXTURE.items.flatMap((i) => i.fields.map((f) => f.value)).filter((v): v is string => !!v && v.length >= 12);
/** What OneCLI's own pairing holds: a token the door never uses. */
const ONECLI_TOKEN = 'ops_eyJPTkVDTEktcGFpcmluZy10b2tlbi1pZ25vcmVkIjp0cnVlfQ';

interface Enabled {
  urls: { native: string; docker: string };
  secret: string;
}

async function controlCall<T>(dataDir: string, serve: ServeProcess, method: string, params: unknown): Promise<T> {
  const { controlToken } = JSON.parse(readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')) as { controlToken: string };
  const res = await fetch(`${serve.controlUrl}/api/call/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${controlToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  return ((await res.json()) as { result: T }).result;
}

describe('OneCLI → OneCLI.app → the 1Password app (op), as upstream would call it', () => {
  let serve: ServeProcess;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let op: ReturnType<typeof installFakeOp>;
  let api: OnepasswordApiStandin;
  let enabled: Enabled;
  const { outputs, ok } = cliSession(() => env);

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'onecli-e2e-door-'));
    dataDir = path.join(dir, 'data');
    op = installFakeOp(dir);
    env = { ...envWithoutSessionBus(), HOME: dir, ONECLI_DATA_DIR: dataDir };
    serve = await startServe(['--port', '0', '--control-port', '0', '--op-path', op.opPath], env);
    await ok(['pair', '--desktop']);
    enabled = JSON.parse(await ok(['onecli-compat', 'enable', '--listen', '127.0.0.1:0', '--json'])) as Enabled;
    api = new OnepasswordApiStandin({ INTERNAL_API_URL: `${enabled.urls.native}/`, GATEWAY_INTERNAL_SECRET: enabled.secret });
  }, 40_000);
  afterAll(async () => {
    api?.close();
    await serve?.stop();
  });

  test("pairing as upstream's pair() does (validate), then the picker: vaults → items → fields → a reference built from IDs → its value", async () => {
    expect(await api.validate(ONECLI_TOKEN)).toEqual({ ok: true, value: undefined });
    const vaults = (await api.listVaults(ONECLI_TOKEN)) as { ok: true; value: { vaults: { id: string; title: string }[] } };
    const vault = vaults.value.vaults.find((v) => v.title === 'API Keys')!;
    const items = (await api.listItems(ONECLI_TOKEN, vault.id)) as { ok: true; value: { items: { id: string; title: string }[] } };
    const item = items.value.items.find((i) => i.title === 'OpenAI')!;
    const fields = (await api.listFields(ONECLI_TOKEN, vault.id, item.id)) as { ok: true; value: { fields: { id: string; title: string }[] } };
    const field = fields.value.fields.find((f) => f.title === 'password')!;
    // apps/web/src/lib/api/onepassword.ts buildOpRef: op://{vaultId}/{itemId}/{fieldId}
    const session = new OnepasswordSessionStandin(api, ONECLI_TOKEN);
    expect(await session.resolveRef(`op://${vault.id}/${item.id}/${field.id}`)).toEqual({ ok: true, value: 'sk-proj-FAKE-1111-openai-not-a-real-key' });
    expect(JSON.stringify([vaults, items, fields])).not.toMatch(/FAKE-1111|dev@example/);
  });

  test('what its cache makes of our answers: a missing reference is a miss for this reference only; a value is reused', async () => {
    const session = new OnepasswordSessionStandin(api, ONECLI_TOKEN);
    expect(await session.resolveRef('op://API Keys/Nothing/credential')).toMatchObject({ ok: false, error: { kind: 'BadRequest' } });
    expect(await session.resolveRef('op://API Keys/Nothing/credential')).toMatchObject({ ok: false, error: { kind: 'BadRequest' } });
    expect(await session.resolveRef('op://API Keys/Anthropic/Admin/credential')).toEqual({ ok: true, value: 'sk-ant-FAKE-0000-anthropic-not-a-real-key' });
    expect(await session.resolveRef('op://API Keys/Anthropic/Admin/credential')).toMatchObject({ ok: true });
    expect(session.calls).toBe(2);
  });

  test('a locked 1Password app is an outage to it (a 60 s cooldown for every reference), with our fix in the message', async () => {
    op.setMode('locked');
    try {
      const session = new OnepasswordSessionStandin(api, ONECLI_TOKEN);
      const locked = await session.resolveRef('op://Private/Database/password');
      expect(locked).toMatchObject({ ok: false, error: { kind: 'Internal', message: expect.stringMatching(/1Password/) } });
      expect(await session.resolveRef('op://API Keys/OpenAI/username')).toEqual({
        ok: false,
        error: { kind: 'Internal', message: '1Password temporarily unavailable (cooldown)' },
      });
      expect(session.calls).toBe(1);
    } finally {
      op.setMode('ok');
    }
  });

  test('a wrong secret is refused (401, which it counts as transient), and so is a stale URL', async () => {
    const wrong = new OnepasswordApiStandin({ INTERNAL_API_URL: enabled.urls.native, GATEWAY_INTERNAL_SECRET: 'not-the-secret' });
    expect(await wrong.validate(ONECLI_TOKEN)).toEqual({ ok: false, error: { kind: 'Transient', message: 'unauthorized' } });
    wrong.close();
    const nowhere = new OnepasswordApiStandin({ INTERNAL_API_URL: 'http://127.0.0.1:9', GATEWAY_INTERNAL_SECRET: enabled.secret });
    expect(await nowhere.validate(ONECLI_TOKEN)).toMatchObject({ ok: false, error: { kind: 'Transient', message: /unreachable/ } });
    nowhere.close();
  });

  test('an onecli agent that asks: unanswered, we say not_approved within its 15 s (a miss, not an outage); once allowed, it reads', async () => {
    await ok(['agents', 'policy', 'onecli', 'ask']);
    const started = Date.now();
    const asked = await api.resolve(ONECLI_TOKEN, 'op://API Keys/OpenAI/username');
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(asked).toMatchObject({ ok: false, error: { kind: 'BadRequest', message: /Nobody approved the onecli agent/ } });
    const list = JSON.parse(await ok(['approvals', 'list', '--json'])) as { id: string; agent: string; mapping: string }[];
    expect(list).toMatchObject([{ agent: 'onecli', mapping: 'op://API Keys/OpenAI/username' }]);
    expect(await ok(['approvals', 'allow', list[0]!.id])).toMatch(/Allowed onecli to use op:\/\/API Keys\/OpenAI\/username for this session/);
    expect(await api.resolve(ONECLI_TOKEN, 'op://API Keys/OpenAI/username')).toEqual({ ok: true, value: 'dev@example.invalid' });
    await ok(['agents', 'policy', 'onecli', 'allow']);
  }, 30_000);

  test('every resolution is in Activity from the onecli agent, with its reference; no value anywhere it shows', async () => {
    const rows = await waitFor(async () => {
      const all = await controlCall<ActivityEntry[]>(dataDir, serve, 'activity.recent', { limit: 1000 });
      const door = all.filter((e) => e.door === 'onecli');
      return door.length >= 6 ? door : undefined;
    }, 5_000);
    expect(rows.every((r) => r.agent === 'onecli' && r.method === 'resolve')).toBe(true);
    expect(rows.map((r) => [r.host, r.status, r.decision ?? r.error])).toEqual(
      expect.arrayContaining([
        ['op://fakevaultapikeys0000000001/fakeitemopenai000000000002/password', 200, 'resolved'],
        ['op://API Keys/Nothing/credential', 404, 'not_found'],
        ['op://API Keys/OpenAI/username', 400, 'not_approved'],
        ['op://API Keys/OpenAI/username', 200, 'resolved'],
      ]),
    );
    const log = readFileSync(path.join(dataDir, 'logs', 'launcher.log'), 'utf8');
    for (const v of [...FIXTURE_VALUES, ONECLI_TOKEN, enabled.secret]) {
      expect(JSON.stringify(rows)).not.toContain(v);
      expect(log).not.toContain(v);
      expect(serve.stderr.join('\n')).not.toContain(v);
    }
    // The secret was printed once, by `enable`, as asked; every other output is clean of it.
    expect(outputs.filter((o) => o.includes(enabled.secret))).toHaveLength(1);
  });
});

describe('OneCLI → OneCLI.app → a service account (the real @1password/sdk, offline)', () => {
  let serve: ServeProcess;
  let env: NodeJS.ProcessEnv;
  let api: OnepasswordApiStandin;
  /** Malformed, so the real SDK refuses it offline: createClient's own error. */
  const BAD_TOKEN = 'ops_garbage-token-value-456-for-the-door';
  const { ok } = cliSession(() => env);

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'onecli-e2e-door-sa-'));
    const dataDir = path.join(dir, 'data');
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // Paired as a user would have been before the token went bad (pairing checks it first).
    await new FileSecretStore({ dataDir }).set(SERVICE_ACCOUNT_TOKEN, BAD_TOKEN);
    new SettingsRepository({ dataDir }).update((s) => ({ ...s, source: { kind: 'service-account', pairedAt: new Date().toISOString() } }));
    env = { ...envWithoutSessionBus(), HOME: dir, ONECLI_DATA_DIR: dataDir };
    serve = await startServe(['--port', '0', '--control-port', '0', '--insecure-file-store'], env);
    const enabled = JSON.parse(await ok(['onecli-compat', 'enable', '--listen', '127.0.0.1:0', '--json', '--insecure-file-store'])) as Enabled;
    api = new OnepasswordApiStandin({ INTERNAL_API_URL: enabled.urls.native, GATEWAY_INTERNAL_SECRET: enabled.secret });
  }, 40_000);
  afterAll(async () => {
    api?.close();
    await serve?.stop();
  });

  test("the SDK's refusal is our auth_required: an outage to OneCLI (503), with the fix, and neither token in it", async () => {
    const fix =
      'The service-account token was refused. Create a new one in 1Password and pair again. Run: onecli-launcher pair --service-account - (token on stdin), or onecli-launcher pair --desktop';
    expect(await api.validate(ONECLI_TOKEN)).toEqual({ ok: false, error: { kind: 'Transient', message: fix } });
    const sent = await api.send('resolve', { token: ONECLI_TOKEN, op_ref: 'op://API Keys/Anthropic/credential' });
    expect(sent.ok && sent.value.status).toBe(503);
    const body = sent.ok ? sent.value.body : '';
    expect(JSON.parse(body)).toEqual({ error: { message: fix, type: 'api_error', code: 'auth_required' } });
    for (const token of [BAD_TOKEN, ONECLI_TOKEN]) expect(body).not.toContain(token);
  });
});
