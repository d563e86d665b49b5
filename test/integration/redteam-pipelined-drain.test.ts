/**
 * Red team: two requests pipelined on one agent connection, the agent slow to read.
 *
 * The first answer is large, so its writes stop (the agent is not reading) and its upstream is
 * paused until the response drains. The second answer streams meanwhile into its response,
 * which has no socket yet and buffers. Node emits 'drain' on the first response from inside
 * that buffering write (socketOnDrain in _http_server.js), that is inside the second upstream's
 * parser callback. Resuming the first upstream there re-entered undici's parser: an assertion
 * (`currentParser === null`) failed, the second request ended as a 500 logged as a fault, and
 * the first stalled half-sent. Both answers must arrive whole, with no error logged, whether
 * the host is mapped (the scanner's sink) or not (the plain one).
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { basicAuth } from '../support/clients.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { makeCa } from '../support/pki.js';
import { sleep } from '../support/redteam-wire.js';

const TOKEN = 'tok-pipeline-agent-5d1e9a3c7b2f';
const VALUE = 'sk-pipeline-VALUE-0c8e2a4f6b1d';
const BIG = 8 * 1024 * 1024;
const DRIP_CHUNKS = 200;
const DRIP_CHUNK = 4096;

let upstream: http.Server;
let mappedPort: number;
let unmapped: http.Server;
let unmappedPort: number;
let gateway: GatewayProcess;

/** /big: one large answer with a length; anything else: a stream of small chunks over about a second. */
function answer(req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.url === '/big') {
    res.writeHead(200, { 'content-length': BIG });
    return void res.end(Buffer.alloc(BIG, 'a'));
  }
  res.writeHead(200, { 'content-type': 'text/plain' });
  let sent = 0;
  const timer = setInterval(() => {
    res.write(Buffer.alloc(DRIP_CHUNK, 'b'));
    if (++sent === DRIP_CHUNKS) {
      clearInterval(timer);
      res.end();
    }
  }, 5);
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  upstream = http.createServer(answer);
  unmapped = http.createServer(answer);
  [mappedPort, unmappedPort] = await Promise.all([listen(upstream), listen(unmapped)]);
  gateway = await startGatewayProcess({
    ca: await makeCa('OneCLI Pipelining Test CA'),
    tokens: [TOKEN],
    mappings: [{ host: `127.0.0.1:${mappedPort}`, header: 'x-custom-auth', template: 'Bearer {value}', value: VALUE }],
  });
}, 30_000);

afterAll(async () => {
  await gateway?.stop();
  upstream?.closeAllConnections();
  unmapped?.closeAllConnections();
  await Promise.all([upstream, unmapped].map((s) => new Promise((r) => s?.close(r))));
});

/** Decodes a chunked body that starts at `from`; returns its length, or -1 if it does not end. */
function chunkedLength(bytes: Buffer, from: number): number {
  let at = from;
  let total = 0;
  for (;;) {
    const eol = bytes.indexOf('\r\n', at, 'latin1');
    if (eol < 0) return -1;
    const size = parseInt(bytes.toString('latin1', at, eol), 16);
    if (Number.isNaN(size)) return -1;
    if (size === 0) return total;
    total += size;
    at = eol + 2 + size + 2;
  }
}

test.each([
  ['a mapped host', () => mappedPort],
  ['an unmapped loopback host', () => unmappedPort],
])(
  '%s: both pipelined answers arrive whole while the agent reads slowly, and nothing is logged as a fault',
  async (_name, port) => {
    const target = `127.0.0.1:${port()}`;
    const request = (path: string, last = false) =>
      `GET http://${target}${path} HTTP/1.1\r\nHost: ${target}\r\nProxy-Authorization: ${basicAuth(TOKEN)}\r\n${last ? 'Connection: close\r\n' : ''}\r\n`;
    const agent = net.connect(gateway.port, '127.0.0.1');
    agent.on('error', () => undefined);
    await new Promise((r) => agent.once('connect', r));
    const linesBefore = gateway.lines.length;
    // One write: the gateway parses both at once and sends both upstream.
    agent.write(request('/big') + request('/drip', true));
    agent.pause();
    // Long enough for the first answer to fill the socket buffers and the second to stream in behind it.
    await sleep(2_000);
    const chunks: Buffer[] = [];
    agent.on('data', (c: Buffer) => chunks.push(c));
    agent.resume();
    const closed = await Promise.race([new Promise((r) => agent.once('close', () => r(true))), sleep(15_000).then(() => false)]);
    agent.destroy();
    const bytes = Buffer.concat(chunks);

    expect(closed, 'the gateway closed the connection after the second answer').toBe(true);
    const firstHeadEnd = bytes.indexOf('\r\n\r\n');
    expect(bytes.toString('latin1', 0, firstHeadEnd)).toMatch(/^HTTP\/1\.1 200 /);
    const secondStart = firstHeadEnd + 4 + BIG;
    expect(
      bytes.subarray(firstHeadEnd + 4, secondStart).every((b) => b === 0x61),
      'the first body, whole',
    ).toBe(true);
    const secondHeadEnd = bytes.indexOf('\r\n\r\n', secondStart);
    expect(bytes.toString('latin1', secondStart, secondHeadEnd)).toMatch(/^HTTP\/1\.1 200 /);
    expect(chunkedLength(bytes, secondHeadEnd + 4), 'the second body, whole').toBe(DRIP_CHUNKS * DRIP_CHUNK);
    const errors = gateway.lines.slice(linesBefore).filter((l) => /^\{"level":(50|60),/.test(l));
    expect(errors).toEqual([]);
  },
  30_000,
);
