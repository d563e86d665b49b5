/**
 * Red-team support: a scriptable hostile HTTPS upstream (raw TLS: every byte is the script's) and
 * raw clients for each gateway door that return exactly the bytes the agent receives.
 */
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import tls from 'node:tls';
import { basicAuth, tlsThroughProxy } from './clients.js';
import type { Pem } from './pki.js';

export interface HostileRequest {
  method: string;
  /** The request target as received. */
  target: string;
  path: string;
  headers: Record<string, string>;
  rawHead: string;
  /** The credential the gateway injected (x-api-key or the Bearer token), '' if none. */
  key: string;
  socket: net.Socket;
  /** Bytes after the head that arrived with it. */
  rest: Buffer;
}

export type HostileScript = (req: HostileRequest) => void | Promise<void>;

export interface HostileUpstream {
  port: number;
  authority: string;
  seen: HostileRequest[];
  /** TLS connections the upstream saw close, and how many are still open. */
  open(): number;
  close(): Promise<void>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function parseHead(head: string): Omit<HostileRequest, 'socket' | 'rest' | 'key'> {
  const [line = '', ...lines] = head.split('\r\n');
  const [method = '', target = ''] = line.split(' ');
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const c = l.indexOf(':');
    if (c > 0) headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
  }
  return { method, target, path: target, headers, rawHead: head };
}

/**
 * One request per connection unless the script keeps reading: the script writes raw bytes.
 * The key the gateway injected is in `req.key` (x-api-key, else the Bearer token).
 */
export async function startHostileUpstream(pem: Pem | null, script: HostileScript, host = '127.0.0.1'): Promise<HostileUpstream> {
  const seen: HostileRequest[] = [];
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.pause();
      const parsed = parseHead(buf.subarray(0, end).toString('latin1'));
      const key = parsed.headers['x-api-key'] ?? (parsed.headers.authorization ?? '').replace(/^Bearer /, '');
      const req: HostileRequest = { ...parsed, key, socket, rest: buf.subarray(end + 4) };
      seen.push(req);
      void Promise.resolve(script(req)).catch(() => socket.destroy());
    };
    socket.on('data', onData);
  };
  // `pem` null: plain TCP (the plain-HTTP door to a mapped loopback host).
  const server = pem ? tls.createServer({ cert: pem.certPem, key: pem.keyPem, ALPNProtocols: ['http/1.1'] }, onSocket) : net.createServer(onSocket);
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    authority: `localhost:${port}`,
    seen,
    open: () => sockets.size,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Writes `parts` one by one, each in its own TLS record (a pause between them). */
export async function writeParts(socket: net.Socket, parts: readonly (string | Buffer)[], gapMs = 5): Promise<void> {
  for (const p of parts) {
    socket.write(p);
    await sleep(gapMs);
  }
}

/** Everything a socket delivers until it closes (or `timeoutMs`). */
export function readAll(socket: net.Socket, timeoutMs = 5_000, first: Buffer = Buffer.alloc(0)): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [first];
    const done = () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(() => {
      socket.destroy();
      done();
    }, timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.once('close', done);
    socket.on('error', () => undefined);
    socket.resume();
  });
}

/** A raw request to the gateway's front port; the reply, every byte, until close. */
export function frontRequest(port: number, bytes: string | Buffer, timeoutMs = 5_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      resolve(readAll(socket, timeoutMs));
    });
    socket.once('error', reject);
  });
}

/** GET through the base-URL door, `Connection: close`. */
export function viaRoute(port: number, route: string, token: string, path: string, extra = ''): Promise<Buffer> {
  return frontRequest(port, `GET /r/${route}${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nx-api-key: ${token}\r\n${extra}Connection: close\r\n\r\n`);
}

/** A raw request inside a MITM tunnel (proxy door); the reply until close. */
export async function viaTunnel(
  port: number,
  token: string,
  authority: string,
  ca: string,
  request: string | Buffer | ((authority: string) => string),
  timeoutMs = 5_000,
): Promise<Buffer> {
  const tunnel = await tlsThroughProxy(port, token, authority, { ca });
  const out = readAll(tunnel, timeoutMs);
  tunnel.write(typeof request === 'function' ? request(authority) : request);
  return out;
}

export const proxyAuth = (token: string) => `Proxy-Authorization: ${basicAuth(token)}\r\n`;

export interface ParsedResponse {
  status: number;
  head: string;
  headers: [string, string][];
  body: Buffer;
  /** What follows this response (a pipelined next one). */
  rest: Buffer;
}

/** Parses one HTTP/1.1 response (Content-Length, chunked, or to the end). */
export function parseResponse(bytes: Buffer, { head: isHead = false } = {}): ParsedResponse {
  const end = bytes.indexOf('\r\n\r\n');
  if (end === -1) return { status: 0, head: bytes.toString('latin1'), headers: [], body: Buffer.alloc(0), rest: Buffer.alloc(0) };
  const head = bytes.subarray(0, end).toString('latin1');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers: [string, string][] = lines.map((l) => {
    const c = l.indexOf(':');
    return [l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim()];
  });
  const status = Number(statusLine.split(' ')[1]);
  const after = bytes.subarray(end + 4);
  const get = (n: string) => headers.find(([k]) => k === n)?.[1];
  if (isHead || status === 204 || status === 304 || (status >= 100 && status < 200)) return { status, head, headers, body: Buffer.alloc(0), rest: after };
  if (/chunked/i.test(get('transfer-encoding') ?? '')) {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = after.indexOf('\r\n', at);
      if (lineEnd === -1) break;
      const size = parseInt(after.subarray(at, lineEnd).toString('latin1'), 16);
      if (!Number.isFinite(size)) break;
      if (size === 0) {
        const trailerEnd = after.indexOf('\r\n\r\n', lineEnd - 2);
        return { status, head, headers, body: Buffer.concat(parts), rest: trailerEnd === -1 ? Buffer.alloc(0) : after.subarray(trailerEnd + 4) };
      }
      parts.push(after.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    return { status, head, headers, body: Buffer.concat(parts), rest: Buffer.alloc(0) };
  }
  const length = get('content-length');
  if (length !== undefined) return { status, head, headers, body: after.subarray(0, Number(length)), rest: after.subarray(Number(length)) };
  return { status, head, headers, body: after, rest: Buffer.alloc(0) };
}

/** Reassembles the payloads of server→client WebSocket frames (unmasked or masked), with flags. */
export function wsFrames(bytes: Buffer): { fin: boolean; rsv1: boolean; opcode: number; payload: Buffer }[] {
  const frames: { fin: boolean; rsv1: boolean; opcode: number; payload: Buffer }[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const b0 = bytes[at] as number;
    const b1 = bytes[at + 1] as number;
    let len = b1 & 0x7f;
    let p = at + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(p);
      p += 2;
    } else if (len === 127) {
      len = Number(bytes.readBigUInt64BE(p));
      p += 8;
    }
    let maskKey: Buffer | undefined;
    if (b1 & 0x80) {
      maskKey = bytes.subarray(p, p + 4);
      p += 4;
    }
    if (p + len > bytes.length) break;
    const payload = Buffer.from(bytes.subarray(p, p + len));
    if (maskKey) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (maskKey[i % 4] as number);
    frames.push({ fin: (b0 & 0x80) !== 0, rsv1: (b0 & 0x40) !== 0, opcode: b0 & 0x0f, payload });
    at = p + len;
  }
  return frames;
}

/** A server→client frame (unmasked, as RFC 6455 wants). */
export function wsFrame(opcode: number, payload: Buffer | string, { fin = true, rsv1 = false } = {}): Buffer {
  const data = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const b0 = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  if (data.length < 126) return Buffer.concat([Buffer.from([b0, data.length]), data]);
  const h = Buffer.alloc(4);
  h[0] = b0;
  h[1] = 126;
  h.writeUInt16BE(data.length, 2);
  return Buffer.concat([h, data]);
}

/** A client→server frame (masked). */
export function wsClientFrame(opcode: number, payload: string): Buffer {
  const data = Buffer.from(payload);
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(data.map((b, i) => b ^ (mask[i % 4] as number)));
  return Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | data.length]), mask, masked]);
}

export function upgradeRequest(target: string, host: string, extra = ''): string {
  return `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extra}\r\n`;
}

export const SWITCHING =
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n';

/** A TLS client straight to an upstream (for checks that bypass the gateway). */
export function tlsDirect(port: number, ca: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', ca }, () => resolve(s));
    s.once('error', reject);
  });
}
