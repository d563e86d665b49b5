/**
 * The product's promise on the way back: nothing the gateway returns to an agent carries the
 * injected value, whatever the upstream echoes (TRACE, headers, cookies, bodies split across
 * chunks and TLS records, compressed bodies, SSE, WebSocket frames). Run against the real gateway
 * process with a hostile upstream that reflects the credential in every way it can.
 */
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { basicAuth, rawRequest, readToEnd, run, tlsThroughProxy } from '../support/clients.js';
import { SECRETS } from '../support/fixture.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';

const VALUE = SECRETS.value;
const B64 = Buffer.from(VALUE).toString('base64');
const MASK = '*'.repeat(VALUE.length);

interface Seen {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/** An upstream that hands the credential it received straight back, in every form it can. */
async function startEchoingUpstream(pem: { certPem: string; keyPem: string }) {
  const seen: Seen[] = [];
  const server = https.createServer({ cert: pem.certPem, key: pem.keyPem }, (req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const key = String(req.headers['x-api-key'] ?? '');
    const url = new URL(req.url ?? '/', 'https://x');
    const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
    switch (url.pathname) {
      case '/headers':
        res.writeHead(401, `Bad key ${key}`, {
          'set-cookie': `session=${key}; Path=/`,
          'x-debug-key': key,
          'x-b64': Buffer.from(key).toString('base64'),
          'content-type': 'text/plain',
        });
        res.end(`Invalid API key: ${key}`);
        return;
      case '/split': {
        // One byte per write, each flushed: the value crosses every chunk and TLS-record boundary.
        res.writeHead(200, { 'content-type': 'text/plain' });
        void (async () => {
          for (const ch of `before ${key} middle ${key}${key} after`) {
            res.write(ch);
            await delay(1);
          }
          res.end();
        })();
        return;
      }
      case '/length': {
        const body = `{"echo":"${key}","json":${JSON.stringify(key)},"b64":"${Buffer.from(key).toString('base64')}"}`;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      case '/gzip':
      case '/br':
      case '/deflate': {
        // Compressed although the gateway asked for identity.
        const coding = url.pathname.slice(1);
        const body = Buffer.from(`compressed ${key} body ${'x'.repeat(2000)} ${key}`);
        const packed = coding === 'gzip' ? zlib.gzipSync(body) : coding === 'br' ? zlib.brotliCompressSync(body) : zlib.deflateSync(body);
        res.writeHead(200, { 'content-encoding': coding, 'content-length': packed.length, 'x-asked-encoding': String(req.headers['accept-encoding']) });
        res.end(packed);
        return;
      }
      case '/zstd':
        res.writeHead(200, { 'content-encoding': 'zstd', 'content-type': 'application/octet-stream' });
        res.end(`not really zstd ${key}`);
        return;
      case '/sse': {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let i = 0;
        const tick = () => {
          res.write(`data: {"i":${i},"key":"${key}"}\n\n`);
          if (++i < 4) setTimeout(tick, 150);
          else res.end();
        };
        tick();
        return;
      }
      default:
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`${req.method} ${req.url} key=${key}`);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return { seen, port, authority: `localhost:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let ca: CaPem;
let upstreamCa: CaPem;
let up: Awaited<ReturnType<typeof startEchoingUpstream>>;
let gateway: GatewayProcess;
let proxy: string;
let dispatcher: ProxyAgent;

beforeAll(async () => {
  [ca, upstreamCa] = await Promise.all([makeCa('Local CA'), makeCa('Upstream CA')]);
  up = await startEchoingUpstream(await makeServerCert(upstreamCa, ['localhost']));
  gateway = await startGatewayProcess({
    ca,
    upstreamCaPem: upstreamCa.certPem,
    tokens: [SECRETS.agentToken],
    mappings: [{ host: up.authority, header: 'x-api-key', route: 'echo', value: VALUE }],
  });
  proxy = gateway.proxyUrl(SECRETS.agentToken);
  dispatcher = new ProxyAgent({ uri: proxy, requestTls: { ca: ca.certPem } });
});
afterAll(async () => {
  await dispatcher?.close();
  await gateway?.stop();
  await up?.close();
});

const viaProxy = (path: string, init: Parameters<typeof undiciFetch>[1] = {}) => undiciFetch(`https://${up.authority}${path}`, { dispatcher, ...init });
const viaRoute = (path: string, init: { method?: string } = {}) =>
  undiciFetch(`http://127.0.0.1:${gateway.port}/r/echo${path}`, { ...init, headers: { 'x-api-key': SECRETS.agentToken } });

function expectClean(text: string) {
  expect(text).not.toContain(VALUE);
  expect(text).not.toContain(B64);
}

describe('TRACE is never sent to a mapped host', () => {
  // TRACK (IIS's TRACE) never gets that far: Node's parser refuses the method with a 400.
  test.each([
    ['TRACE', 405],
    ['TRACK', 400],
  ])('%s through the proxy door → %i, nothing reaches the upstream', async (method, status) => {
    const before = up.seen.length;
    const tunnel = await tlsThroughProxy(gateway.port, SECRETS.agentToken, up.authority, { ca: ca.certPem });
    tunnel.write(`${method} /anything HTTP/1.1\r\nHost: ${up.authority}\r\nConnection: close\r\n\r\n`);
    const text = await new Promise<string>((resolve) => {
      let out = '';
      tunnel.on('data', (d: Buffer) => (out += d.toString('latin1')));
      tunnel.on('close', () => resolve(out));
    });
    expect(text).toMatch(new RegExp(`^HTTP/1\\.1 ${status}`));
    if (status === 405) expect(text).toContain('"code":"method_not_allowed"');
    expect(up.seen.length).toBe(before);
  });

  test('TRACE through the base-URL door → 405, nothing reaches the upstream', async () => {
    const before = up.seen.length;
    const raw = await rawRequest(gateway.port, `TRACE /r/echo/x HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${SECRETS.agentToken}\r\nConnection: close\r\n\r\n`);
    expect(raw.status).toBe(405);
    expectClean(await readToEnd(raw));
    expect(up.seen.length).toBe(before);
  });
});

describe('an upstream that echoes the credential gets it masked on the way back', () => {
  test('status line, headers (Set-Cookie, debug headers, base64) and body', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      void tlsThroughProxy(gateway.port, SECRETS.agentToken, up.authority, { ca: ca.certPem }).then((tunnel) => {
        let out = '';
        tunnel.on('data', (d: Buffer) => (out += d.toString('latin1')));
        tunnel.on('close', () => resolve(out));
        tunnel.on('error', reject);
        tunnel.write(`GET /headers HTTP/1.1\r\nHost: ${up.authority}\r\nConnection: close\r\n\r\n`);
      }, reject);
    });
    expect(up.seen.at(-1)?.headers['x-api-key']).toBe(VALUE);
    expectClean(raw);
    expect(raw).toMatch(new RegExp(`^HTTP/1\\.1 401 Bad key \\*{${VALUE.length}}`));
    expect(raw).toContain(`set-cookie: session=${MASK}; Path=/`);
    expect(raw).toContain(`x-debug-key: ${MASK}`);
    expect(raw).toContain(`Invalid API key: ${MASK}`);
  });

  test('a body written one byte at a time (the value across every chunk boundary)', async () => {
    const text = await (await viaProxy('/split')).text();
    expect(text).toBe(`before ${MASK} middle ${MASK}${MASK} after`);
  });

  test('a body with Content-Length: same length, JSON-escaped and base64 forms masked', async () => {
    const res = await viaProxy('/length');
    const text = await res.text();
    expectClean(text);
    expect(Buffer.byteLength(text)).toBe(Number(res.headers.get('content-length')));
    expect(JSON.parse(text)).toEqual({ echo: MASK, json: MASK, b64: '*'.repeat(B64.length) });
  });

  test.each(['gzip', 'br', 'deflate'])('an upstream that compresses anyway (%s): decoded, scanned, relayed uncompressed', async (coding) => {
    const raw = await rawThroughTunnel(`GET /${coding} HTTP/1.1\r\nHost: ${up.authority}\r\nAccept-Encoding: gzip, br\r\nConnection: close\r\n\r\n`);
    expect(up.seen.at(-1)?.headers['accept-encoding']).toBe('identity');
    expect(raw).not.toMatch(/content-encoding/i);
    expectClean(raw);
    expect(raw).toContain(`compressed ${MASK} body`);
  });

  test('an encoding the gateway cannot decode is withheld: 502 unscannable_response', async () => {
    const res = await viaProxy('/zstd');
    expect(res.status).toBe(502);
    expect(res.headers.get('x-onecli-error')).toBe('unscannable_response');
    expectClean(await res.text());
  });

  test('SSE keeps streaming event by event, each event masked', async () => {
    const res = await viaRoute('/sse');
    const reader = res.body!.getReader();
    const t0 = Date.now();
    const first = await reader.read();
    // The first event arrives long before the stream ends (4 events, 150 ms apart).
    expect(Date.now() - t0).toBeLessThan(300);
    let text = Buffer.from(first.value!).toString();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += Buffer.from(value).toString();
    }
    expectClean(text);
    expect(text.match(/data: /g)).toHaveLength(4);
    expect(text).toContain(`"key":"${MASK}"`);
  });

  test('curl sees nothing either (the base-URL door, keep-alive, several requests)', async () => {
    const url = `http://127.0.0.1:${gateway.port}/r/echo`;
    const r = await run('curl', ['-sS', '-i', '-H', `x-api-key: ${SECRETS.agentToken}`, `${url}/headers`, `${url}/length`, `${url}/split`, `${url}/plain`]);
    expectClean(r.stdout);
    expect(r.stdout).toContain(MASK);
  });
});

describe('absolute-form request targets inside a tunnel (RFC 9112 §3.2.2)', () => {
  test("naming the tunnel's own authority: rewritten to origin-form", async () => {
    const raw = await rawThroughTunnel(`GET https://${up.authority}/abs?x=1 HTTP/1.1\r\nHost: ${up.authority}\r\nConnection: close\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 200/);
    expect(up.seen.at(-1)?.path).toBe('/abs?x=1');
  });

  test.each([
    ['another host', () => 'https://evil.example/steal'],
    ['another port', () => 'https://localhost:1/steal'],
    ['plain http', () => `http://${up.authority}/steal`],
    ['userinfo', () => `https://u:p@${up.authority}/steal`],
    ['no leading slash', () => 'steal'],
  ])('naming %s: 400, nothing sent', async (name, target) => {
    const before = up.seen.length;
    const raw = await rawThroughTunnel(`GET ${target()} HTTP/1.1\r\nHost: ${up.authority}\r\nConnection: close\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    // A target that is neither a path nor a URL is refused by Node's parser, before our JSON.
    if (name !== 'no leading slash') expect(raw).toContain('"code":"bad_request"');
    expect(up.seen.length).toBe(before);
  });
});

async function rawThroughTunnel(request: string): Promise<string> {
  const tunnel = await tlsThroughProxy(gateway.port, SECRETS.agentToken, up.authority, { ca: ca.certPem });
  return new Promise((resolve, reject) => {
    let out = '';
    tunnel.on('data', (d: Buffer) => (out += d.toString('latin1')));
    tunnel.on('close', () => resolve(out));
    tunnel.on('error', reject);
    tunnel.write(request);
  });
}

test('nothing above put the value in the gateway log, and the gateway is still serving', async () => {
  expect(gateway.child.exitCode).toBeNull();
  expect(gateway.lines.join('\n')).not.toContain(VALUE);
  const raw = await rawRequest(
    gateway.port,
    `GET /healthz HTTP/1.1\r\nHost: x\r\nProxy-Authorization: ${basicAuth(SECRETS.agentToken)}\r\nConnection: close\r\n\r\n`,
  );
  expect(raw.status).toBe(200);
});
