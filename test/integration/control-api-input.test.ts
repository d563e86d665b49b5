import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { httpTransport } from '../../src/cli/control-client.js';
import { SESSION_IDLE_MS, SESSION_MAX_MS } from '../../src/core/control/browser-sessions.js';
import { serveControlApi, type ControlServer } from '../../src/core/control/control-server.js';
import { LauncherCore } from '../../src/core/launcher-core.js';
import { rawRequest, readToEnd } from '../support/clients.js';
import { coreHarness } from '../support/core-harness.js';

/**
 * Hostile input to the control API, over real HTTP: every malformed request is the client's
 * error (4xx), never a 500 and never an error line in the launcher's log. And browser sessions
 * end: idle, and at the absolute limit, on a clock the test moves.
 */

const TOKEN = 'control-token-for-input-tests-0123456789';
let clockMs = Date.now();
let errors: unknown[] = [];
let core: LauncherCore;
let server: ControlServer;

beforeAll(async () => {
  const h = coreHarness();
  // The same parts as the harness's core, on a clock the test moves. The gateway is never started: none of this needs it.
  core = new LauncherCore({ ...h.deps, now: () => new Date(clockMs) });
  const staticDir = path.join(h.dir, 'ui');
  mkdirSync(staticDir);
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>OneCLI</title>');
  server = await serveControlApi(core, {
    port: 0,
    token: TOKEN,
    staticDir,
    heartbeatMs: 50,
    log: { warn: () => undefined, error: (o) => void errors.push(o) },
  });
  core.setControlUrl(server.url);
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => {
  errors = [];
});

const host = () => `127.0.0.1:${server.port}`;
const origin = () => `http://${host()}`;

function request(method: string, target: string, headers: Record<string, string> = {}, body = '') {
  const lines = Object.entries({ host: host(), 'content-length': String(Buffer.byteLength(body)), connection: 'close', ...headers }).map(
    ([k, v]) => `${k}: ${v}\r\n`,
  );
  return rawRequest(server.port, `${method} ${target} HTTP/1.1\r\n${lines.join('')}\r\n${body}`);
}

async function signIn(): Promise<{ cookie: string; setCookie: string }> {
  const { url } = await httpTransport(server.url, TOKEN).call('ui.loginUrl', {});
  const code = new URL(url).hash.replace('#login=', '');
  const r = await request('POST', '/api/session', { 'content-type': 'application/json', origin: origin() }, JSON.stringify({ code }));
  expect(r.status).toBe(200);
  const setCookie = r.headers['set-cookie']!;
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

const callAsBrowser = async (cookie: string) =>
  (await request('POST', '/api/call/status.get', { 'content-type': 'application/json', origin: origin(), cookie }, '{}')).status;

describe('malformed input is a 4xx, never a 5xx, and never an error in the log', () => {
  test.each([
    ['/%E0%A4%A', 'a cut UTF-8 sequence'],
    ['/%zz', 'not hex'],
    ['/%', 'a lone percent'],
    ['/assets/%C0%AF', 'an overlong encoding'],
    ['/%00', 'NUL'],
    ['/index.html%00.js', 'NUL before an extension'],
    ['//', 'an empty authority'],
  ])('GET %s (%s) on the static UI → 400', async (target) => {
    const r = await request('GET', target);
    expect(r.status).toBe(400);
    expect(JSON.parse(await readToEnd(r)).error.code).toBe('invalid_params');
    expect(errors).toEqual([]);
  });

  test('raw bytes outside Latin-1 in the path are still a page or a 404, not an error', async () => {
    const r = await rawRequest(
      server.port,
      Buffer.concat([Buffer.from('GET /'), Buffer.from('€-ü', 'utf8'), Buffer.from(` HTTP/1.1\r\nHost: ${host()}\r\nConnection: close\r\n\r\n`)]),
    );
    expect(r.status).toBeLessThan(500);
    expect(errors).toEqual([]);
  });

  const bodies: [string, string][] = [
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"x"'],
    ['a number', '1'],
    ['true', 'true'],
    ['invalid JSON', '{"code":'],
    ['a code that is not a string', '{"code": 1}'],
    ['an empty code', '{"code": ""}'],
    ['a code with CR/LF', '{"code": "a\\r\\nSet-Cookie: x=y"}'],
    ['a huge code', JSON.stringify({ code: 'x'.repeat(10_000) })],
    ['an empty object', '{}'],
    ['a BOM and garbage', '\ufeff\u0000\u00ff'],
  ];
  test.each(bodies)('POST /api/session with %s → 4xx', async (_what, body) => {
    const r = await request('POST', '/api/session', { 'content-type': 'application/json', origin: origin() }, body);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(errors).toEqual([]);
  });

  test.each(bodies)('POST /api/call/status.get with %s → 4xx', async (_what, body) => {
    const r = await request('POST', '/api/call/status.get', { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body);
    if (body === '{}') return expect(r.status).toBe(200);
    expect(r.status).toBe(400);
    expect(errors).toEqual([]);
  });

  test('a body declared larger than the limit → 413 at once, before it is sent', async () => {
    const r = await rawRequest(
      server.port,
      `POST /api/session HTTP/1.1\r\nHost: ${host()}\r\nContent-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{"code":"`,
    );
    expect(r.status).toBe(413);
    expect(r.headers.connection).toBe('close');
    r.socket.destroy();
    expect(errors).toEqual([]);
  });

  test('a chunked body that grows past the limit → 413, and the rest is not read', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const chunks = Array.from({ length: 5 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('');
    const r = await rawRequest(
      server.port,
      `POST /api/call/status.get HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`,
    );
    expect(r.status).toBe(413);
    r.socket.destroy();
    expect(errors).toEqual([]);
  });

  test('a header value outside Latin-1 or a bare CR is refused by the parser (400), and the server keeps serving', async () => {
    const bad = await rawRequest(
      server.port,
      Buffer.concat([
        Buffer.from(`GET /api/health HTTP/1.1\r\nHost: ${host()}\r\nCookie: onecli_session=`),
        Buffer.from('€\r', 'utf8'),
        Buffer.from('x\r\n\r\n'),
      ]),
    );
    expect(bad.status).toBe(400);
    bad.socket.destroy();
    expect((await request('GET', '/api/health')).status).toBe(200);
  });
});

describe('browser sessions end: idle, and at the absolute limit', () => {
  test('the cookie says how long it lives (Max-Age = the absolute limit)', async () => {
    const { setCookie } = await signIn();
    expect(setCookie).toMatch(new RegExp(`^onecli_session=[\\w-]+; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_MAX_MS / 1000}$`));
  });

  test(`idle for ${SESSION_IDLE_MS / 60_000} minutes → 401; each call restarts the idle time`, async () => {
    const { cookie } = await signIn();
    clockMs += SESSION_IDLE_MS - 60_000;
    expect(await callAsBrowser(cookie)).toBe(200);
    clockMs += SESSION_IDLE_MS - 60_000; // idle less than the limit since the last call
    expect(await callAsBrowser(cookie)).toBe(200);
    clockMs += SESSION_IDLE_MS;
    expect(await callAsBrowser(cookie)).toBe(401);
    clockMs -= SESSION_IDLE_MS; // an ended session stays ended, even if the clock steps back
    expect(await callAsBrowser(cookie)).toBe(401);
  });

  test(`a session in constant use still ends ${SESSION_MAX_MS / 3_600_000} hours after sign-in`, async () => {
    const { cookie } = await signIn();
    const step = SESSION_IDLE_MS / 2;
    for (let used = 0; used + step < SESSION_MAX_MS; used += step) {
      clockMs += step;
      expect(await callAsBrowser(cookie)).toBe(200);
    }
    clockMs += step;
    expect(await callAsBrowser(cookie)).toBe(401);
  });

  test('a CLI token is not a session: it never expires', async () => {
    clockMs += SESSION_MAX_MS * 2;
    expect((await httpTransport(server.url, TOKEN).call('status.get', {})).mappings).toBeGreaterThanOrEqual(0);
  });

  test("a browser's open event stream ends when its session does", async () => {
    const { cookie } = await signIn();
    const stream = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get(`${server.url}/api/events`, { headers: { cookie, origin: origin() } }, resolve).once('error', reject),
    );
    expect(stream.statusCode).toBe(200);
    const ended = new Promise<void>((resolve) => {
      stream.on('data', () => undefined);
      stream.once('end', () => resolve());
    });
    await new Promise((r) => setTimeout(r, 150)); // heartbeats while the session lives
    expect(stream.readableEnded).toBe(false);
    clockMs += SESSION_IDLE_MS + 1;
    await ended;
    expect((await request('GET', '/api/events', { cookie, origin: origin() })).status).toBe(401);
  });
});
