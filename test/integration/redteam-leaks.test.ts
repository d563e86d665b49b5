/**
 * Red team: ways the injected value still comes back to the agent in a form it can use, through
 * each door. Each test is the reproducer of a finding; each FAILS until the gateway is fixed.
 *
 * Threat: a prompt-injected agent wants the key; the mapped host reflects it (the premise of the
 * response scan) or misbehaves (compresses although asked for identity, which the scan already
 * claims to handle). The agent decodes whatever it receives.
 */
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECRETS } from '../support/fixture.js';
import { DOORS, startBench, type Bench } from '../support/redteam-doors.js';
import { parseResponse, sleep, SWITCHING, viaRoute, wsFrame, wsFrames, writeParts, type HostileRequest } from '../support/redteam-wire.js';

const V = SECRETS.value;
/** A value as keys and passwords often are: '/', '+', '=', '!' inside, length not a multiple of 3. */
const ALT = 'sk/Live+SECRET=4d2f8a91c3!';

/** What a server would write for a value, by library convention. None of these is masked today. */
const ENCODINGS: Record<string, (k: string) => string> = {
  // PHP json_encode (default flags) escapes '/'.
  'json-escaped-slash': (k) => JSON.stringify(k).slice(1, -1).replaceAll('/', '\\/'),
  // RFC 3986 says hex digits are case-insensitive; many encoders write lowercase.
  'percent-lowercase': (k) => encodeURIComponent(k).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  // Python urllib.parse.quote(k, safe='') also escapes !'()*, which encodeURIComponent leaves.
  'percent-python': (k) => encodeURIComponent(k).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  // base64 without its '=' padding (JWT segments, many tokens), and base64url.
  'base64-unpadded': (k) => Buffer.from(k).toString('base64').replace(/=+$/, ''),
  base64url: (k) => Buffer.from(k).toString('base64url'),
};

function send(s: HostileRequest['socket'], status: string, headers: string, body: Buffer | string): void {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1');
  s.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status}\r\n${headers}Content-Length: ${b.length}\r\nConnection: close\r\n\r\n`, 'latin1'), b]));
}

async function script(req: HostileRequest): Promise<void> {
  const s = req.socket;
  const key = req.key;
  const url = new URL(req.target.startsWith('/') ? `https://x${req.target}` : req.target);
  const name = url.pathname.slice(1);
  if (name in ENCODINGS) return send(s, '200 OK', '', (ENCODINGS[name] as (k: string) => string)(key));
  switch (name) {
    case 'te-gzip-chunked': {
      // Compression announced as a transfer coding: Node de-chunks it and leaves the gzip.
      const gz = zlib.gzipSync(`{"echo":"${key}"}`);
      s.end(
        Buffer.concat([
          Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n${gz.length.toString(16)}\r\n`),
          gz,
          Buffer.from('\r\n0\r\n\r\n'),
        ]),
      );
      return;
    }
    case 'te-gzip-close': {
      const gz = zlib.gzipSync(`{"echo":"${key}"}`);
      s.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nConnection: close\r\n\r\n`), gz]));
      return;
    }
    case 'range': {
      // An echo that honours Range, like any static or cached resource.
      const body = Buffer.from(`{"error":"bad key ${key}"}`);
      const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
      if (!m) return send(s, '200 OK', '', body);
      const [a, b] = [Number(m[1]), Math.min(Number(m[2]), body.length - 1)];
      return send(s, '206 Partial Content', `Content-Range: bytes ${a}-${b}/${body.length}\r\n`, body.subarray(a, b + 1));
    }
    case 'ws-fragmented': {
      // One text message in two frames, the boundary inside the value (servers that fragment at a
      // buffer size, such as gorilla/websocket, do this whenever the message crosses it).
      s.write(`${SWITCHING}\r\n`);
      const msg = `{"echo":"${key}"}`;
      const cut = msg.indexOf(key) + 10;
      await writeParts(s, [wsFrame(1, msg.slice(0, cut), { fin: false }), wsFrame(0, msg.slice(cut))]);
      await sleep(30);
      s.end();
      return;
    }
    case 'ws-ping-inside': {
      // A control frame between two fragments (RFC 6455 §5.4 allows it): value split three ways.
      s.write(`${SWITCHING}\r\n`);
      const msg = `{"echo":"${key}"}`;
      const cut = msg.indexOf(key) + 5;
      s.write(Buffer.concat([wsFrame(1, msg.slice(0, cut), { fin: false }), wsFrame(9, 'p'), wsFrame(0, msg.slice(cut))]));
      await sleep(30);
      s.end();
      return;
    }
    case 'ws-deflate': {
      // permessage-deflate although the gateway offered no extension: the 101 is relayed as is.
      s.write(`${SWITCHING}Sec-WebSocket-Extensions: permessage-deflate\r\n\r\n`);
      s.write(wsFrame(1, zlib.deflateRawSync(`{"echo":"${key}"}`), { rsv1: true }));
      await sleep(30);
      s.end();
      return;
    }
    case 'ws-masked': {
      // A server frame with the MASK bit (RFC 6455 forbids it; a raw client decodes it anyway).
      s.write(`${SWITCHING}\r\n`);
      const data = Buffer.from(`{"echo":"${key}"}`);
      const mask = [0x11, 0x22, 0x33, 0x44];
      s.write(Buffer.concat([Buffer.from([0x81, 0x80 | data.length]), Buffer.from(mask), Buffer.from(data.map((b, i) => b ^ (mask[i % 4] as number)))]));
      await sleep(30);
      s.end();
      return;
    }
    default:
      return send(s, '200 OK', '', `target=${req.target}`);
  }
}

/** Everything an agent can get out of the bytes it received: raw, un-gzipped, WebSocket messages (inflated). */
function recoverable(bytes: Buffer): string {
  const out = [bytes.toString('latin1')];
  const res = parseResponse(bytes);
  for (const f of [zlib.gunzipSync, zlib.inflateSync, zlib.inflateRawSync, zlib.brotliDecompressSync]) {
    try {
      out.push(f(res.body).toString('latin1'));
    } catch {
      // not that coding
    }
  }
  if (res.status === 101) {
    const frames = wsFrames(res.rest);
    const data = frames.filter((f) => f.opcode < 8);
    const message = Buffer.concat(data.map((f) => f.payload));
    out.push(message.toString('latin1'));
    if (data[0]?.rsv1) {
      try {
        out.push(zlib.inflateRawSync(message).toString('latin1'));
      } catch {
        // not deflated
      }
    }
  }
  return out.join('\n');
}

let bench: Bench;
beforeAll(async () => {
  bench = await startBench(script, { altValue: ALT });
});
afterAll(() => bench?.stop());

describe('Transfer-Encoding carries compression past the scan (forward.ts / response-coding.ts)', () => {
  test.each(DOORS.flatMap((d) => [[d, 'te-gzip-chunked'] as const, [d, 'te-gzip-close'] as const]))(
    '%s door, %s: the agent cannot gunzip the value out of the body',
    async (door, path) => {
      const got = await bench.get(door, `/${path}`);
      expect(recoverable(got)).not.toContain(V);
    },
  );
});

describe('WebSocket frames are scanned as raw bytes, not as messages (upgrade.ts)', () => {
  test.each(DOORS.flatMap((d) => ['ws-fragmented', 'ws-ping-inside', 'ws-deflate', 'ws-masked'].map((p) => [d, p] as const)))(
    '%s door, %s: the reassembled message does not hold the value',
    async (door, path) => {
      const got = await bench.upgrade(door, `/${path}`);
      expect(recoverable(got)).not.toContain(V);
    },
  );
});

describe('forms of the value an upstream writes that the mask does not know (value-mask.ts valueForms)', () => {
  test.each(Object.keys(ENCODINGS))('%s', async (name) => {
    const got = await viaRoute(bench.gateway.port, 'alt', SECRETS.agentToken, `/${name}`);
    const body = parseResponse(got).body.toString('latin1');
    expect(body).not.toBe((ENCODINGS[name] as (k: string) => string)(ALT));
    expect(got.toString('latin1')).not.toContain((ENCODINGS[name] as (k: string) => string)(ALT));
  });
});

describe('Range requests cut the value into pieces shorter than any needle (upstream-fields.ts upstreamRequestHeaders)', () => {
  test.each(DOORS)('%s door: two 206 answers put together do not give the value', async (door) => {
    const a = parseResponse(await bench.get(door, '/range', 'Range: bytes=0-29\r\n')).body.toString('latin1');
    const b = parseResponse(await bench.get(door, '/range', 'Range: bytes=30-99\r\n')).body.toString('latin1');
    // If Range is dropped both are whole (masked) bodies; if honoured, pieces.
    expect(a + b).not.toContain(V);
    expect(`${a.slice(0, 30)}${b.slice(0, 70)}`).not.toContain(V);
  });
});

describe('origin-form targets inside a tunnel (doors/mitm.ts originFormTarget)', () => {
  test('"//evil.example/steal" is a network-path reference to many URL parsers: not sent as is', async () => {
    const before = bench.tls.seen.length;
    await bench.get('mitm', '//evil.example/steal');
    const sent = bench.tls.seen.slice(before).map((r) => r.target);
    expect(sent.filter((t) => t.startsWith('//'))).toEqual([]);
  });
});

test('the gateway survived all of the above', () => {
  expect(bench.gateway.child.exitCode).toBeNull();
});
