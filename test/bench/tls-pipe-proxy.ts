/**
 * The bench's reference for what terminating TLS costs (routes.ts, `tls-pipe`): a CONNECT proxy
 * that ends the client's TLS with the upstream's own certificate, opens its own TLS connection
 * to the upstream, and pipes the plaintext both ways. No HTTP, no credential, no scan, no policy:
 * the least any proxy that reads the traffic must do, in the same runtime as the gateway.
 *
 * Usage: node --import tsx tls-pipe-proxy.ts CONFIG.json, where the file holds
 * `{ port, certFile, keyFile, caFile }` (the upstream's certificate and key, its CA to verify it).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { isIP, type Socket } from 'node:net';
import tls from 'node:tls';

interface PipeConfig {
  port: number;
  certFile: string;
  keyFile: string;
  caFile: string;
}

const config = JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as PipeConfig;
const secureContext = tls.createSecureContext({ cert: readFileSync(config.certFile), key: readFileSync(config.keyFile) });
const ca = readFileSync(config.caFile, 'utf8');

function pipeThroughTls(client: Socket, authority: string): void {
  const at = authority.lastIndexOf(':');
  const host = authority.slice(0, at).replace(/^\[|\]$/g, '');
  const port = Number(authority.slice(at + 1));
  client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
  const inner = new tls.TLSSocket(client, { isServer: true, secureContext });
  const upstream = tls.connect({ host, port, ca, ...(isIP(host) ? {} : { servername: host }) });
  // The gateway's sockets have Nagle off (Node's server default, undici's connector): so do these.
  upstream.setNoDelay(true);
  inner.pipe(upstream).pipe(inner);
  const close = () => {
    inner.destroy();
    upstream.destroy();
    client.destroy();
  };
  for (const s of [client, inner, upstream]) s.on('error', close).on('close', close);
}

const server = http.createServer((_req, res) => res.writeHead(405).end());
server.on('connect', (req: http.IncomingMessage, client: Socket) => pipeThroughTls(client, req.url ?? ''));
server.listen(config.port, '127.0.0.1');
