import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import { lookupRefusingThisMachine } from './egress.js';
import { writeRawError } from './error-responses.js';
import { failSocket, guarded } from './fault-isolation.js';
import { credentialPath, echoesRequest, type ForwardDone, type ForwardPlan } from './forward.js';
import type { GatewayState } from './gateway-state.js';
import { FRAGMENT_MESSAGE } from './request-target.js';
import { decodedBody } from './response-coding.js';
import { upstreamFailure } from './upstream.js';
import { responseHeaders, upstreamRequestHeaders } from './upstream-fields.js';
import { pipeMasked } from './value-mask.js';
import { WebSocketFrameScanner } from './websocket-mask.js';

function rawResponseHead(status: number, message: string | undefined, headers: readonly string[]): string {
  let head = `HTTP/1.1 ${status} ${message ?? ''}\r\n`;
  for (let i = 0; i < headers.length; i += 2) head += `${headers[i]}: ${headers[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/**
 * Forwards an HTTP upgrade (WebSocket) with the credential injected, then splices the two
 * sockets. Agents such as Codex open a WebSocket first, so this is a main path, not a nicety.
 * On a mapped host the upstream's bytes are scanned for the value for the life of the socket:
 * extensions are not offered (no compressed frames), and server frames are unmasked by the
 * protocol, so a same-length mask keeps every frame valid.
 */
export function forwardUpgrade(state: GatewayState, req: IncomingMessage, client: Duplex, head: Buffer, plan: ForwardPlan, done: ForwardDone): void {
  const { upstream, timeouts, log } = state;
  const credential = plan.credential;
  // The agent left while the request waited (an approval, a 1Password resolve): its 'close' has
  // been, so nothing would end an upstream WebSocket opened for it now.
  if (client.destroyed) return done(499);
  if (credential && echoesRequest(req.method)) {
    writeRawError(client, 'method_not_allowed', plan.mapping, `${req.method} to a mapped host would echo the credential back; it is never forwarded.`);
    return done(405, 'method_not_allowed');
  }
  const path = credentialPath(plan.path, credential);
  if (path === undefined) {
    writeRawError(client, 'bad_request', plan.mapping, FRAGMENT_MESSAGE);
    return done(400, 'bad_request');
  }
  const options: https.RequestOptions & ConnectionOptions = {
    // An upgraded connection is never returned to a pool.
    agent: false,
    host: plan.host,
    port: plan.port,
    method: req.method,
    path,
    headers: upstreamRequestHeaders(
      req.rawHeaders,
      plan.hostHeader,
      credential?.headers,
      true,
      plan.dropClientCredentials,
    ) as unknown as http.OutgoingHttpHeaders,
  };
  if (plan.guardLookup) options.lookup = lookupRefusingThisMachine;
  if (plan.secure) {
    if (!isIP(plan.host)) options.servername = plan.host; // no SNI for IP targets (RFC 6066)
    options.secureContext = upstream.trust;
  }
  const upReq = (plan.secure ? https : http).request(options);
  const timer = setTimeout(() => upReq.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), timeouts.upstreamConnectMs);
  client.on('error', () => upReq.destroy());
  client.once('close', () => upReq.destroy());
  const fault = () => {
    upReq.destroy();
    failSocket(client);
    done(500, 'internal_error');
  };
  const valueMask = credential?.mask;
  const mask = (headers: string[]) => (valueMask ? valueMask.maskHeaders(headers) : headers);
  const maskText = (text: string | undefined) => (valueMask && text ? valueMask.maskText(text) : text);

  upReq.on(
    'upgrade',
    guarded(log, fault, (upRes: IncomingMessage, upSocket: Duplex, upHead: Buffer) => {
      clearTimeout(timer);
      upSocket.on('error', () => client.destroy());
      if (valueMask) {
        // Only a plain WebSocket can be scanned: no extensions (compressed frames), no other protocol.
        const unscannable = !/^websocket$/i.test(String(upRes.headers.upgrade ?? '').trim())
          ? `an upgrade to "${String(upRes.headers.upgrade ?? '').slice(0, 40)}"`
          : upRes.headers['sec-websocket-extensions'] !== undefined
            ? 'WebSocket extensions it was not offered'
            : undefined;
        if (unscannable) {
          upSocket.destroy();
          log.warn({ mapping: plan.mapping }, 'refused: an upgrade the gateway cannot scan for the credential');
          writeRawError(
            client,
            'unscannable_response',
            plan.mapping,
            `${plan.host} answered with ${unscannable}, which the gateway cannot check for the credential, so the connection was closed.`,
          );
          return done(502, 'unscannable_response');
        }
      }
      client.write(rawResponseHead(upRes.statusCode ?? 101, maskText(upRes.statusMessage), mask(keepUpgradeHeaders(upRes.rawHeaders))));
      if (head.length) upSocket.write(head);
      (upSocket as { setNoDelay?: (b: boolean) => void }).setNoDelay?.(true);
      client.on('error', () => upSocket.destroy());
      if (valueMask) {
        relayScannedFrames(upSocket, upHead, client, new WebSocketFrameScanner(valueMask), (reason) =>
          log.warn({ mapping: plan.mapping, reason }, 'closed a WebSocket the gateway cannot scan'),
        );
      } else {
        if (upHead.length) client.write(upHead);
        upSocket.pipe(client).on('close', () => upSocket.destroy());
      }
      client.pipe(upSocket).on('close', () => client.destroy());
      // After the pipes (and the frame scanner's listener): counting must not start a stream early.
      state.reclaim.count(upSocket);
      state.reclaim.count(client);
      done(upRes.statusCode ?? 101);
    }),
  );

  // The upstream answered without upgrading (401, 404…): relay that answer and close.
  upReq.on(
    'response',
    guarded(log, fault, (upRes: IncomingMessage) => {
      clearTimeout(timer);
      const status = upRes.statusCode ?? 502;
      let headers = responseHeaders(upRes.rawHeaders);
      let body: Readable = upRes;
      if (valueMask) {
        const codings = { contentEncoding: upRes.headers['content-encoding'], transferEncoding: upRes.headers['transfer-encoding'] };
        const decoded = decodedBody(upRes, codings, headers, status === 204 || status === 304);
        if (!decoded.ok) {
          upRes.destroy();
          writeRawError(
            client,
            'unscannable_response',
            plan.mapping,
            `${plan.host} answered with Content-Encoding "${decoded.encoding}", which the gateway cannot check for the credential, so the answer was withheld.`,
          );
          return done(502, 'unscannable_response');
        }
        // A decoded body has no Content-Length: the closing connection ends it.
        headers = decoded.headers;
        body = decoded.body;
      }
      client.write(rawResponseHead(status, maskText(upRes.statusMessage), [...mask(headers), 'connection', 'close']));
      body.on('error', () => client.destroy());
      if (valueMask) pipeMasked(body, client, valueMask.stream());
      else body.pipe(client);
      done(status);
    }),
  );

  upReq.on('error', (err) => {
    clearTimeout(timer);
    const failure = upstreamFailure(err, plan);
    writeRawError(client, failure.code, plan.mapping, failure.message, failure.status);
    done(failure.status, failure.code);
  });

  upReq.end();
}

/** upstream → client through the frame scanner, with backpressure; a violation closes both sides. */
function relayScannedFrames(upSocket: Duplex, upHead: Buffer, client: Duplex, scanner: WebSocketFrameScanner, refused: (reason: string) => void): void {
  const feed = (chunk: Buffer) => {
    const r = scanner.push(chunk);
    if (!r.ok) {
      refused(r.reason);
      upSocket.destroy();
      client.destroy();
      return;
    }
    if (r.out.length && !client.write(r.out)) {
      upSocket.pause();
      client.once('drain', () => upSocket.resume());
    }
  };
  if (upHead.length) feed(upHead);
  upSocket.on('data', feed);
  upSocket.once('end', () => client.end());
  upSocket.once('close', () => client.destroy());
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
