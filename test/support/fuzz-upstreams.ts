import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type { Pem } from './pki.js';

/** What a reflecting upstream saw: enough to tell what the gateway let through. */
export interface SeenRequest {
  method: string;
  url: string;
  rawHeaders: string[];
}

export interface Reflector {
  port: number;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'cookie', 'x-custom-auth', 'proxy-authorization'];
const MAX_KEPT_BODY = 64 * 1024;

/** A header value Node will write; anything else is left out rather than thrown. */
const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e]/g, '?').slice(0, 4_000);

/**
 * The worst upstream a credential can meet: it hands back everything it was sent, in every
 * place a real one might. Request headers come back in the body (as JSON, written in small
 * pieces so a scanner must look across chunk and TLS-record boundaries), credential headers
 * come back as response headers (`x-echo-auth`, `set-cookie`), and TRACE gets the message
 * back as RFC 9110 §9.3.8 says. A path containing `/len` gets a Content-Length body instead.
 */
function reflect(seen: SeenRequest[]) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    req.on('data', (c: Buffer) => {
      if (kept < MAX_KEPT_BODY) chunks.push(c);
      kept += c.length;
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders });
      const body = Buffer.concat(chunks).subarray(0, MAX_KEPT_BODY).toString('latin1');
      const reflected = CREDENTIAL_HEADERS.map((h) => req.headers[h])
        .flat()
        .filter((v): v is string => typeof v === 'string');
      const headers: Record<string, string | string[]> = { 'x-echo-auth': headerSafe(reflected.join(' | ')) };
      if (reflected.length) headers['set-cookie'] = reflected.map((v) => `seen=${headerSafe(v)}; Path=/`);
      let payload: string;
      if (req.method === 'TRACE') {
        headers['content-type'] = 'message/http';
        let head = `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n`;
        for (let i = 0; i < req.rawHeaders.length; i += 2) head += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
        payload = `${head}\r\n${body}`;
      } else {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify({ method: req.method, url: req.url, rawHeaders: req.rawHeaders, body });
      }
      const bytes = Buffer.from(payload, 'latin1');
      if (req.method === 'HEAD' || (req.url ?? '').includes('/len')) {
        res.writeHead(200, { ...headers, 'content-length': bytes.length });
        res.end(req.method === 'HEAD' ? undefined : bytes);
        return;
      }
      res.writeHead(200, headers);
      // Small pieces, each its own write after a turn of the event loop: its own chunk and record.
      let at = 0;
      const step = 7 + (bytes.length % 11);
      const next = () => {
        if (res.destroyed) return;
        if (at >= bytes.length) return void res.end();
        res.write(bytes.subarray(at, at + step));
        at += step;
        setImmediate(next);
      };
      next();
    });
  };
}

function quiet(server: net.Server): void {
  server.on('clientError', (_err: Error, socket: net.Socket) => socket.destroy());
  server.on('tlsClientError', () => undefined);
}

async function listen(server: net.Server, seen: SeenRequest[]): Promise<Reflector> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    requests: seen,
    close: () =>
      new Promise<void>((r) => {
        (server as http.Server).closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

/** The reflecting upstream over TLS (a mapped HTTPS API). */
export function startTlsReflector(pem: Pem): Promise<Reflector> {
  const seen: SeenRequest[] = [];
  const server = https.createServer({ cert: pem.certPem, key: pem.keyPem, keepAliveTimeout: 2_000 }, reflect(seen));
  quiet(server);
  return listen(server, seen);
}

/** The reflecting upstream in plain HTTP (a mapped loopback service such as a local model proxy). */
export function startPlainReflector(): Promise<Reflector> {
  const seen: SeenRequest[] = [];
  const server = http.createServer({ keepAliveTimeout: 2_000 }, reflect(seen));
  quiet(server);
  return listen(server, seen);
}

/** A TCP echo server: the far end of a blind tunnel. */
export async function startTcpEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    s.setTimeout(2_000, () => s.destroy());
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
