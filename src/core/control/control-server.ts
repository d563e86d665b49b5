import { createHash, timingSafeEqual } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { ControlErrorCode, ControlEvent, ControlFailure } from '../../shared/control-api.js';
import { ControlError } from '../control-error.js';
import { toControlError } from './to-control-error.js';
import type { LauncherCore } from '../launcher-core.js';
import { SESSION_COOKIE, SESSION_COOKIE_MAX_AGE_S } from './browser-sessions.js';
import { invoke, UNEXPECTED_FAILURE } from './invoke.js';
import { serveStatic } from './static-files.js';

const STATUS_FOR: Partial<Record<ControlErrorCode, number>> = {
  invalid_params: 400,
  unauthorized: 401,
  not_found: 404,
  unknown_method: 404,
  conflict: 409,
  no_keychain: 503,
  internal: 500,
  bad_reference: 422,
  auth_required: 424,
  rate_limited: 429,
  unavailable: 503,
};
const MAX_BODY_BYTES = 256 * 1024;
/** Also how soon a browser's event stream notices that its session ended. */
const HEARTBEAT_MS = 15_000;

const digest = (s: string) => createHash('sha256').update(s).digest();

export interface ControlServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    })
    .end(json);
}

function fail(res: ServerResponse, code: ControlErrorCode, message: string, status = STATUS_FOR[code] ?? 400): void {
  answerFailure(res, { code, message }, status);
}

function answerFailure(res: ServerResponse, error: ControlFailure, status = STATUS_FOR[error.code] ?? 400): void {
  if (res.headersSent) return void res.destroy();
  send(res, status, { error });
}

/** A body over the limit: answered 413 and the connection closed, so the rest is never read. */
class BodyTooLarge extends ControlError {
  constructor() {
    super('invalid_params', `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`);
  }
}

/** The body as JSON; `{}` when empty. Stops reading (and never buffers) past the limit. */
function readJson(req: IncomingMessage): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        req.pause();
        return reject(new BodyTooLarge());
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('error', () => reject(new ControlError('invalid_params', 'The request body ended early.')));
    req.once('end', () => {
      if (size > MAX_BODY_BYTES) return;
      if (size === 0) return resolve({});
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new ControlError('invalid_params', 'The request body is not JSON.'));
      }
    });
  });
}

/** What the UI sends to trade its one-time code for a session. */
const SessionRequest = z.object({ code: z.string().min(1).max(200) });

/**
 * The control API over HTTP + SSE on 127.0.0.1: `POST /api/call/<method>` with JSON params,
 * `GET /api/events` for live events. A bearer token (constant-time compare), a Host check
 * against DNS rebinding, and no CORS: a web page can neither read nor forge a call.
 */
export interface ControlServerOptions {
  readonly port: number;
  /** The bearer token CLI commands present. */
  readonly token: string;
  /** The built renderer, served at `/` (headless UI). */
  readonly staticDir?: string | undefined;
  readonly log: { warn(o: object, m?: string): void; error(o: object, m?: string): void };
  /** How often an event stream gets a keep-alive, and a browser's is checked for an ended session. */
  readonly heartbeatMs?: number;
}

export async function serveControlApi(core: LauncherCore, opts: ControlServerOptions): Promise<ControlServer> {
  const expected = digest(opts.token);
  let allowedHosts: ReadonlySet<string> = new Set();
  let allowedOrigins: ReadonlySet<string> = new Set();
  /** A CLI's bearer token, or a browser's session cookie from a page of our own origin. */
  const authorized = (req: IncomingMessage): 'cli' | 'browser' | undefined => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    if (m?.[1] !== undefined) return timingSafeEqual(digest(m[1]), expected) ? 'cli' : undefined;
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) return undefined;
    return core.browserSessions.isSession(req.headers.cookie) ? 'browser' : undefined;
  };
  const server = http.createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (err instanceof BodyTooLarge) {
        res.setHeader('connection', 'close');
        return fail(res, err.code, err.message, 413);
      }
      const known = toControlError(err);
      if (known) return fail(res, known.code, known.message);
      logUnexpected(err);
      fail(res, 'internal', UNEXPECTED_FAILURE);
    });
  });

  const logUnexpected = (err: unknown) =>
    opts.log.error(
      // The err serializer keeps code + message, redacted before it is cut.
      { kind: err instanceof Error ? err.name : typeof err, err },
      'control call failed',
    );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends its own Host.
    if (!allowedHosts.has(req.headers.host ?? ''))
      return fail(res, 'unauthorized', 'Wrong Host header: the control API answers only to 127.0.0.1 and localhost.');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://x');
    } catch {
      return fail(res, 'invalid_params', 'The request target is not a path.');
    }
    if (url.pathname === '/api/health') return send(res, 200, { ok: true });
    if (url.pathname === '/api/session' && req.method === 'POST') return startSession(req, res);
    if (!url.pathname.startsWith('/api/')) {
      if (req.method === 'GET' && opts.staticDir && (await serveStatic(opts.staticDir, url.pathname, res))) return;
      return fail(res, 'not_found', 'Unknown path.');
    }
    const caller = authorized(req);
    if (!caller) return fail(res, 'unauthorized', 'Missing or wrong control token.');
    if (url.pathname === '/api/events' && req.method === 'GET') return streamEvents(req, res, caller);
    const m = /^\/api\/call\/([a-zA-Z.]+)$/.exec(url.pathname);
    if (!m || req.method !== 'POST') return fail(res, 'not_found', 'Use POST /api/call/<method> or GET /api/events.');
    if (!(req.headers['content-type'] ?? '').startsWith('application/json') && req.headers['content-length'] !== '0') {
      // A form post from a page cannot set this header without a CORS preflight we never answer.
      return fail(res, 'invalid_params', 'Send params as application/json.');
    }
    const outcome = await invoke(core, m[1] ?? '', await readJson(req), caller);
    if (outcome.ok) return send(res, 200, { result: outcome.result });
    if ('unexpected' in outcome) logUnexpected(outcome.unexpected);
    answerFailure(res, outcome.error);
  }

  /** The UI trades the one-time code from its URL fragment for an HttpOnly session cookie. */
  async function startSession(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) return fail(res, 'unauthorized', 'Wrong origin.');
    const body = SessionRequest.safeParse(await readJson(req));
    if (!body.success)
      return fail(res, 'invalid_params', 'Send {"code": "<the code after #login= in the sign-in link>"} as JSON; onecli-launcher ui prints a link.');
    const session = core.browserSessions.redeem(body.data.code);
    if (!session) return fail(res, 'unauthorized', 'This sign-in link was used or has expired: run onecli-launcher ui for a new one.');
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_COOKIE_MAX_AGE_S}`);
    send(res, 200, { ok: true });
  }

  function streamEvents(req: IncomingMessage, res: ServerResponse, caller: 'cli' | 'browser'): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const write = (event: ControlEvent) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    write({ type: 'status', status: core.status() });
    core.events.on('event', write);
    const stop = () => {
      clearInterval(heartbeat);
      core.events.off('event', write);
    };
    // A browser's stream ends with its session: the page reconnects, gets 401, and signs in again.
    const heartbeat = setInterval(() => {
      if (caller === 'cli' || core.browserSessions.isLive(req.headers.cookie)) return void res.write(': keep-alive\n\n');
      stop();
      res.end();
    }, opts.heartbeatMs ?? HEARTBEAT_MS);
    req.once('close', stop);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([...allowedHosts].map((h) => `http://${h}`));
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
