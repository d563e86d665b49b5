import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import type { GatewayErrorCode } from '../shared/gateway-errors.js';
import { sendError } from './error-responses.js';
import { guarded, INTERNAL_ERROR_MESSAGE } from './fault-isolation.js';
import type { GatewayState } from './gateway-state.js';
import { CLIENT_CREDENTIAL_HEADERS } from './header-rules.js';
import type { Injection } from './injection.js';
import { withQueryCredential } from './query-credential.js';
import { decodedBody } from './response-coding.js';
import { isTlsVerificationError } from './upstream.js';
import type { MaskingStream } from './value-mask.js';

/** Where a request goes and what it carries. */
export interface ForwardPlan {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** Origin-form path with query. */
  readonly path: string;
  /** The Host header the upstream sees. */
  readonly hostHeader: string;
  /** The credential to add (after every client-sent credential is dropped) and to mask on the way back. */
  readonly credential?: Injection | undefined;
  /** Mapping id for error bodies. */
  readonly mapping: string | null;
  /** Ask the client to open a new connection after this response (the tunnel's decision changed). */
  readonly closeAfter?: boolean;
  /** Without a credential, still drop the client's (the base-URL door's phantom key is ours). */
  readonly dropClientCredentials?: boolean;
  /** Plain HTTP for an allowlisted agent to a host name: refuse it if it resolves to this machine (egress.ts). */
  readonly guardLookup?: boolean;
}

/** Called once per request with the status the client got and, when we made it, our error code. */
export type ForwardDone = (status: number, error?: GatewayErrorCode) => void;

/** RFC 9110 §7.6.1 connection-specific fields, plus proxy credentials, never forwarded. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'upgrade']);
const HOP_BY_HOP_RESPONSE = new Set([...HOP_BY_HOP, 'transfer-encoding']);

function connectionListed(rawHeaders: readonly string[]): Set<string> | undefined {
  let listed: Set<string> | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === 'connection') {
      for (const token of (rawHeaders[i + 1] as string).split(',')) {
        const name = token.trim().toLowerCase();
        if (name && name !== 'close' && name !== 'keep-alive' && name !== 'upgrade') (listed ??= new Set()).add(name);
      }
    }
  }
  return listed;
}

/**
 * Request fields that would let a response slip past the scan on a mapped host: compression,
 * WebSocket extensions (compressed frames), and ranges (the agent asks for the echo in pieces
 * each shorter than the value, then puts them together).
 */
const SCAN_DEFEATING_HEADERS: ReadonlySet<string> = new Set(['accept-encoding', 'sec-websocket-extensions', 'range', 'if-range']);

/**
 * The upstream request's headers as a flat raw array (Node's fast path): Host first, no hop-by-hop
 * fields, and when injecting: no client credential of any kind, `Accept-Encoding: identity` (the
 * response is scanned for the value; docs/security.md) and none of SCAN_DEFEATING_HEADERS.
 */
export function upstreamRequestHeaders(
  rawHeaders: readonly string[],
  hostHeader: string,
  inject: Injection['headers'] | undefined,
  keepUpgrade = false,
  dropClientCredentials = false,
): string[] {
  const out: string[] = ['host', hostHeader];
  const listed = connectionListed(rawHeaders);
  const injectNames = inject && new Set(inject.map(([name]) => name));
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (lower === 'host') continue;
    if (HOP_BY_HOP.has(lower) && !(keepUpgrade && (lower === 'connection' || lower === 'upgrade'))) continue;
    if (listed?.has(lower)) continue;
    if (dropClientCredentials && CLIENT_CREDENTIAL_HEADERS.has(lower)) continue;
    if (injectNames && (CLIENT_CREDENTIAL_HEADERS.has(lower) || injectNames.has(lower) || SCAN_DEFEATING_HEADERS.has(lower))) continue;
    out.push(name, rawHeaders[i + 1] as string);
  }
  if (inject) {
    out.push('accept-encoding', 'identity');
    for (const [name, value] of inject) out.push(name, value);
  }
  return out;
}

export function responseHeaders(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  const listed = connectionListed(rawHeaders);
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const lower = (rawHeaders[i] as string).toLowerCase();
    if (HOP_BY_HOP_RESPONSE.has(lower) || listed?.has(lower)) continue;
    out.push(rawHeaders[i] as string, rawHeaders[i + 1] as string);
  }
  return out;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Retrying is safe only when nothing of the request has been sent on a socket that then proved dead. */
function retryable(req: IncomingMessage, err: NodeJS.ErrnoException, upReq: http.ClientRequest): boolean {
  return upReq.reusedSocket && err.code === 'ECONNRESET' && !hasBody(req) && ['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? '');
}

export function upstreamFailure(err: unknown, plan: ForwardPlan): { code: GatewayErrorCode; status: number; message: string } {
  const where = `${plan.host}:${plan.port}`;
  if ((err as NodeJS.ErrnoException).code === 'EGRESS_LOOPBACK') {
    return {
      code: 'egress_denied',
      status: 403,
      message: `${where} resolves to this machine, which an allowlisted agent reaches only through a listed loopback host (such as localhost:3000). Nothing was sent.`,
    };
  }
  if (isTlsVerificationError(err)) {
    return {
      code: 'upstream_tls',
      status: 502,
      message: `The certificate of ${where} is not trusted (${(err as NodeJS.ErrnoException).code}). If this host uses a private or corporate CA, give it to the gateway as its extra CA.`,
    };
  }
  const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
  const timeout = code === 'ETIMEDOUT';
  return {
    code: 'upstream_unreachable',
    status: timeout ? 504 : 502,
    message: `Could not reach ${where} (${code}). Check the host and your network.`,
  };
}

export const QUERY_FRAGMENT_MESSAGE = 'A request target with a "#" is never sent with a query-parameter credential: servers disagree on where its query ends.';

/** The path to send: with a query-shaped credential set in it, or undefined when it cannot carry one. */
export function credentialPath(path: string, credential: Injection | undefined): string | undefined {
  return credential?.query ? withQueryCredential(path, credential.query.param, credential.query.value) : path;
}

/** RFC 9110 §9.3.8: TRACE echoes the request, credential included. TRACK is IIS's copy of it. */
export function echoesRequest(method: string | undefined): boolean {
  return method === 'TRACE' || method === 'TRACK';
}

/** Sends a body through the masking scanner, keeping backpressure: nothing is buffered beyond a partial needle. */
export function pipeMasked(source: Readable, sink: NodeJS.WritableStream & { destroy(): void }, scanner: MaskingStream): void {
  const resume = () => source.resume();
  source.on('data', (chunk: Buffer) => {
    const out = scanner.push(chunk);
    if (out.length && !sink.write(out)) {
      source.pause();
      sink.once('drain', resume);
    }
  });
  source.once('end', () => {
    const rest = scanner.end();
    if (rest.length) sink.end(rest);
    else sink.end();
  });
}

/** Streams one request to its upstream and the response back, both ways without buffering. */
export function forwardRequest(state: GatewayState, req: IncomingMessage, res: ServerResponse, plan: ForwardPlan, done: ForwardDone, attempt = 0): void {
  const { upstream, timeouts, log } = state;
  const credential = plan.credential;
  const mask = credential?.mask;
  if (credential && echoesRequest(req.method)) {
    sendError(res, 'method_not_allowed', plan.mapping, `${req.method} to a mapped host would echo the credential back; it is never forwarded.`);
    return done(405, 'method_not_allowed');
  }
  if (credential && plan.path.startsWith('//')) {
    sendError(res, 'bad_request', plan.mapping, 'A path that starts with // names another host to many servers; it is never sent with a credential.');
    return done(400, 'bad_request');
  }
  const path = credentialPath(plan.path, credential);
  if (path === undefined) {
    sendError(res, 'bad_request', plan.mapping, QUERY_FRAGMENT_MESSAGE);
    return done(400, 'bad_request');
  }
  const options: https.RequestOptions = {
    agent: plan.secure ? upstream.httpsAgent : plan.guardLookup ? upstream.guardedHttpAgent : upstream.httpAgent,
    host: plan.host,
    port: plan.port,
    method: req.method,
    path,
    headers: upstreamRequestHeaders(
      req.rawHeaders,
      plan.hostHeader,
      credential?.headers,
      false,
      plan.dropClientCredentials,
    ) as unknown as http.OutgoingHttpHeaders,
  };
  // SNI is a host name; for IP targets it is left out (RFC 6066).
  if (plan.secure && !isIP(plan.host)) options.servername = plan.host;
  const upReq = (plan.secure ? https : http).request(options);
  let finished = false;
  let responded = false;
  const finish: ForwardDone = (status, error) => {
    if (finished) return;
    finished = true;
    done(status, error);
  };
  const fault = () => {
    upReq.destroy();
    if (res.headersSent) res.destroy();
    else sendError(res, 'internal_error', plan.mapping, INTERNAL_ERROR_MESSAGE);
    finish(500, 'internal_error');
  };

  upReq.on('socket', (socket) => {
    socket.setNoDelay(true);
    if (!(socket as { connecting?: boolean }).connecting) return;
    const timer = setTimeout(() => upReq.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), timeouts.upstreamConnectMs);
    socket.once(plan.secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });

  upReq.on(
    'response',
    guarded(log, fault, (upRes: IncomingMessage) => {
      responded = true;
      const status = upRes.statusCode ?? 502;
      let headers = responseHeaders(upRes.rawHeaders);
      let body: Readable = upRes;
      let statusMessage = upRes.statusMessage;
      if (mask) {
        const decoded = decodedBody(upRes, headers, req.method === 'HEAD' || status === 204 || status === 304);
        if (!decoded.ok) {
          upRes.destroy();
          log.warn({ mapping: plan.mapping, encoding: decoded.encoding }, 'refused: a response the gateway cannot scan for the credential');
          sendError(
            res,
            'unscannable_response',
            plan.mapping,
            `${plan.host} answered with Content-Encoding "${decoded.encoding}", which the gateway cannot check for the credential, so the answer was withheld.`,
          );
          return finish(502, 'unscannable_response');
        }
        body = decoded.body;
        headers = mask.maskHeaders(decoded.headers);
        if (statusMessage) statusMessage = mask.maskText(statusMessage);
      }
      if (plan.closeAfter) headers.push('connection', 'close');
      res.writeHead(status, statusMessage, headers as unknown as http.OutgoingHttpHeaders);
      // Streams (SSE) have no length: send the headers now rather than with the first event.
      if (body !== upRes || upRes.headers['content-length'] === undefined) res.flushHeaders();
      if (mask) pipeMasked(body, res, mask.stream());
      else body.pipe(res);
      body.on('error', () => res.destroy());
      if (body !== upRes) upRes.on('error', () => res.destroy());
      res.once('finish', () => finish(status));
    }),
  );

  // A 101 nobody asked for: Node drops the socket and reports neither a response nor an error.
  upReq.on('upgrade', (_upRes, socket) => {
    socket.destroy();
    upReq.destroy(Object.assign(new Error('unexpected 101 Switching Protocols'), { code: 'EPROTO' }));
  });
  // Closed before any answer or error (a hostile upstream): the agent must not wait forever.
  upReq.once('close', () => {
    if (finished || res.headersSent || responded) return;
    const failure = upstreamFailure(Object.assign(new Error('closed without an answer'), { code: 'ECONNRESET' }), plan);
    sendError(res, failure.code, plan.mapping, failure.message, { status: failure.status });
    finish(failure.status, failure.code);
  });

  upReq.on('error', (err: NodeJS.ErrnoException) => {
    if (!res.headersSent && attempt === 0 && retryable(req, err, upReq)) {
      forwardRequest(state, req, res, plan, done, 1);
      finished = true;
      return;
    }
    if (res.headersSent) {
      res.destroy();
      finish(res.statusCode, 'upstream_unreachable');
      return;
    }
    const failure = upstreamFailure(err, plan);
    sendError(res, failure.code, plan.mapping, failure.message, { status: failure.status });
    finish(failure.status, failure.code);
  });

  // The client went away: stop the upstream work it asked for.
  res.once('close', () => {
    if (!res.writableFinished) {
      upReq.destroy();
      finish(499);
    }
  });

  if (hasBody(req)) req.pipe(upReq);
  else upReq.end();
}
