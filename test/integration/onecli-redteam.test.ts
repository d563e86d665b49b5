/**
 * Red team of issue 15: hostile input at the OneCLI door. Huge, slow and trickling requests,
 * header and connection floods, guesses of the secret, path tricks and hostile references; and
 * the promises that must hold through all of it: no value in any answer but resolve's own, and
 * no value, secret or caller's token in the log or in Activity. The door's timeouts are shortened
 * here (the same code, other numbers); the defaults are in src/core/onecli/onecli-server.ts.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LauncherCore } from '../../src/core/launcher-core.js';
import { coreHarness } from '../support/core-harness.js';
import { parseResponse, readAll, sleep } from '../support/redteam-wire.js';

const fixture = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../fixtures/op-fixture.json'), 'utf8')) as {
  items: { fields: { value?: string }[] }[];
};
const FIXTURE_VALUES = fixture.items.flatMap((i) => i.fields.map((f) => f.value)).filter((v): v is string => !!v);
/** What a caller puts in `token`: a service-account token of its own, which must go nowhere. */
const CALLER_TOKEN = 'ops_PLANTED-caller-token-eyJzaWduSW5BZGRyZXNzIjoi';
const LIMITS = { headersMs: 800, requestMs: 800, idleMs: 1_500, connections: 8 };
const PREFIX = '/v1/internal/onepassword/';

let h: ReturnType<typeof coreHarness>;
let core: LauncherCore;
let port: number;
let secret: string;
/** Every answer the door gave in this file, for the final scans. */
const answers: { label: string; bytes: Buffer }[] = [];

beforeAll(async () => {
  h = coreHarness();
  core = new LauncherCore({ ...h.deps, onecliLimits: LIMITS });
  await core.start();
  await core.vault.pairDesktop(undefined);
  const enabled = await core.onecli.enable('127.0.0.1:0');
  port = Number(new URL(enabled.urls!.native).port);
  secret = enabled.secret;
});
afterAll(async () => {
  await core?.stop();
});

function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Sends raw bytes (in pieces, with a gap), then reads until the door closes or `timeoutMs`. */
async function raw(label: string, pieces: (string | Buffer)[], { gapMs = 0, timeoutMs = 4_000 } = {}): Promise<{ bytes: Buffer; ms: number }> {
  const started = Date.now();
  const socket = await connect();
  const reply = readAll(socket, timeoutMs);
  for (const p of pieces) {
    if (socket.destroyed) break;
    socket.write(p);
    if (gapMs) await sleep(gapMs);
  }
  const bytes = await reply;
  answers.push({ label, bytes });
  return { bytes, ms: Date.now() - started };
}

const request = (op: string, body: string, extra = '') =>
  `POST ${PREFIX}${op} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Gateway-Secret: ${secret}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`;

async function resolveOk(): Promise<number> {
  const r = await raw('resolve', [request('resolve', JSON.stringify({ token: CALLER_TOKEN, op_ref: 'op://API Keys/OpenAI/password' }))]);
  return parseResponse(r.bytes).status;
}

describe('huge and slow requests', () => {
  test('a declared body of 1 GiB is 413 at once, before a byte of it is read', async () => {
    const head = `POST ${PREFIX}resolve HTTP/1.1\r\nHost: x\r\nX-Gateway-Secret: ${secret}\r\nContent-Length: 1073741824\r\n\r\n`;
    const r = await raw('1 GiB declared', [head, '{"token":"t","op_ref":"']);
    expect(parseResponse(r.bytes).status).toBe(413);
    expect(r.ms).toBeLessThan(1_000);
  });

  test('a chunked body that grows past 16 KiB is 413, the connection closed, the rest never read', async () => {
    const head = `POST ${PREFIX}resolve HTTP/1.1\r\nHost: x\r\nX-Gateway-Secret: ${secret}\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = `400\r\n${'x'.repeat(1024)}\r\n`;
    const r = await raw('chunked 40 KiB', [head, ...Array.from({ length: 40 }, () => chunk)], { gapMs: 2 });
    const parsed = parseResponse(r.bytes);
    expect(parsed.status).toBe(413);
    expect(parsed.headers).toContainEqual(['connection', 'close']);
  });

  test('a body that trickles in is cut off at the request timeout (408); the door serves the next caller', async () => {
    const head = `POST ${PREFIX}resolve HTTP/1.1\r\nHost: x\r\nX-Gateway-Secret: ${secret}\r\nContent-Length: 200\r\n\r\n`;
    const r = await raw('slow body', [head, ...Array.from({ length: 40 }, () => '{')], { gapMs: 100, timeoutMs: 6_000 });
    expect(parseResponse(r.bytes).status).toBe(408);
    expect(r.ms).toBeLessThan(3_000);
    expect(await resolveOk()).toBe(200);
  });

  test('headers that trickle in (slowloris) are cut off at the headers timeout', async () => {
    const pieces = [`POST ${PREFIX}resolve HTTP/1.1\r\n`, ...Array.from({ length: 60 }, (_, i) => `X-Slow-${i}: a\r\n`)];
    const r = await raw('slowloris', pieces, { gapMs: 100, timeoutMs: 8_000 });
    expect([0, 408]).toContain(parseResponse(r.bytes).status);
    expect(r.ms).toBeLessThan(3_500);
  });

  test('a connection that never sends a byte is closed', async () => {
    const r = await raw('silent', [], { timeoutMs: 6_000 });
    expect(r.ms).toBeLessThan(3_500);
  });
});

describe('floods', () => {
  test('16 KiB of headers, or one huge header, is 431', async () => {
    const many = Array.from({ length: 2_000 }, (_, i) => `X-Flood-${i}: ${'a'.repeat(8)}\r\n`).join('');
    const r1 = await raw('header flood', [`POST ${PREFIX}validate HTTP/1.1\r\nHost: x\r\nX-Gateway-Secret: ${secret}\r\n${many}\r\n`]);
    expect(parseResponse(r1.bytes).status).toBe(431);
    const r2 = await raw('huge header', [`POST ${PREFIX}validate HTTP/1.1\r\nHost: x\r\nX-Gateway-Secret: ${'s'.repeat(20_000)}\r\n\r\n`]);
    expect(parseResponse(r2.bytes).status).toBe(431);
  });

  test('past the connection cap, new connections are closed at once; the door answers again once they go', async () => {
    const held = await Promise.all(Array.from({ length: LIMITS.connections }, () => connect()));
    const extra = await raw('over the cap', [request('validate', '{"token":"t"}')], { timeoutMs: 2_000 });
    expect(extra.bytes.length).toBe(0);
    expect(extra.ms).toBeLessThan(1_000);
    for (const s of held) s.destroy();
    await sleep(100);
    expect(await resolveOk()).toBe(200);
  });
});

describe('the secret', () => {
  test('every wrong guess, of any length or likeness, gets the same 401, byte for byte (constant-time compare: gateway-secret.test.ts)', async () => {
    const guesses = ['', 'x', secret.slice(0, -1), `${secret}x`, `${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`, secret.toLowerCase(), secret.repeat(20)];
    const bodies = new Set<string>();
    for (const guess of guesses) {
      const r = await raw('guess', [
        `POST ${PREFIX}resolve HTTP/1.1\r\nHost: x\r\nX-Gateway-Secret: ${guess}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
      ]);
      const parsed = parseResponse(r.bytes);
      expect(parsed.status).toBe(401);
      bodies.add(parsed.body.toString());
    }
    expect([...bodies]).toEqual(['{"error":{"message":"unauthorized","type":"authentication_error"}}']);
  });

  test('Expect: 100-continue: without the secret, the 401 comes first, never an invitation to send the body; with it, 100 then the answer', async () => {
    const head = (given: string) =>
      `POST ${PREFIX}validate HTTP/1.1\r\nHost: x\r\nX-Gateway-Secret: ${given}\r\nExpect: 100-continue\r\nContent-Length: 13\r\nConnection: close\r\n\r\n`;
    const refused = await raw('expect without the secret', [head('wrong')], { timeoutMs: 1_500 });
    expect(refused.bytes.toString('latin1')).toMatch(/^HTTP\/1\.1 401 /);
    expect(refused.bytes.toString('latin1')).not.toContain('100 Continue');
    const socket = await connect();
    const reply = readAll(socket, 2_000);
    socket.write(head(secret));
    await sleep(200);
    socket.write('{"token":"t"}');
    const served = await reply;
    answers.push({ label: 'expect with the secret', bytes: served });
    expect(served.toString('latin1')).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
  });
});

describe('paths and references', () => {
  test.each([
    `${PREFIX}resolve/`,
    `/${PREFIX}resolve`,
    `${PREFIX}%72esolve`,
    `${PREFIX}RESOLVE`,
    '/V1/internal/onepassword/resolve',
    `${PREFIX}../onepassword/resolve`,
    `${PREFIX}./resolve`,
    `${PREFIX}resolve;x=1`,
    `${PREFIX}resolve%00`,
    `${PREFIX}resolve#x`,
    `http://127.0.0.1${PREFIX}resolve`,
    '*',
  ])('%s never reaches a route (404)', async (target) => {
    const body = JSON.stringify({ token: 't', op_ref: 'op://API Keys/OpenAI/password' });
    const r = await raw(`path ${target}`, [
      `POST ${target} HTTP/1.1\r\nHost: x\r\nX-Gateway-Secret: ${secret}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    ]);
    expect([400, 404]).toContain(parseResponse(r.bytes).status);
  });

  test.each([
    ['a reference with CR/LF', 'op://API Keys/OpenAI/password\r\nX-Injected: 1'],
    ['a NUL', 'op://API Keys/OpenAI\u0000/password'],
    ['a flag where a name goes', 'op://--help/OpenAI/password'],
    ['a shell metacharacter', 'op://API Keys/$(touch pwned)/password'],
    ['a pasted secret', CALLER_TOKEN],
    ['a long reference', `op://${'a'.repeat(8_000)}/i/f`],
  ])('%s is refused or not found, never run as anything', async (_label, opRef) => {
    const r = await raw('hostile ref', [request('resolve', JSON.stringify({ token: 't', op_ref: opRef }))]);
    expect([400, 404]).toContain(parseResponse(r.bytes).status);
  });

  test('IDs a list call passes to op: a flag is 400, a path is just a name that is not found', async () => {
    for (const vaultId of ['--format', '-v', 'a\nb']) {
      const r = await raw('hostile id', [request('list-items', JSON.stringify({ token: 't', vaultId }))]);
      expect(parseResponse(r.bytes).status).toBe(400);
    }
    const r = await raw('path id', [request('list-items', JSON.stringify({ token: 't', vaultId: '../../etc/passwd' }))]);
    expect(parseResponse(r.bytes).status).toBe(404);
  });
});

describe('what holds through all of it', () => {
  test('the door still serves, and so does the gateway', async () => {
    expect(await resolveOk()).toBe(200);
    expect(core.gateway.status.state).toBe('running');
  });

  test("no answer but a resolve's 200 carries a value, and none carries the secret or the caller's token", async () => {
    for (const op of ['validate', 'list-vaults']) await raw(op, [request(op, JSON.stringify({ token: CALLER_TOKEN }))]);
    await raw('list-items', [request('list-items', JSON.stringify({ token: CALLER_TOKEN, vaultId: 'fakevaultapikeys0000000001' }))]);
    await raw('list-fields', [
      request('list-fields', JSON.stringify({ token: CALLER_TOKEN, vaultId: 'fakevaultapikeys0000000001', itemId: 'fakeitemanthropic000000001' })),
    ]);
    await raw('list-fields', [
      request('list-fields', JSON.stringify({ token: CALLER_TOKEN, vaultId: 'fakevaultprivate0000000002', itemId: 'fakeitemdatabase0000000003' })),
    ]);
    expect(answers.length).toBeGreaterThan(30);
    for (const { label, bytes } of answers) {
      const text = bytes.toString('latin1');
      expect(text, label).not.toContain(secret);
      expect(text, label).not.toContain(CALLER_TOKEN);
      const carried = FIXTURE_VALUES.filter((v) => text.includes(v));
      if (label === 'resolve' && parseResponse(bytes).status === 200) expect(carried).toEqual(['sk-proj-FAKE-1111-openai-not-a-real-key']);
      else expect(carried, label).toEqual([]);
    }
  });

  test("no value, no secret and no caller's token in the launcher's log or in Activity", () => {
    const logged = JSON.stringify(h.logs);
    const activity = JSON.stringify(core.recentActivity(1000));
    for (const needle of [...FIXTURE_VALUES, secret, CALLER_TOKEN]) {
      expect(logged).not.toContain(needle);
      expect(activity).not.toContain(needle);
    }
    expect(core.recentActivity(1000).filter((e) => e.door === 'onecli').length).toBeGreaterThan(5);
    expect(h.logs.some((r) => r.msg === 'OneCLI door: refused requests without the right X-Gateway-Secret')).toBe(true);
  });
});
