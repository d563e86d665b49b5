/**
 * The upstream leg of a forwarded request (issue 18). By default undici's dispatch API: a
 * keep-alive pool per origin, its llhttp parser, the response head as raw buffers and body
 * chunks handed straight to the relay, none of node:http's per-request ClientRequest,
 * IncomingMessage and agent bookkeeping (docs/performance.md has the profiles and figures).
 *
 * node:http still carries what undici's HTTP/1.1 client cannot (nodeHttpOnly): a request with
 * `Expect` (undici refuses the field and reads no 100 Continue), `OPTIONS *` (undici writes no
 * asterisk-form target), and, sent again once, a body-less GET, HEAD or OPTIONS whose upstream
 * answered 100 Continue unasked, where undici drops the connection (RFC 9110 §15.2 has clients
 * read 1xx answers they did not expect). The bench's A/B sends every request through it
 * (ONECLI_BENCH_UPSTREAM_LEG=node-http, `--scenario upstream-leg`).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Dispatcher } from 'undici';
import type { ForwardDone, ForwardPlan } from './forward.js';
import type { GatewayState } from './gateway-state.js';
import { RelayToClient } from './relay-to-client.js';
import type { ReuseAware } from './upstream.js';
import { hasBody, upstreamRequestHeaders } from './upstream-fields.js';

interface Attempt {
  readonly state: GatewayState;
  readonly req: IncomingMessage;
  readonly plan: ForwardPlan;
  /** With the credential set in it already (credentialPath). */
  readonly path: string;
  readonly relay: RelayToClient;
  /** 0, or 1 for the one time a request is sent again. */
  readonly attempt: number;
}

/** Methods Node's agent retries too: safe to send again when nothing came back. */
const RETRY_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** May this request be sent again? Only once, and only when it carries nothing a first try could have used up. */
function replayable(a: Attempt): boolean {
  return a.attempt === 0 && !hasBody(a.req) && RETRY_METHODS.has(a.req.method ?? '');
}

const again = (a: Attempt, leg: (a: Attempt) => void) => leg({ ...a, attempt: a.attempt + 1 });

/**
 * Legitimate requests undici's HTTP/1.1 client refuses to write, which node:http (the leg before
 * it) sends as they came: one with `Expect`, and an asterisk-form target, which the tunnel door
 * lets through for OPTIONS only (RFC 9112 §3.2.4; undici takes a path that starts with `/` or a
 * URL, and would refuse `*` as UND_ERR_INVALID_ARG: a 500).
 */
function nodeHttpOnly(req: IncomingMessage, path: string): boolean {
  return req.headers.expect !== undefined || path === '*';
}

/** Streams one request to its upstream and the response back to `res`, both ways without buffering. */
export function sendUpstream(state: GatewayState, req: IncomingMessage, res: ServerResponse, plan: ForwardPlan, path: string, done: ForwardDone): void {
  const relay = new RelayToClient(state, req, res, plan, done);
  if (relay.over) return;
  // A request body's buffers are garbage too, with a length or chunked: counted as they arrive (a
  // length alone, never sent, buys no collection), from when the leg starts reading.
  if (hasBody(req)) state.reclaim.countWhenRead(req);
  const leg = state.upstreamLeg === 'node-http' || nodeHttpOnly(req, path) ? viaNodeHttp : viaUndici;
  leg({ state, req, plan, path, relay, attempt: 0 });
}

/** undici's errors in the codes upstreamFailure and the logs already speak (Node's), so agents read the same messages. */
function nodeCode(err: Error & { code?: string }): string | undefined {
  switch (err.code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'ETIMEDOUT';
    case 'UND_ERR_SOCKET':
      // 'bad upgrade': a 101 nobody asked for; 'bad response': a 1xx undici does not read.
      return err.message.startsWith('bad ') ? 'EPROTO' : 'ECONNRESET';
    case 'UND_ERR_HEADERS_OVERFLOW':
      return 'HPE_HEADER_OVERFLOW';
    case 'UND_ERR_CLOSED':
    case 'UND_ERR_DESTROYED':
      return 'ECONNRESET';
    default:
      return err.code;
  }
}

/**
 * undici refused our own request before sending it (a field or path it will not write): a fault,
 * as node:http's throw was. What a client can send never gets here: Node's parser refuses the
 * fields and targets undici would (a 400), `Expect` and `*` take node:http (nodeHttpOnly), and
 * the fields undici writes itself are left out (upstream-fields.ts); fuzz.test.ts asserts it.
 */
const REFUSED_BEFORE_SENDING: ReadonlySet<string | undefined> = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/**
 * undici's (legacy, raw-header) handler interface: `onHeaders` gets the head as Buffers with no
 * header object built, where the newer `onResponseStart` would have undici parse them into one.
 */
class UndiciAttempt implements Dispatcher.DispatchHandler, ReuseAware {
  reusedConnection?: boolean;

  constructor(private readonly a: Attempt) {}

  onConnect(abort: (err?: Error) => void): void {
    this.a.relay.attach(abort);
  }

  onHeaders(status: number, rawHeaders: Buffer[], resume: () => void, statusText: string): boolean {
    // 1xx answers (103 Early Hints) are the upstream's to us, never relayed.
    if (status < 200) return true;
    const raw = new Array<string>(rawHeaders.length);
    for (let i = 0; i < rawHeaders.length; i++) raw[i] = (rawHeaders[i] as Buffer).toString('latin1');
    // undici decodes the reason phrase as UTF-8; one node:http would refuse to write is left out.
    const reason = /[^\t\x20-\x7e\x80-\xff]/.test(statusText) ? undefined : statusText;
    return this.a.relay.head(status, raw, reason, resume);
  }

  onData(chunk: Buffer): boolean {
    return this.a.relay.data(chunk);
  }

  onComplete(): void {
    this.a.relay.end();
  }

  onError(err: Error & { code?: string }): void {
    const { relay } = this.a;
    if (relay.over) return;
    if (!relay.started) {
      if (REFUSED_BEFORE_SENDING.has(err.code)) return relay.fault(err);
      const code = nodeCode(err);
      if (replayable(this.a) && code === 'EPROTO' && err.message === 'bad response') return again(this.a, viaNodeHttp);
      // A pooled connection the upstream had closed: nothing of the request can have been used.
      if (replayable(this.a) && code === 'ECONNRESET' && this.reusedConnection) return again(this.a, viaUndici);
      return relay.failed(Object.assign(err, { code }));
    }
    relay.failed(err);
  }
}

function viaUndici(a: Attempt): void {
  const { state, req, plan } = a;
  const host = plan.host.includes(':') ? `[${plan.host}]` : plan.host;
  const dispatcher = plan.secure ? state.upstream.https : plan.guardLookup ? state.upstream.guardedHttp : state.upstream.http;
  dispatcher.dispatch(
    {
      origin: `${plan.secure ? 'https' : 'http'}://${host}:${plan.port}`,
      path: a.path,
      method: req.method ?? 'GET',
      headers: upstreamRequestHeaders(req.rawHeaders, plan.hostHeader, plan.credential?.headers, false, plan.dropClientCredentials, true),
      body: hasBody(req) ? req : null,
    },
    new UndiciAttempt(a),
  );
}

function viaNodeHttp(a: Attempt): void {
  const { state, req, plan, relay } = a;
  const { upstream, timeouts } = state;
  const options: https.RequestOptions = {
    agent: plan.secure ? upstream.httpsAgent : plan.guardLookup ? upstream.guardedHttpAgent : upstream.httpAgent,
    host: plan.host,
    port: plan.port,
    method: req.method,
    path: a.path,
    headers: upstreamRequestHeaders(
      req.rawHeaders,
      plan.hostHeader,
      plan.credential?.headers,
      false,
      plan.dropClientCredentials,
    ) as unknown as http.OutgoingHttpHeaders,
  };
  // SNI is a host name; for IP targets it is left out (RFC 6066).
  if (plan.secure && !isIP(plan.host)) options.servername = plan.host;
  const upReq = (plan.secure ? https : http).request(options);
  relay.attach((err) => upReq.destroy(err));
  let retried = false;

  upReq.on('socket', (socket) => {
    socket.setNoDelay(true);
    if (!(socket as { connecting?: boolean }).connecting) return;
    const timer = setTimeout(() => upReq.destroy(Object.assign(new Error('connect timeout'), { code: 'ETIMEDOUT' })), timeouts.upstreamConnectMs);
    socket.once(plan.secure ? 'secureConnect' : 'connect', () => clearTimeout(timer));
    socket.once('close', () => clearTimeout(timer));
  });
  upReq.on('response', (upRes: IncomingMessage) => {
    const resume = () => upRes.resume();
    relay.head(upRes.statusCode ?? 502, upRes.rawHeaders, upRes.statusMessage, resume);
    upRes.on('data', (chunk: Buffer) => {
      if (!relay.data(chunk)) upRes.pause();
    });
    upRes.once('end', () => relay.end());
    upRes.on('error', (err) => relay.failed(err));
  });
  // A 101 nobody asked for: Node drops the socket and reports neither a response nor an error.
  upReq.on('upgrade', (_upRes, socket) => {
    socket.destroy();
    upReq.destroy(Object.assign(new Error('unexpected 101 Switching Protocols'), { code: 'EPROTO' }));
  });
  // Closed before any answer or error (a hostile upstream): the agent must not wait forever.
  upReq.once('close', () => {
    if (!retried && !relay.started) relay.failed(Object.assign(new Error('closed without an answer'), { code: 'ECONNRESET' }));
  });
  upReq.on('error', (err: NodeJS.ErrnoException) => {
    if (!relay.started && !relay.over && upReq.reusedSocket && err.code === 'ECONNRESET' && replayable(a)) {
      retried = true;
      return again(a, viaNodeHttp);
    }
    relay.failed(err);
  });

  if (hasBody(req)) req.pipe(upReq);
  else upReq.end();
}
