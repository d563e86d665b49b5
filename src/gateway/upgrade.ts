import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { writeRawError } from './error-responses.js';
import { responseHeaders, upstreamFailure, upstreamRequestHeaders, type ForwardDone, type ForwardPlan } from './forward.js';
import type { Upstream } from './upstream.js';

function rawResponseHead(status: number, message: string | undefined, headers: readonly string[]): string {
  let head = `HTTP/1.1 ${status} ${message ?? ''}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/**
 * Forwards an HTTP upgrade (WebSocket) with the credential injected, then splices the two
 * sockets. Agents such as Codex open a WebSocket first, so this is a main path, not a nicety.
 */
export function forwardUpgrade(req: IncomingMessage, client: Duplex, head: Buffer, plan: ForwardPlan, upstream: Upstream, connectTimeoutMs: number, done: ForwardDone): void {
  const options: https.RequestOptions & ConnectionOptions = {
    // An upgraded connection is never returned to a pool.
    agent: false,
    host: plan.host,
    port: plan.port,
    method: req.method,
    path: plan.path,
    headers: upstreamRequestHeaders(req.rawHeaders, plan.hostHeader, plan.inject, true) as unknown as http.OutgoingHttpHeaders,
  };
  if (plan.secure) {
    if (!isIP(plan.host)) options.servername = plan.host; // no SNI for IP targets (RFC 6066)
    options.secureContext = upstream.trust;
  }
  const upReq = (plan.secure ? https : http).request(options);
  const timer = setTimeout(() => upReq.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), connectTimeoutMs);
  client.on('error', () => upReq.destroy());
  client.once('close', () => upReq.destroy());

  upReq.on('upgrade', (upRes, upSocket, upHead) => {
    clearTimeout(timer);
    client.write(rawResponseHead(upRes.statusCode ?? 101, upRes.statusMessage, keepUpgradeHeaders(upRes.rawHeaders)));
    if (upHead.length) client.write(upHead);
    if (head.length) upSocket.write(head);
    (upSocket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
    upSocket.on('error', () => client.destroy());
    client.on('error', () => upSocket.destroy());
    upSocket.pipe(client).on('close', () => upSocket.destroy());
    client.pipe(upSocket).on('close', () => client.destroy());
    done(upRes.statusCode ?? 101);
  });

  // The upstream answered without upgrading (401, 404…): relay that answer and close.
  upReq.on('response', (upRes) => {
    clearTimeout(timer);
    client.write(rawResponseHead(upRes.statusCode ?? 502, upRes.statusMessage, [...responseHeaders(upRes.rawHeaders), 'connection', 'close']));
    upRes.pipe(client);
    done(upRes.statusCode ?? 502);
  });

  upReq.on('error', (err) => {
    clearTimeout(timer);
    const failure = upstreamFailure(err, plan);
    writeRawError(client, failure.code, plan.mapping, failure.message, failure.status);
    done(failure.status, failure.code);
  });

  upReq.end();
}

/** A 101's headers minus framing fields, keeping Connection/Upgrade which define the switch. */
function keepUpgradeHeaders(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lower = (rawHeaders[i] as string).toLowerCase();
    if (lower === 'transfer-encoding' || lower === 'content-length' || lower === 'keep-alive') continue;
    out.push(rawHeaders[i] as string, rawHeaders[i + 1] as string);
  }
  return out;
}
