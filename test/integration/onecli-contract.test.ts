/**
 * Issue 15, the contract: every route of upstream OneCLI's internal 1Password API as this app
 * serves it, over real HTTP against a real core (the `op` double behind the desktop source):
 * requests, responses and errors in upstream's shapes (onecli/onecli @ ff7a192:
 * packages/api/src/routes/internal.ts, validations/internal.ts, middleware/error-handler.ts,
 * internal-auth.ts), the secret checked first, bodies capped, wrong methods and paths refused.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ONECLI_RESPONSES, OnecliErrorBody, type OnecliOperation } from '../../src/shared/onecli-compat.js';
import { invoke } from '../../src/core/control/invoke.js';
import { coreHarness } from '../support/core-harness.js';

const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/op-fixture.json'), 'utf8')) as {
  items: { fields: { value?: string }[] }[];
};
const FIXTURE_VALUES = fixture.items.flatMap((i) => i.fields.map((f) => f.value)).filter((v): v is string => !!v);
const ANTHROPIC = 'sk-ant-FAKE-0000-anthropic-not-a-real-key';
const API_KEYS = 'fakevaultapikeys0000000001';
const ANTHROPIC_ITEM = 'fakeitemanthropic000000001';

let h: ReturnType<typeof coreHarness>;
let base: string;
let secret: string;

beforeAll(async () => {
  h = coreHarness();
  await h.core.start();
  await h.core.vault.pairDesktop(undefined);
  const enabled = await h.core.onecli.enable('127.0.0.1:0');
  expect(enabled.listener.state).toBe('listening');
  base = `${enabled.urls!.native}/v1/internal/onepassword`;
  secret = enabled.secret;
});
afterAll(async () => {
  await h?.core.stop();
});

async function post(op: string, body: unknown, headers: Record<string, string> = {}, method = 'POST') {
  const res = await fetch(`${base}/${op}`, {
    method,
    headers: { 'x-gateway-secret': secret, 'content-type': 'application/json', ...headers },
    ...(method === 'GET' || method === 'HEAD' ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as unknown) : undefined };
}

const expectError = (r: { json: unknown }) => expect(OnecliErrorBody.safeParse(r.json).success).toBe(true);

describe('the five routes answer in upstream shapes', () => {
  test('validate {token} → 200 {"valid":true}', async () => {
    const r = await post('validate', { token: 'anything' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ valid: true });
  });

  test('resolve {token, op_ref} → 200 {"value"}', async () => {
    const r = await post('resolve', { token: 'anything', op_ref: 'op://API Keys/Anthropic/Admin/credential' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ value: ANTHROPIC });
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.headers.get('cache-control')).toBe('no-store');
  });

  test("resolve by IDs, as upstream's picker builds references (op://vaultId/itemId/fieldId)", async () => {
    const r = await post('resolve', { token: 't', op_ref: `op://${API_KEYS}/${ANTHROPIC_ITEM}/fakefieldcredential0000001` });
    expect(r.json).toEqual({ value: ANTHROPIC });
  });

  test('list-vaults {token} → {"vaults":[{id,title}]}', async () => {
    const r = await post('list-vaults', { token: 't' });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      vaults: [
        { id: API_KEYS, title: 'API Keys' },
        { id: 'fakevaultprivate0000000002', title: 'Private' },
      ],
    });
  });

  test('list-items {token, vaultId} → {"items":[{id,title,category}]}, categories as the SDK names them', async () => {
    const r = await post('list-items', { token: 't', vaultId: API_KEYS });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      items: [
        { id: ANTHROPIC_ITEM, title: 'Anthropic', category: 'ApiCredentials' },
        { id: 'fakeitemopenai000000000002', title: 'OpenAI', category: 'Login' },
        { id: 'fakeitemdupfirst0000000004', title: 'Dup', category: 'Password' },
        { id: 'fakeitemdupsecond000000005', title: 'Dup', category: 'Password' },
      ],
    });
  });

  test('list-fields {token, vaultId, itemId} → {"fields":[{id,title,fieldType,sectionId?}],"sections":[{id,title}]}, never a value', async () => {
    const r = await post('list-fields', { token: 't', vaultId: API_KEYS, itemId: ANTHROPIC_ITEM });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      fields: [
        { id: 'notesPlain', title: 'notesPlain', fieldType: 'Text' },
        { id: 'fakefieldcredential0000001', title: 'credential', fieldType: 'Concealed', sectionId: 'fakesectionadmin01' },
        { id: 'fakefieldtotp0000000000001', title: 'one-time password', fieldType: 'Totp' },
      ],
      sections: [{ id: 'fakesectionadmin01', title: 'Admin' }],
    });
    for (const v of FIXTURE_VALUES) expect(r.text).not.toContain(v);
  });

  test.each(['validate', 'resolve', 'list-vaults', 'list-items', 'list-fields'] as const)(
    '%s: each 200 body parses as its upstream shape',
    async (op: OnecliOperation) => {
      const body = { token: 't', op_ref: 'op://API Keys/OpenAI/password', vaultId: API_KEYS, itemId: 'fakeitemopenai000000000002' };
      const r = await post(op, body);
      expect(r.status).toBe(200);
      expect(ONECLI_RESPONSES[op].safeParse(r.json).success).toBe(true);
    },
  );
});

describe("errors in upstream's {error: {message, type}}", () => {
  test.each([
    ['validate', {}, 'Invalid input: expected string, received undefined'],
    ['validate', { token: '' }, 'token is required'],
    ['resolve', { token: 't' }, 'Invalid input: expected string, received undefined'],
    ['resolve', { token: 't', op_ref: '' }, 'op_ref is required'],
    ['list-items', { token: 't' }, 'Invalid input: expected string, received undefined'],
    ['list-fields', { token: 't', vaultId: API_KEYS, itemId: '' }, 'itemId is required'],
  ])('%s %j → 400 "%s"', async (op, body, message) => {
    const r = await post(op, body);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ error: { message, type: 'invalid_request_error' } });
  });

  test('a body that is not JSON is read as {} (as upstream does): 400, the schema says what is missing', async () => {
    for (const raw of ['not json', '{"token":', '']) {
      const r = await post('resolve', raw);
      expect(r.status).toBe(400);
      expect(r.json).toEqual({ error: { message: 'Invalid input: expected string, received undefined', type: 'invalid_request_error' } });
    }
    expect((await post('validate', 'null')).json).toEqual({
      error: { message: 'Invalid input: expected object, received null', type: 'invalid_request_error' },
    });
  });

  test('any content type is read as JSON, as upstream does', async () => {
    const r = await post('resolve', { token: 't', op_ref: 'op://API Keys/OpenAI/password' }, { 'content-type': 'text/plain' });
    expect(r.json).toEqual({ value: 'sk-proj-FAKE-1111-openai-not-a-real-key' });
  });

  test("resolve failures: a reference that names nothing is 404 (upstream's gateway: NotFound), a malformed one 400 (BadRequest)", async () => {
    const missing = await post('resolve', { token: 't', op_ref: 'op://API Keys/Nothing/credential' });
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ error: { message: expect.stringMatching(/no item of that name/), type: 'not_found_error', code: 'not_found' } });
    const malformed = await post('resolve', { token: 't', op_ref: 'op://only/two' });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ error: { type: 'invalid_request_error', code: 'bad_reference' } });
    const field = await post('resolve', { token: 't', op_ref: 'op://API Keys/Anthropic/nofield' });
    expect(field.status).toBe(404);
  });

  test('a list of a vault that does not exist is 404; an ID op would read as a flag is 400', async () => {
    expect((await post('list-items', { token: 't', vaultId: 'novault' })).status).toBe(404);
    const flag = await post('list-items', { token: 't', vaultId: '--format' });
    expect(flag.status).toBe(400);
    expectError(flag);
  });
});

describe('the secret, the method, the path, the size', () => {
  const UNAUTHORIZED = { error: { message: 'unauthorized', type: 'authentication_error' } };

  test('a missing, wrong, or doubled X-Gateway-Secret is 401, on every route, before anything else', async () => {
    for (const headers of [{ 'x-gateway-secret': '' }, { 'x-gateway-secret': `${secret}x` }, { 'x-gateway-secret': secret.slice(1) }]) {
      const r = await post('resolve', { token: 't', op_ref: 'op://API Keys/OpenAI/password' }, headers);
      expect(r.status).toBe(401);
      expect(r.json).toEqual(UNAUTHORIZED);
    }
    const none = await fetch(`${base}/validate`, { method: 'POST', body: '{"token":"t"}' });
    expect([none.status, await none.json()]).toEqual([401, UNAUTHORIZED]);
    // Secret first: a wrong method, an unknown path or an oversized body without it is still 401.
    expect((await post('nope', {}, { 'x-gateway-secret': 'wrong' })).status).toBe(401);
    expect((await post('resolve', undefined, { 'x-gateway-secret': 'wrong' }, 'GET')).status).toBe(401);
    expect((await post('resolve', 'x'.repeat(64 * 1024), { 'x-gateway-secret': 'wrong' })).status).toBe(401);
    const doubled = new Headers([
      ['x-gateway-secret', secret],
      ['x-gateway-secret', secret],
    ]);
    const twice = await fetch(`${base}/validate`, { method: 'POST', headers: doubled, body: '{"token":"t"}' });
    expect(twice.status).toBe(401);
  });

  test('the header name is case-insensitive (reqwest sends X-Gateway-Secret)', async () => {
    const r = await fetch(`${base}/validate`, { method: 'POST', headers: { 'X-Gateway-Secret': secret }, body: '{"token":"t"}' });
    expect(r.status).toBe(200);
  });

  test('with the secret, a wrong method or an unknown operation is 404, as upstream answers any unmatched route', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const r = await post('resolve', { token: 't' }, {}, method);
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ error: { type: 'invalid_request_error', message: /Unrecognized request URL/ } });
    }
    expect((await post('resolve-all', { token: 't' })).status).toBe(404);
    expect((await post('', { token: 't' })).status).toBe(404);
  });

  test('a query string is ignored, as upstream ignores it', async () => {
    expect((await post('validate?x=1', { token: 't' })).json).toEqual({ valid: true });
  });

  test('a body over 16 KiB is 413, and the connection is closed', async () => {
    const r = await post('resolve', { token: 't', op_ref: 'op://API Keys/OpenAI/password', pad: 'x'.repeat(17 * 1024) });
    expect(r.status).toBe(413);
    expect(r.json).toEqual({ error: { message: 'The request body is larger than 16 KiB.', type: 'invalid_request_error' } });
    expect(r.headers.get('connection')).toBe('close');
    const ok = await post('resolve', { token: 't', op_ref: 'op://API Keys/OpenAI/password', pad: 'x'.repeat(15 * 1024) });
    expect(ok.status).toBe(200);
  });
});

describe('as the onecli agent', () => {
  test("the token in the body is accepted and ignored: any token reads through the app's own pairing", async () => {
    for (const token of ['ops_not-a-real-token', 'x', 'a'.repeat(5_000)])
      expect((await post('resolve', { token, op_ref: 'op://API Keys/OpenAI/password' })).json).toEqual({ value: 'sk-proj-FAKE-1111-openai-not-a-real-key' });
  });

  test('each resolution is a row of Activity from the onecli agent, with the reference and never the value', async () => {
    await post('resolve', { token: 't', op_ref: 'op://API Keys/OpenAI/username' });
    const rows = h.core.recentActivity(1000).filter((e) => e.door === 'onecli');
    expect(rows.at(-1)).toMatchObject({
      agent: 'onecli',
      door: 'onecli',
      method: 'resolve',
      host: 'op://API Keys/OpenAI/username',
      status: 200,
      decision: 'resolved',
    });
    expect(rows.some((r) => r.status === 404 && r.error === 'not_found')).toBe(true);
    for (const v of FIXTURE_VALUES) expect(JSON.stringify(rows)).not.toContain(v);
  });

  test('a scope of mappings: its references resolve, others are 400 not_permitted, browsing is 403; an agent that asks gets a card', async () => {
    await h.core.mappings.add({ host: 'api.openai.com', reference: 'op://API Keys/OpenAI/password' });
    await h.core.agents.update({ name: 'onecli', allow: ['api.openai.com'] });
    expect((await post('resolve', { token: 't', op_ref: 'op://API Keys/OpenAI/password' })).status).toBe(200);
    const outside = await post('resolve', { token: 't', op_ref: 'op://API Keys/Anthropic/Admin/credential' });
    expect(outside.status).toBe(400);
    expect(outside.json).toMatchObject({ error: { code: 'not_permitted', message: /may not use op:\/\/API Keys\/Anthropic\/Admin\/credential/ } });
    const browse = await post('list-vaults', { token: 't' });
    expect(browse.status).toBe(403);
    expect(browse.json).toMatchObject({ error: { code: 'not_permitted', message: /Browsing 1Password is off for OneCLI/ } });
    expect(h.core.status().policyDenials[0]).toMatchObject({ agent: 'onecli', decision: 'not_permitted' });

    await h.core.agents.update({ name: 'onecli', allow: 'all', policy: 'ask' });
    const held = post('resolve', { token: 't', op_ref: 'op://API Keys/Anthropic/Admin/credential' });
    const card = await waitForCard();
    expect(card).toMatchObject({ agent: 'onecli', mapping: 'op://API Keys/Anthropic/Admin/credential' });
    h.core.approvals.decide(card.id, 'session');
    expect((await held).json).toEqual({ value: ANTHROPIC });
    await h.core.agents.update({ name: 'onecli', policy: 'allow' });
  });

  test('a session ends when the agent is edited to grant less, as at the gateway: asking turned off and on with no call between asks again', async () => {
    const ref = 'op://API Keys/OpenAI/password';
    await h.core.agents.update({ name: 'onecli', policy: 'ask' });
    const held = post('resolve', { token: 't', op_ref: ref });
    h.core.approvals.decide((await waitForCard()).id, 'session');
    expect((await held).status).toBe(200);
    expect((await post('resolve', { token: 't', op_ref: ref })).status).toBe(200);
    await h.core.agents.update({ name: 'onecli', policy: 'allow' });
    await h.core.agents.update({ name: 'onecli', policy: 'ask' });
    const again = post('resolve', { token: 't', op_ref: ref });
    h.core.approvals.decide((await waitForCard()).id, 'deny');
    expect((await again).json).toMatchObject({ error: { code: 'denied' } });
    await h.core.agents.update({ name: 'onecli', policy: 'allow' });
  });
});

test('only the CLI may call onecli.enable (its answer carries the secret); the popover and a browser may read the status', async () => {
  for (const caller of ['browser', 'popover'] as const) {
    expect(await invoke(h.core, 'onecli.enable', {}, caller)).toEqual({ ok: false, error: { code: 'unauthorized', message: 'Only the CLI may call this.' } });
    const status = await invoke(h.core, 'onecli.status', {}, caller);
    expect(status.ok).toBe(true);
    expect(JSON.stringify(status)).not.toContain(secret);
  }
});

test('Settings → Reset turns the door off and forgets its secret (last: it ends the door for this file)', async () => {
  await h.core.reset.run();
  await expect(fetch(`${base}/validate`, { method: 'POST', headers: { 'x-gateway-secret': secret }, body: '{"token":"t"}' })).rejects.toThrow();
  expect(await h.core.onecli.status()).toMatchObject({ enabled: false, secretKept: false, listener: { state: 'stopped' }, agent: null });
  const again = await h.core.onecli.enable('127.0.0.1:0');
  expect(again.secret).not.toBe(secret);
  await h.core.onecli.disable();
});

async function waitForCard() {
  for (let i = 0; i < 200; i++) {
    const card = h.core.approvals.list()[0];
    if (card) return card;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no approval card appeared');
}
