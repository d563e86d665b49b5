/**
 * How many writes a response costs the gateway (issue 18: "the response head and a small body in
 * one write"). Inside a MITM tunnel every write the gateway makes is at least one TLS record, so
 * the client counts records: a small answer, whichever way the upstream framed it, arrives as
 * one application-data record, not a head record and then body records. Measured through the
 * real gateway process with the response scan on (a mapped host), against an upstream that
 * sends each whole answer in one write of its own.
 */
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECRETS } from '../support/fixture.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';

const APPLICATION_DATA = 23;

/** Bytes the scanner holds back until it knows more: they could begin the value. */
const HELD = SECRETS.value.slice(0, 3);

/** What the upstream answers for each path, each answer in one write. */
const ANSWERS: Record<string, string> = {
  '/length': 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{"ok":true}',
  '/chunked': 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n{"ok":true}\r\n0\r\n\r\n',
  '/empty': 'HTTP/1.1 204 No Content\r\n\r\n',
  // All of it held back by the scanner until the end: the end carries it, with the head.
  '/tiny': `HTTP/1.1 200 OK\r\nContent-Length: ${HELD.length}\r\n\r\n${HELD}`,
};

/**
 * A stream whose first bytes the scanner holds back (they could begin the value), and whose rest
 * comes much later: the head must not wait for them.
 */
const SLOW_STREAM = {
  first: `HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n${HELD.length.toString(16)}\r\n${HELD}\r\n`,
  rest: '2\r\n!\n\r\n0\r\n\r\n',
  gapMs: 2_000,
};

async function startOneWriteUpstream(pem: { certPem: string; keyPem: string }) {
  const server = tls.createServer({ cert: pem.certPem, key: pem.keyPem }, (socket) => {
    let buf = '';
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      let end: number;
      while ((end = buf.indexOf('\r\n\r\n')) !== -1) {
        const path = buf.slice(0, buf.indexOf('\r\n')).split(' ')[1] ?? '';
        buf = buf.slice(end + 4);
        if (path === '/slow-stream') {
          socket.write(SLOW_STREAM.first);
          setTimeout(() => socket.write(SLOW_STREAM.rest), SLOW_STREAM.gapMs).unref();
        } else socket.write(ANSWERS[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** The TLS client's transport: the raw tunnel socket, with the record types that arrive counted. */
class RecordCountingTransport extends Duplex {
  readonly records: number[] = [];
  #partial = Buffer.alloc(0);

  constructor(private readonly raw: net.Socket) {
    super();
    raw.on('data', (d: Buffer) => {
      this.#count(d);
      this.push(d);
    });
    raw.on('end', () => this.push(null));
    raw.on('error', (err) => this.destroy(err));
  }

  #count(d: Buffer): void {
    let b = Buffer.concat([this.#partial, d]);
    while (b.length >= 5 && b.length >= 5 + b.readUInt16BE(3)) {
      this.records.push(b[0] as number);
      b = b.subarray(5 + b.readUInt16BE(3));
    }
    this.#partial = b;
  }

  override _read(): void {}
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.raw.write(chunk, done);
  }
  override _final(done: () => void): void {
    this.raw.end();
    done();
  }
}

interface Tunnel {
  transport: RecordCountingTransport;
  secure: tls.TLSSocket;
  /** Sends one request and waits for one whole answer; returns the application-data records it took. */
  exchange(path: string): Promise<{ records: number; answer: string }>;
  /** Sends one request; resolves with the milliseconds until the answer's head was in. */
  headAfterMs(path: string): Promise<number>;
}

async function openTunnel(port: number, authority: string, caPem: string): Promise<Tunnel> {
  const raw = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => raw.once('connect', r));
  const auth = Buffer.from(`x:${SECRETS.agentToken}`).toString('base64');
  raw.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nProxy-Authorization: Basic ${auth}\r\n\r\n`);
  const head = await new Promise<string>((resolve) => {
    let got = '';
    const onData = (d: Buffer) => {
      got += d.toString('latin1');
      if (!got.includes('\r\n\r\n')) return;
      raw.off('data', onData);
      raw.pause();
      resolve(got);
    };
    raw.on('data', onData);
  });
  expect(head).toMatch(/^HTTP\/1\.1 200 /);
  const transport = new RecordCountingTransport(raw);
  raw.resume();
  const secure = tls.connect({ socket: transport, servername: 'localhost', ca: caPem, ALPNProtocols: ['http/1.1'] });
  await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
  let text = '';
  secure.on('data', (d: Buffer) => (text += d.toString('latin1')));
  const exchange = async (path: string) => {
    const before = transport.records.filter((t) => t === APPLICATION_DATA).length;
    text = '';
    secure.write(`GET ${path} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    // Whole when the head is in and the body it announces (or its last chunk) is too.
    const whole = () => {
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return false;
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end));
      if (length) return text.length - end - 4 >= Number(length[1]);
      if (/\r\ntransfer-encoding: *chunked/i.test(text.slice(0, end))) return text.endsWith('0\r\n\r\n');
      return /^HTTP\/1\.1 (204|304)/.test(text);
    };
    const deadline = Date.now() + 5_000;
    while (!whole() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    // A moment more, so a record sent after the answer was complete would be counted too.
    await new Promise((r) => setTimeout(r, 50));
    const records = transport.records.filter((t) => t === APPLICATION_DATA).length - before;
    return { records, answer: text };
  };
  const headAfterMs = async (path: string) => {
    text = '';
    const start = Date.now();
    secure.write(`GET ${path} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
    while (!text.includes('\r\n\r\n') && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 5));
    return Date.now() - start;
  };
  return { transport, secure, exchange, headAfterMs };
}

let ca: CaPem;
let upstream: Awaited<ReturnType<typeof startOneWriteUpstream>>;
let gw: GatewayProcess;
let tunnel: Tunnel;

beforeAll(async () => {
  ca = await makeCa('Local CA');
  const upstreamCa = await makeCa('Upstream CA');
  upstream = await startOneWriteUpstream(await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']));
  gw = await startGatewayProcess({
    ca,
    upstreamCaPem: upstreamCa.certPem,
    tokens: [SECRETS.agentToken],
    mappings: [{ host: `localhost:${upstream.port}`, header: 'x-api-key', value: SECRETS.value }],
  });
  tunnel = await openTunnel(gw.port, `localhost:${upstream.port}`, ca.certPem);
  // The first exchange also carries TLS 1.3's session tickets (application-data records too).
  expect((await tunnel.exchange('/length')).answer).toContain('{"ok":true}');
}, 30_000);

afterAll(async () => {
  tunnel?.secure.destroy();
  await gw?.stop();
  await upstream?.close();
});

describe('a small answer from a mapped host is one write to the agent', () => {
  test.each([
    ['with a Content-Length', '/length', '{"ok":true}'],
    ['chunked', '/chunked', '{"ok":true}'],
    ['without a body (204)', '/empty', '204 No Content'],
    ['all held back by the scanner until its end', '/tiny', `\r\n\r\n${HELD}`],
  ])('%s: head and body in one TLS record', async (_name, path, expected) => {
    for (let i = 0; i < 3; i++) {
      const { records, answer } = await tunnel.exchange(path);
      expect(answer).toContain(expected);
      expect(answer).not.toContain(SECRETS.value);
      expect(records).toBe(1);
    }
  });
});

test('a stream whose first bytes the scanner holds back still gets its head at once', async () => {
  // Its own tunnel: the stream's end arrives seconds later and must not meet the other tests' requests.
  const t = await openTunnel(gw.port, `localhost:${upstream.port}`, ca.certPem);
  try {
    expect(await t.headAfterMs('/slow-stream')).toBeLessThan(SLOW_STREAM.gapMs / 2);
  } finally {
    t.secure.destroy();
  }
});
