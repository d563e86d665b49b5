import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import type { GatewayErrorCode } from '../shared/gateway-errors.js';
import { sendError } from './error-responses.js';
import { guarded, INTERNAL_ERROR_MESSAGE } from './fault-isolation.js';
import type { GatewayState } from './gateway-state.js';
import type { Injection } from './injection.js';
import { withQueryCredential } from './query-credential.js';
import { decodedBody } from './response-coding.js';
import { upstreamFailure } from './upstream.js';
import { hasBody, responseHeaders, upstreamRequestHeaders } from './upstream-fields.js';
import { pipeMasked } from './value-mask.js';

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

/** Retrying is safe only when nothing of the request has been sent on a socket that then proved dead. */
function retryable(req: IncomingMessage, err: NodeJS.ErrnoException, upReq: http.ClientRequest): boolean {
  return upReq.reusedSocket && err.code === 'ECONNRESET' && !hasBody(req) && ['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? '');
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
        const codings = { contentEncoding: upRes.headers['content-encoding'], transferEncoding: upRes.headers['transfer-encoding'] };
        const decoded = decodedBody(upRes, codings, headers, req.method === 'HEAD' || status === 204 || status === 304);
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
