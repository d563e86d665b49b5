import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { GatewayErrorCode } from '../shared/gateway-errors.js';
import { sendError } from './error-responses.js';
import { CLIENT_CREDENTIAL_HEADERS } from './header-rules.js';
import { isTlsVerificationError, type Upstream } from './upstream.js';

/** Where a request goes and what it carries. */
export interface ForwardPlan {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** Origin-form path with query. */
  readonly path: string;
  /** The Host header the upstream sees. */
  readonly hostHeader: string;
  /** Header to add, after every client-sent credential header is dropped. */
  readonly inject?: readonly [string, string] | undefined;
  /** Mapping id for error bodies. */
  readonly mapping: string | null;
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
 * The upstream request's headers as a flat raw array (Node's fast path): Host first, no hop-by-hop
 * fields, and when injecting, no client credential of any kind.
 */
export function upstreamRequestHeaders(rawHeaders: readonly string[], hostHeader: string, inject: readonly [string, string] | undefined, keepUpgrade = false): string[] {
  const out: string[] = ['host', hostHeader];
  const listed = connectionListed(rawHeaders);
  const injectName = inject?.[0];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    const lower = name.toLowerCase();
    if (lower === 'host') continue;
    if (HOP_BY_HOP.has(lower) && !(keepUpgrade && (lower === 'connection' || lower === 'upgrade'))) continue;
    if (listed?.has(lower)) continue;
    if (inject && (CLIENT_CREDENTIAL_HEADERS.has(lower) || lower === injectName)) continue;
    out.push(name, rawHeaders[i + 1] as string);
  }
  if (inject) out.push(inject[0], inject[1]);
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

/** Streams one request to its upstream and the response back, both ways without buffering. */
export function forwardRequest(req: IncomingMessage, res: ServerResponse, plan: ForwardPlan, upstream: Upstream, connectTimeoutMs: number, done: ForwardDone, attempt = 0): void {
  const options: https.RequestOptions = {
    agent: plan.secure ? upstream.httpsAgent : upstream.httpAgent,
    host: plan.host,
    port: plan.port,
    method: req.method,
    path: plan.path,
    headers: upstreamRequestHeaders(req.rawHeaders, plan.hostHeader, plan.inject) as unknown as http.OutgoingHttpHeaders,
  };
  // SNI is a host name; for IP targets it is left out (RFC 6066).
  if (plan.secure && !isIP(plan.host)) options.servername = plan.host;
  const upReq = (plan.secure ? https : http).request(options);
  let finished = false;
  const finish: ForwardDone = (status, error) => {
    if (finished) return;
    finished = true;
    done(status, error);
  };

  upReq.on('socket', (socket) => {
    socket.setNoDelay(true);
    if (!(socket as { connecting?: boolean }).connecting) return;
    const timer = setTimeout(() => upReq.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), connectTimeoutMs);
    socket.once(plan.secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });

  upReq.on('response', (upRes) => {
    const headers = responseHeaders(upRes.rawHeaders);
    res.writeHead(upRes.statusCode ?? 502, upRes.statusMessage, headers as unknown as http.OutgoingHttpHeaders);
    // Streams (SSE) have no length: send the headers now rather than with the first event.
    if (upRes.headers['content-length'] === undefined) res.flushHeaders();
    upRes.pipe(res);
    upRes.on('error', () => res.destroy());
    res.once('finish', () => finish(upRes.statusCode ?? 502));
  });

  upReq.on('error', (err: NodeJS.ErrnoException) => {
    if (!res.headersSent && attempt === 0 && retryable(req, err, upReq)) {
      forwardRequest(req, res, plan, upstream, connectTimeoutMs, done, 1);
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
