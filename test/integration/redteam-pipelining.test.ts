/**
 * Red team: HTTP/1.1 pipelining at every door (the MITM tunnel, the base-URL door, the plain-HTTP
 * door), the way an agent or a hostile upstream would use it. Many requests go in one write: the
 * gateway's server parses them all at once and sends each upstream at once, and each answer
 * waits, buffered in its response, until those before it are sent. The first answer is large and
 * the agent does not read at first, so every write and drain in the gateway happens inside some
 * upstream's parser callback (redteam-pipelined-drain.test.ts has the drain this found before).
 *
 * Properties: every answer arrives whole and in order, gateway-made refusals among them; no
 * error-level line in the gateway's log; no credential byte in anything the agent receives; the
 * gateway keeps serving; and an agent that resets mid-way leaves no upstream request running.
 */
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { basicAuth, tlsThroughProxy } from '../support/clients.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { frontRequest, parseResponse, readAll, sleep } from '../support/redteam-wire.js';
import { waitFor } from '../support/wait-for.js';

const TOKEN = 'tok-pipelining-agent-7a3f1c9e5b2d';
const VALUE = 'sk-pipelining-VALUE-4e8b0d2f6a1c9e3b';
const BIG = 4 * 1024 * 1024;

type Door = 'mitm' | 'route' | 'plain';
const DOORS: readonly Door[] = ['mitm', 'route', 'plain'];

let ca: CaPem;
let tlsUp: https.Server;
let plainUp: http.Server;
let tlsPort: number;
let plainPort: number;
let gateway: GatewayProcess;
/** Upstream responses still open, by path: a stream the agent left must be ended by the gateway. */
const openStreams = new Set<string>();
/** Paths the upstream reset once when they came on a connection that had already served one. */
const resetOnce = new Set<string>();
const served = new WeakSet<net.Socket>();

/** The upstream behind both mappings; what each path answers is what the agent must get back. */
function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = req.url ?? '';
  const [, kind = '', n = ''] = url.split('/');
  if (kind === 'once' && served.has(req.socket) && !resetOnce.has(url)) {
    // A pooled connection the upstream dropped between answers: the gateway sends the GET again.
    resetOnce.add(url);
    return void req.socket.destroy();
  }
  served.add(req.socket);
  switch (kind) {
    case 'big':
      res.writeHead(200, { 'content-length': BIG });
      return void res.end(Buffer.alloc(BIG, 'a'));
    case '204':
      return void res.writeHead(204).end();
    case '304':
      return void res.writeHead(304, { etag: `"${n}"` }).end();
    case 'c': {
      // Chunked, in three writes.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(`c ${n} `);
      return void setTimeout(() => {
        res.write('middle ');
        setTimeout(() => res.end('end'), 2);
      }, 2);
    }
    case 'held':
      // Ends with the start of the value: the scanner holds it back until the end says it is not the value.
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write(`held ${n} `);
      return void setTimeout(() => res.end(VALUE.slice(0, 12)), 3);
    case 'leak':
      return void res.writeHead(200, { 'content-type': 'text/plain', 'x-echo': VALUE }).end(`leak ${n} ${VALUE} ${req.headers['x-api-key'] ?? ''}`);
    case 'stream': {
      openStreams.add(url);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write(`data: ${'s'.repeat(4000)}\n\n`), 5);
      return void res.once('close', () => {
        clearInterval(timer);
        openStreams.delete(url);
      });
    }
    default:
      return void res.writeHead(200, { 'content-length': Buffer.byteLength(url) }).end(req.method === 'HEAD' ? undefined : url);
  }
}

beforeAll(async () => {
  const upstreamCa = await makeCa('Pipelining Upstream CA');
  const [gatewayCa, pem] = await Promise.all([makeCa('Pipelining Local CA'), makeServerCert(upstreamCa, ['localhost'])]);
  ca = gatewayCa;
  tlsUp = https.createServer({ cert: pem.certPem, key: pem.keyPem }, answer);
  plainUp = http.createServer(answer);
  const listen = (s: http.Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
  [tlsPort, plainPort] = await Promise.all([listen(tlsUp), listen(plainUp)]);
  const blocks = [{ methods: ['DELETE'], path: '/blocked' }];
  gateway = await startGatewayProcess({
    ca,
    upstreamCaPem: upstreamCa.certPem,
    tokens: [TOKEN],
    mappings: [
      { host: `localhost:${tlsPort}`, header: 'x-api-key', route: 'p', value: VALUE, blocks },
      { host: `127.0.0.1:${plainPort}`, header: 'x-api-key', value: VALUE, blocks },
    ],
    logLevel: 'info',
  });
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  for (const s of [tlsUp, plainUp]) s?.closeAllConnections();
  await Promise.all([tlsUp, plainUp].map((s) => new Promise((r) => s?.close(r))));
});

/** One request as `door` takes it; `auth: false` sends a wrong token where the door reads one. */
function request(door: Door, method: string, path: string, { auth = true, last = false, extra = '' } = {}): string {
  const end = `${extra}${last ? 'Connection: close\r\n' : ''}\r\n`;
  switch (door) {
    case 'mitm':
      return `${method} ${path} HTTP/1.1\r\nHost: localhost:${tlsPort}\r\n${end}`;
    case 'route':
      return `${method} /r/p${path} HTTP/1.1\r\nHost: 127.0.0.1:${gateway.port}\r\nx-api-key: ${auth ? TOKEN : 'tok-wrong'}\r\n${end}`;
    case 'plain':
      return `${method} http://127.0.0.1:${plainPort}${path} HTTP/1.1\r\nHost: 127.0.0.1:${plainPort}\r\nProxy-Authorization: ${basicAuth(auth ? TOKEN : 'tok-wrong')}\r\n${end}`;
  }
}

/** An agent connection through `door` (for the MITM door, TLS inside the CONNECT tunnel). */
async function connect(door: Door): Promise<net.Socket> {
  if (door === 'mitm') return tlsThroughProxy(gateway.port, TOKEN, `localhost:${tlsPort}`, { ca: ca.certPem });
  const { default: netModule } = await import('node:net');
  const socket = netModule.connect(gateway.port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise((r) => socket.once('connect', r));
  return socket;
}

interface Expected {
  method: string;
  status: number;
  /** The body exactly, or a check on it. */
  body?: string | ((body: string) => boolean);
}

/** The pipeline: kinds in turn after the large first answer, and what each must come back as. */
function pipeline(door: Door, count: number): { wire: string; expected: Expected[] } {
  const parts = [request(door, 'GET', '/big')];
  const expected: Expected[] = [{ method: 'GET', status: 200, body: (b) => b.length === BIG && /^a+$/.test(b) }];
  const kinds = ['n', 'c', 'head', '204', '304', 'trace', 'blocked', 'refused', 'expect', 'held', 'leak'] as const;
  for (let i = 1; i < count; i++) {
    const kind = kinds[(i - 1) % kinds.length] as (typeof kinds)[number];
    const last = i === count - 1;
    const add = (method: string, path: string, e: Omit<Expected, 'method'>, auth = true, extra = '') => {
      parts.push(request(door, method, path, { auth, last, extra }));
      expected.push({ method, ...e });
    };
    if (kind === 'n') add('GET', `/n/${i}`, { status: 200, body: `/n/${i}` });
    else if (kind === 'c') add('GET', `/c/${i}`, { status: 200, body: `c ${i} middle end` });
    else if (kind === 'head') add('HEAD', `/n/${i}`, { status: 200, body: '' });
    else if (kind === '204') add('GET', `/204/${i}`, { status: 204, body: '' });
    else if (kind === '304') add('GET', `/304/${i}`, { status: 304, body: '' });
    // Refused by the gateway before anything is sent: TRACE would echo the credential.
    else if (kind === 'trace') add('TRACE', `/t/${i}`, { status: 405 });
    else if (kind === 'blocked') add('DELETE', '/blocked', { status: 403 });
    // A wrong token where the door reads one (a tunnel was authorized at CONNECT: a refusal other than policy ends it, below).
    else if (kind === 'refused') {
      if (door === 'mitm') add('DELETE', '/blocked', { status: 403 });
      else add('GET', `/n/${i}`, { status: door === 'route' ? 401 : 407 }, false);
    }
    // `Expect` takes the node:http leg (upstream-request.ts), in the same pipeline.
    else if (kind === 'expect') add('GET', `/e/${i}`, { status: 200, body: `/e/${i}` }, true, 'Expect: 100-continue\r\n');
    else if (kind === 'held') add('GET', `/held/${i}`, { status: 200, body: `held ${i} ${VALUE.slice(0, 12)}` });
    else add('GET', `/leak/${i}`, { status: 200, body: (b) => b.startsWith(`leak ${i} *`) && !b.includes(VALUE) });
  }
  return { wire: parts.join(''), expected };
}

const errorLines = (from: number) => gateway.lines.slice(from).filter((l) => /^\{"level":(50|60),/.test(l));
const healthy = async () => parseResponse(await frontRequest(gateway.port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).status === 200;

test.each(DOORS)(
  '%s door: 50 pipelined requests behind a large answer the agent does not read come back whole and in order',
  async (door) => {
    const from = gateway.lines.length;
    const { wire, expected } = pipeline(door, 50);
    const agent = await connect(door);
    agent.write(wire);
    agent.pause();
    // The first answer fills the socket buffers; the others arrive upstream and wait behind it.
    await sleep(1_500);
    const bytes = await readAll(agent, 15_000);

    expect(bytes.includes(VALUE), 'no credential byte reaches the agent').toBe(false);
    let rest = bytes;
    const got: { status: number; body: string }[] = [];
    for (const e of expected) {
      let r = parseResponse(rest, { head: e.method === 'HEAD' });
      // The gateway's own 100 Continue to an `Expect` (Node's server writes it), before the answer.
      while (r.status >= 100 && r.status < 200) r = parseResponse(r.rest, { head: e.method === 'HEAD' });
      got.push({ status: r.status, body: r.body.toString('latin1') });
      rest = r.rest;
    }
    for (const [i, e] of expected.entries()) {
      const g = got[i] as { status: number; body: string };
      expect(g.status, `answer ${i} (${e.method}) status`).toBe(e.status);
      if (typeof e.body === 'string') expect(g.body, `answer ${i} body`).toBe(e.body);
      else if (e.body) expect(e.body(g.body), `answer ${i} body (${g.body.length} bytes)`).toBe(true);
    }
    expect(rest.length, 'nothing after the last answer').toBe(0);
    expect(errorLines(from)).toEqual([]);
    expect(await healthy()).toBe(true);
  },
  30_000,
);

const streamsOf = (prefix: string) => [...openStreams].filter((p) => p.startsWith(prefix));

test.each(DOORS)(
  '%s door: an agent that resets with answers pipelined behind the current one leaves no upstream request running',
  async (door) => {
    const from = gateway.lines.length;
    const prefix = `/stream/${door}-reset/`;
    const agent = await connect(door);
    agent.write(request(door, 'GET', '/big') + [1, 2, 3, 4, 5].map((i) => request(door, 'GET', `${prefix}${i}`)).join(''));
    agent.pause();
    // Every stream is running upstream, its answer buffering behind the large one the agent does not read.
    await waitFor(() => streamsOf(prefix).length === 5, 5_000, 'the five streams to start');
    // A reset (TCP RST); through the tunnel, the TLS session just dropped.
    if (door === 'mitm') agent.destroy();
    else agent.resetAndDestroy();
    // Node's server tells only the current response that the connection closed: the ones behind it
    // must still have their upstream requests ended, or each held an upstream connection for good.
    await waitFor(() => streamsOf(prefix).length === 0, 5_000, `the streams to end (open: ${streamsOf(prefix).join(' ')})`);
    expect(errorLines(from)).toEqual([]);
    expect(await healthy()).toBe(true);
  },
  20_000,
);

test('mitm door: a refusal that ends the tunnel mid-pipeline ends the upstream requests pipelined behind it', async () => {
  const from = gateway.lines.length;
  const prefix = '/stream/mitm-refused/';
  const agent = await connect('mitm');
  // A `//` target inside a tunnel is refused with Connection: close (mitm.ts): nothing after it is answered.
  agent.write(
    request('mitm', 'GET', '/n/1') + request('mitm', 'GET', '//elsewhere/x') + [1, 2, 3].map((i) => request('mitm', 'GET', `${prefix}${i}`)).join(''),
  );
  const bytes = await readAll(agent, 5_000);
  const first = parseResponse(bytes);
  const second = parseResponse(first.rest);
  expect([first.status, second.status, second.rest.length]).toEqual([200, 400, 0]);
  await waitFor(() => streamsOf(prefix).length === 0, 5_000, `the streams to end (open: ${streamsOf(prefix).join(' ')})`);
  expect(errorLines(from)).toEqual([]);
});

test.each(DOORS)(
  '%s door: pipelined GETs whose pooled upstream connections were dropped between answers are each sent again once, and come back in order',
  async (door) => {
    const from = gateway.lines.length;
    // Warm the pool: the next requests find connections that have served one already.
    const warm = await connect(door);
    warm.write([1, 2, 3].map((i) => request(door, 'GET', `/n/warm-${door}-${i}`, { last: i === 3 })).join(''));
    await readAll(warm, 5_000);
    const resetsBefore = resetOnce.size;
    const agent = await connect(door);
    const paths = Array.from({ length: 12 }, (_, i) => `/once/${door}-${i}`);
    agent.write(paths.map((p, i) => request(door, i % 3 === 2 ? 'HEAD' : 'GET', p, { last: i === paths.length - 1 })).join(''));
    let rest = await readAll(agent, 10_000);
    for (const [i, p] of paths.entries()) {
      const r = parseResponse(rest, { head: i % 3 === 2 });
      expect([r.status, r.body.toString()], `answer ${i}`).toEqual([200, i % 3 === 2 ? '' : p]);
      rest = r.rest;
    }
    expect(rest.length).toBe(0);
    expect(resetOnce.size, 'the upstream dropped at least one pooled connection').toBeGreaterThan(resetsBefore);
    expect(errorLines(from)).toEqual([]);
    expect(await healthy()).toBe(true);
  },
  20_000,
);
