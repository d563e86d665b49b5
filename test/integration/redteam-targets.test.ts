/**
 * Red team of the request target at every door (base-URL, proxy door addressed to the gateway
 * itself, inside a MITM tunnel, plain HTTP), requests and WebSocket upgrades alike.
 *
 * A `#`: a fragment is no part of a request target (RFC 9112 §3.2). Inside a tunnel and on the
 * plain-HTTP door it was forwarded (as sent, or cut by a URL parser) while the base-URL door
 * refused it: a block rule on `/admin` matched `/v1/safe#/../../admin` as `/v1/safe`, and an
 * upstream that reads the `#` as part of the path serves `/admin`, with the credential. Now every
 * door refuses it with the same 400 and nothing is sent; `%23` is no fragment and goes as sent.
 *
 * `OPTIONS http://host:port`: an absolute-form OPTIONS with an empty path and no query went
 * upstream as `OPTIONS /` (with the credential of a host-wide mapping). RFC 9112 §3.2.4: the last
 * proxy sends `*`, which never matches a mapping, so it goes without a credential.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECRETS } from '../support/fixture.js';
import { DOORS, startBench, type Bench, type Door } from '../support/redteam-doors.js';
import { frontRequest, parseResponse, proxyAuth, upgradeRequest, viaTunnel, type HostileRequest } from '../support/redteam-wire.js';

/** Answers with the request line it got and whether the credential came with it. */
function script(req: HostileRequest): void {
  const out = JSON.stringify({ line: req.rawHead.split('\r\n')[0], keyed: req.key === SECRETS.value });
  req.socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(out)}\r\nConnection: close\r\n\r\n${out}`);
}

let bench: Bench;
beforeAll(async () => {
  bench = await startBench(script, { blocks: [{ path: '/admin' }] });
});
afterAll(() => bench?.stop());

const seen = () => bench.tls.seen.length + bench.plain.seen.length;
const lastSeen = (door: Door) => (door === 'plain' ? bench.plain : bench.tls).seen.at(-1);
const errorLines = () => bench.gateway.lines.filter((l) => /^\{"level":(50|60),/.test(l));

function expectFragmentRefusal(bytes: Buffer): void {
  const r = parseResponse(bytes);
  expect(r.status).toBe(400);
  const body = JSON.parse(r.body.toString()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('bad_request');
  // The message says what to do instead.
  expect(body.error.message).toContain('%23');
  expect(bytes.toString('latin1')).not.toContain(SECRETS.value);
}

describe.each(DOORS)('a "#" in the target, through the %s door', (door) => {
  test.each([
    ['a fragment that climbs into a blocked path', '/v1/safe#/../../admin'],
    ['a fragment after a query', '/v1/safe?x=1#/../../admin'],
    ['a "#" inside the query', '/v1/x?a=1#b=2'],
    ['an empty fragment', '/v1/x#'],
    ['a fragment on a blocked path', '/admin#x'],
  ])('%s (%s): 400 bad_request, nothing sent upstream', async (_name, path) => {
    const before = seen();
    const errors = errorLines().length;
    expectFragmentRefusal(await bench.get(door, path));
    expect(seen()).toBe(before);
    expect(errorLines().slice(errors)).toEqual([]);
  });

  test('a WebSocket upgrade with a fragment: 400 bad_request, nothing sent upstream', async () => {
    const before = seen();
    expectFragmentRefusal(await bench.upgrade(door, '/v1/ws#/../../admin'));
    expect(seen()).toBe(before);
  });

  test.each([
    ['%23 in the path', '/v1/a%23b'],
    ['%23 in the query', '/v1/x?a=%23b'],
    ['%23 at the start of a segment', '/v1/%23admin'],
  ])('%s is no fragment: forwarded with the credential', async (_name, path) => {
    const r = parseResponse(await bench.get(door, path));
    expect(r.status).toBe(200);
    const got = JSON.parse(r.body.toString()) as { line: string; keyed: boolean };
    expect(got.line).toBe(`GET ${path} HTTP/1.1`);
    expect(got.keyed).toBe(true);
    expect(lastSeen(door)?.key).toBe(SECRETS.value);
  });
});

describe('absolute-form with a "#"', () => {
  test('inside a tunnel, naming the tunnel host: 400 bad_request, nothing sent', async () => {
    const before = seen();
    const authority = bench.tls.authority;
    const bytes = await viaTunnel(
      bench.gateway.port,
      SECRETS.agentToken,
      authority,
      bench.ca.certPem,
      `GET https://${authority}/v1/safe#/../../admin HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`,
    );
    expectFragmentRefusal(bytes);
    expect(seen()).toBe(before);
  });

  test('a POST with a body through the plain-HTTP door: 400, the body never sent', async () => {
    const before = seen();
    const authority = bench.plain.authority;
    const bytes = await frontRequest(
      bench.gateway.port,
      `POST http://${authority}/v1/x?y#z HTTP/1.1\r\nHost: ${authority}\r\n${proxyAuth(SECRETS.agentToken)}Content-Length: 3\r\nConnection: close\r\n\r\nabc`,
    );
    expectFragmentRefusal(bytes);
    expect(seen()).toBe(before);
  });
});

describe('absolute-form OPTIONS with an empty path (RFC 9112 §3.2.4)', () => {
  const token = SECRETS.agentToken;
  const plain = (method: string, rest: string, extra = '') =>
    frontRequest(
      bench.gateway.port,
      `${method} http://${bench.plain.authority}${rest} HTTP/1.1\r\nHost: ${bench.plain.authority}\r\n${proxyAuth(token)}${extra}Connection: close\r\n\r\n`,
    );
  const mitm = (method: string, rest: string) => {
    const authority = bench.tls.authority;
    return viaTunnel(
      bench.gateway.port,
      token,
      authority,
      bench.ca.certPem,
      `${method} https://${authority}${rest} HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`,
    );
  };

  test.each([
    ['OPTIONS', '', 'OPTIONS *', false],
    ['OPTIONS', '?x=1', 'OPTIONS /?x=1', true],
    ['OPTIONS', '/', 'OPTIONS /', true],
    ['GET', '', 'GET /', true],
    ['HEAD', '', 'HEAD /', true],
  ] as const)('plain HTTP: %s http://host%s goes as `%s` (credential: %s)', async (method, rest, line, keyed) => {
    const errors = errorLines().length;
    const r = parseResponse(await plain(method, rest), { head: method === 'HEAD' });
    expect(r.status).toBe(200);
    expect(bench.plain.seen.at(-1)?.rawHead.split('\r\n')[0]).toBe(`${line} HTTP/1.1`);
    expect(bench.plain.seen.at(-1)?.key).toBe(keyed ? SECRETS.value : '');
    expect(errorLines().slice(errors)).toEqual([]);
  });

  test.each([
    ['OPTIONS', '', 'OPTIONS *', false],
    ['OPTIONS', '?x=1', 'OPTIONS /?x=1', true],
    ['OPTIONS', '/', 'OPTIONS /', true],
    ['GET', '', 'GET /', true],
  ] as const)('inside a tunnel: %s https://host%s goes as `%s` (credential: %s)', async (method, rest, line, keyed) => {
    const errors = errorLines().length;
    const r = parseResponse(await mitm(method, rest));
    expect(r.status).toBe(200);
    expect(bench.tls.seen.at(-1)?.rawHead.split('\r\n')[0]).toBe(`${line} HTTP/1.1`);
    expect(bench.tls.seen.at(-1)?.key).toBe(keyed ? SECRETS.value : '');
    expect(errorLines().slice(errors)).toEqual([]);
  });

  test('plain HTTP: an OPTIONS upgrade with an empty path goes as `OPTIONS *`, without the credential', async () => {
    const errors = errorLines().length;
    const before = bench.plain.seen.length;
    const authority = bench.plain.authority;
    await frontRequest(bench.gateway.port, upgradeRequest(`http://${authority}`, authority, proxyAuth(token)).replace(/^GET /, 'OPTIONS '), 3_000);
    expect(bench.plain.seen.length).toBe(before + 1);
    expect(bench.plain.seen.at(-1)?.rawHead.split('\r\n')[0]).toBe('OPTIONS * HTTP/1.1');
    expect(bench.plain.seen.at(-1)?.key).toBe('');
    expect(errorLines().slice(errors)).toEqual([]);
  });
});
