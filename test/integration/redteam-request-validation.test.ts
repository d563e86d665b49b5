/**
 * Red team of the upstream leg's request validation (issue 18 follow-up): every target, method
 * and field undici's client refuses to write (undici/lib/core/request.js, util.js) that a client
 * can send, through each door. Each gets a 4xx from the gateway or is forwarded as it should be,
 * never a 500 `internal_error` (undici's UND_ERR_INVALID_ARG / UND_ERR_NOT_SUPPORTED end on the
 * fault path) and never a hang. Found first by the MITM fuzz: `OPTIONS *` (fuzz.test.ts pins it).
 *
 * How each is carried: Node's parser refuses what undici would refuse in a field name or value,
 * a target or a method (400); the fields undici writes itself or refuses (`Connection`,
 * `Keep-Alive`, `Upgrade`, `Transfer-Encoding`, `Expect`) are hop-by-hop or framing and never
 * cross as sent (upstream-fields.ts); `Expect` and `OPTIONS *` take node:http (upstream-request.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECRETS } from '../support/fixture.js';
import { DOORS, startBench, type Bench, type Door } from '../support/redteam-doors.js';
import { frontRequest, parseResponse, proxyAuth, viaTunnel, type HostileRequest } from '../support/redteam-wire.js';

/** A chunked body's data (extensions and trailers left out). */
function dechunk(raw: Buffer): string {
  let out = '';
  let at = 0;
  for (;;) {
    const end = raw.indexOf('\r\n', at);
    const size = end === -1 ? 0 : parseInt(raw.subarray(at, end).toString('latin1'), 16);
    if (!size) return out;
    out += raw.subarray(end + 2, end + 2 + size).toString('latin1');
    at = end + 2 + size + 2;
  }
}

/** Reads the request's body (by its length or to the last chunk), then answers with what arrived. */
function script(req: HostileRequest): void {
  const s = req.socket;
  let body = req.rest;
  const length = req.headers['content-length'];
  const chunked = /chunked/i.test(req.headers['transfer-encoding'] ?? '');
  const complete = () => (chunked ? body.includes('0\r\n\r\n') : body.length >= Number(length ?? 0));
  const answer = () => {
    const names = req.rawHead
      .split('\r\n')
      .slice(1)
      .map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
    const out = JSON.stringify({ line: req.rawHead.split('\r\n')[0], names, body: chunked ? dechunk(body) : body.toString('latin1') });
    s.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(out)}\r\nConnection: close\r\n\r\n${out}`);
  };
  if (complete()) return answer();
  s.on('data', (d: Buffer) => {
    body = Buffer.concat([body, d]);
    if (complete()) answer();
  });
  s.resume();
}

let bench: Bench;
beforeAll(async () => {
  bench = await startBench(script);
});
afterAll(() => bench?.stop());

/** `method target` with `fields` (each ending in CRLF) and `body`, through `door`; every byte back. */
function send(door: Door, method: string, target: string, fields: string, body = ''): Promise<Buffer> {
  const port = bench.gateway.port;
  const token = SECRETS.agentToken;
  const tail = `${fields}Connection: close\r\n\r\n${body}`;
  const bytes = (s: string) => Buffer.from(s, 'latin1');
  switch (door) {
    case 'route':
      return frontRequest(port, bytes(`${method} /r/h${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-api-key: ${token}\r\n${tail}`), 5_000);
    case 'self':
      return frontRequest(
        port,
        bytes(`${method} http://127.0.0.1:${port}/r/h${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${proxyAuth(token)}x-api-key: ${token}\r\n${tail}`),
        5_000,
      );
    case 'plain':
      return frontRequest(
        port,
        bytes(`${method} http://${bench.plain.authority}${target} HTTP/1.1\r\nHost: ${bench.plain.authority}\r\n${proxyAuth(token)}${tail}`),
        5_000,
      );
    case 'mitm':
      return viaTunnel(
        port,
        token,
        bench.tls.authority,
        bench.ca.certPem,
        bytes(`${method} ${target} HTTP/1.1\r\nHost: ${bench.tls.authority}\r\n${tail}`),
        5_000,
      );
  }
}

/** The gateway's error-level lines (a caught fault logs 'a request failed inside the gateway'). */
const errorLines = () => bench.gateway.lines.filter((l) => /^\{"level":(50|60),/.test(l));

describe.each(DOORS)('through the %s door', (door) => {
  // Node's parser refuses these before any handler runs: undici never sees them.
  test.each([
    ['a NUL in a field value', 'GET', '/', 'X-A: a\x00b\r\n'],
    ['DEL in a field value', 'GET', '/', 'X-A: a\x7fb\r\n'],
    ['a control character in a field value', 'GET', '/', 'X-A: a\x01b\r\n'],
    ['a space in a field name', 'GET', '/', 'X A: v\r\n'],
    ['a separator in a field name', 'GET', '/', 'X(A): v\r\n'],
    ['a non-ASCII field name', 'GET', '/', 'X\xe9: v\r\n'],
    ['an obs-fold continuation line', 'GET', '/', 'X-A: a\r\n b\r\n'],
    ['a control character in the target', 'GET', '/a\x01b', ''],
    ['DEL in the target', 'GET', '/a\x7fb', ''],
    ['a non-ASCII byte in the target', 'GET', '/\xe9', ''],
    ['a method that is no token', 'G(T', '/', ''],
    ['a lower-case method', 'get', '/', ''],
    ['a method Node does not know', 'FOO', '/', ''],
    ['Content-Length twice', 'POST', '/', 'Content-Length: 1\r\nContent-Length: 1\r\n', 'a'],
    ['a signed Content-Length', 'POST', '/', 'Content-Length: +1\r\n', 'a'],
    ['Content-Length with Transfer-Encoding', 'POST', '/', 'Content-Length: 5\r\nTransfer-Encoding: chunked\r\n', '1\r\na\r\n0\r\n\r\n'],
    ['an Expect other than 100-continue (417)', 'POST', '/', 'Expect: foo\r\nContent-Length: 1\r\n', 'a'],
  ])('%s: refused with a 4xx, nothing sent upstream', async (_name, method, target, fields, body = '') => {
    const seen = bench.tls.seen.length + bench.plain.seen.length;
    const errors = errorLines().length;
    const r = parseResponse(await send(door, method, target, fields, body));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(bench.tls.seen.length + bench.plain.seen.length).toBe(seen);
    expect(errorLines().slice(errors)).toEqual([]);
  });

  // Fields undici refuses or writes itself, which a client may well send: forwarded, the field
  // dropped or the request framed by the leg that sends it; never a fault.
  test.each([
    ['Connection listing a non-token', 'GET', '/', 'Connection: x-a, \xe9\r\nX-A: 1\r\n', '', ['x-a']],
    ['Connection listing a quoted string', 'GET', '/', 'Connection: "a b"\r\n', '', []],
    ['Keep-Alive', 'GET', '/', 'Keep-Alive: timeout=5, max=\xe9\r\n', '', ['keep-alive']],
    ['Upgrade without Connection: upgrade', 'GET', '/', 'Upgrade: h2c\r\n', '', ['upgrade']],
    ['TE and Trailer', 'GET', '/', 'TE: trailers\r\nTrailer: x-t\r\n', '', ['te', 'trailer']],
    ['Proxy-Connection', 'GET', '/', 'Proxy-Connection: \xe9\r\n', '', ['proxy-connection']],
    ['Transfer-Encoding: gzip, chunked', 'POST', '/', 'Transfer-Encoding: gzip, chunked\r\n', '3\r\nabc\r\n0\r\n\r\n', []],
    ['a chunked body with extensions and trailers', 'POST', '/', 'Transfer-Encoding: chunked\r\n', '3;x=y\r\nabc\r\n0\r\nX-T: 1\r\n\r\n', ['x-t']],
    ['a body on GET', 'GET', '/', 'Content-Length: 3\r\n', 'abc', []],
    ['a body on OPTIONS', 'OPTIONS', '/', 'Content-Length: 3\r\n', 'abc', []],
    ['Content-Length with leading zeros', 'POST', '/', 'Content-Length: 003\r\n', 'abc', []],
    ['Expect: 100-continue (node:http)', 'POST', '/', 'Expect: 100-continue\r\nContent-Length: 3\r\n', 'abc', []],
    ['Expect: 100-continue on a GET without a body (node:http)', 'GET', '/', 'Expect: 100-continue\r\n', '', []],
    ['obs-text in a field value', 'GET', '/', 'X-A: \xe9\xff\r\n', '', []],
    ['a field value of only a tab', 'GET', '/', 'X-A:\t\r\n', '', []],
    ['two Content-Type fields', 'POST', '/', 'Content-Type: a\r\nContent-Type: b\r\nContent-Length: 3\r\n', 'abc', []],
    ['QUERY with a body', 'QUERY', '/', 'Content-Length: 3\r\n', 'abc', []],
    ['a WebDAV method', 'PROPFIND', '/', 'Content-Length: 0\r\n', '', []],
  ])('%s: forwarded', async (_name, method, target, fields, body, dropped) => {
    const errors = errorLines().length;
    const r = parseResponse(await send(door, method, target, fields, body));
    // A 100 Continue comes first when the client asked for one; the upstream's answer follows it.
    const final = r.status === 100 ? parseResponse(r.rest) : r;
    expect(final.status).toBe(200);
    const got = JSON.parse(final.body.toString('latin1')) as { line: string; names: string[]; body: string };
    expect(got.line).toBe(`${method} / HTTP/1.1`);
    for (const name of dropped) expect(got.names).not.toContain(name);
    expect(got.body).toBe(body ? 'abc' : '');
    expect(errorLines().slice(errors)).toEqual([]);
  });
});

test('the gateway is still serving and logged no error', async () => {
  expect(parseResponse(await bench.get('route', '/')).status).toBe(200);
  expect(errorLines()).toEqual([]);
});
