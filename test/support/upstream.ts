import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { Pem } from './pki.js';

export interface EchoRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface TlsUpstream {
  port: number;
  /** `localhost:<port>` */
  authority: string;
  requests: EchoRequest[];
  /** TLS connections accepted: keep-alive reuse shows as fewer connections than requests. */
  connections: number;
  /** Headers of each WebSocket upgrade request. */
  upgrades: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
}

/**
 * A real HTTPS server on loopback that stands in for an API:
 *   /echo          JSON of what arrived (method, path, headers, body)
 *   /sse?n=&gap=   n server-sent events, gap ms apart
 *   /bytes?n=      n bytes
 *   /reset         destroys the connection mid-request
 *   WebSocket      echoes messages, prefixed with the x-api-key it saw
 */
export async function startTlsUpstream(pem: Pem, host = '127.0.0.1'): Promise<TlsUpstream> {
  const state: Omit<TlsUpstream, 'port' | 'authority' | 'close'> = { requests: [], connections: 0, upgrades: [] };
  const server = https.createServer({ cert: pem.certPem, key: pem.keyPem, keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // URL.parse, not new URL: a target like `/\` must not throw in the test process.
      const url = URL.parse(req.url ?? '/', 'https://x') ?? new URL('https://x/');
      const body = Buffer.concat(chunks);
      state.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: body.toString('utf8').slice(0, 200) });
      switch (url.pathname) {
        case '/sse': {
          const n = Number(url.searchParams.get('n') ?? 3);
          const gap = Number(url.searchParams.get('gap') ?? 200);
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          let i = 0;
          const tick = () => {
            res.write(`event: message\ndata: {"i":${i}}\n\n`);
            if (++i < n) setTimeout(tick, gap);
            else res.end();
          };
          tick();
          return;
        }
        case '/echo-body':
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
          res.end(body);
          return;
        case '/bytes': {
          const n = Number(url.searchParams.get('n') ?? 1024);
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n });
          res.end(Buffer.alloc(n, 97));
          return;
        }
        case '/reset':
          req.socket.destroy();
          return;
        default: {
          const json = JSON.stringify({ method: req.method, path: req.url, headers: req.headers, bodyLength: body.length });
          res.writeHead(url.pathname === '/status/401' ? 401 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
          res.end(json);
        }
      }
    });
  });
  server.on('secureConnection', () => state.connections++);
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    state.upgrades.push(req.headers);
    ws.on('message', (data) => ws.send(`${req.headers['x-api-key'] ?? req.headers.authorization ?? 'none'}|${data.toString()}`));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(state, {
    port,
    authority: `localhost:${port}`,
    close: () =>
      new Promise<void>((r) => {
        wss.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  }) as TlsUpstream;
}
