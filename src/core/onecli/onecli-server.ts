import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GATEWAY_SECRET_HEADER, ONECLI_OPERATIONS, ONECLI_ROUTE_PREFIX, type OnecliOperation } from '../../shared/onecli-compat.js';
import type { CoreLogger } from '../core-deps.js';
import { NOT_FOUND, TOO_LARGE, UNAUTHORIZED, UNEXPECTED, type DoorAnswer } from './onecli-answers.js';

/**
 * The door's limits. Upstream's gateway sends a few hundred bytes of JSON, answers within 15 s,
 * and keeps a small pool of keep-alive connections (reqwest's, one per concurrent call), so
 * anything far past these is not OneCLI.
 */
export const DOOR_LIMITS = {
  bodyBytes: 16 * 1024,
  /** Request line and headers together (Node answers 431 past it). */
  headerBytes: 16 * 1024,
  headersMs: 10_000,
  /** The whole request, body included (Node answers 408 past it). */
  requestMs: 10_000,
  keepAliveMs: 5_000,
  /** A connection that sends nothing at all for this long is closed. */
  idleMs: 30_000,
  /**
   * Open connections at once; more are closed as they arrive. Upstream's gateway reads a refused
   * connection as an outage (a 60 s cooldown), so this is well above what one OneCLI opens, and far
   * below what would hurt the launcher.
   */
  connections: 32,
  headersCount: 64,
};
export type DoorLimits = typeof DOOR_LIMITS;

/** How often refused secrets are reported: a flood of guesses must not flood the log. */
const REFUSAL_LOG_EVERY_MS = 60_000;

export interface DoorServerOptions {
  readonly host: string;
  readonly port: number;
  /** Constant time, over digests (gateway-secret.ts). */
  readonly secretMatches: (given: string | undefined) => boolean;
  readonly answer: (operation: OnecliOperation, body: unknown) => Promise<DoorAnswer>;
  readonly log: CoreLogger;
  readonly limits?: Partial<DoorLimits>;
  readonly now?: () => number;
}

export interface DoorServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

const OPERATIONS: ReadonlyMap<string, OnecliOperation> = new Map(ONECLI_OPERATIONS.map((op) => [`${ONECLI_ROUTE_PREFIX}${op}`, op]));

/** Exactly `POST /v1/internal/onepassword/<operation>`: the path as sent, no decoding, no dot segments, no trailing slash; a query is ignored (upstream's router ignores it). */
function operationOf(req: IncomingMessage): OnecliOperation | undefined {
  if (req.method !== 'POST') return undefined;
  const target = req.url ?? '';
  const q = target.indexOf('?');
  return OPERATIONS.get(q === -1 ? target : target.slice(0, q));
}

type Body = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly tooLarge: boolean };

/** The body as text, never buffered past the limit. */
function readBody(req: IncomingMessage, limit: number): Promise<Body> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve({ ok: false, tooLarge: true });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        return resolve({ ok: false, tooLarge: true });
      }
      chunks.push(chunk);
    });
    req.once('error', () => resolve({ ok: false, tooLarge: false }));
    req.once('aborted', () => resolve({ ok: false, tooLarge: false }));
    req.once('end', () => resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Upstream reads a body that is not JSON as `{}` (routes/internal.ts), and so do we. */
function jsonOf(text: string): unknown {
  try {
    return text === '' ? {} : (JSON.parse(text) as unknown);
  } catch {
    return {};
  }
}

function send(res: ServerResponse, answer: DoorAnswer, close = false): void {
  if (res.headersSent || res.destroyed) return void res.destroy();
  const json = JSON.stringify(answer.body);
  res.writeHead(answer.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...answer.headers,
    // A body left unread must not be parsed as the next request on this connection.
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(json);
}

/**
 * The OneCLI door's HTTP listener: its own socket, apart from the gateway's hot path and the
 * control API. The secret is checked first, before the path, the method or a byte of the body is
 * looked at; then the route, then the body (capped), then the answer. Slow or oversized requests,
 * header floods and connection floods end at Node's limits set below.
 */
export async function startDoorServer(options: DoorServerOptions): Promise<DoorServer> {
  const limits = { ...DOOR_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  let refusedSinceLog = 0;
  let lastRefusalLog = -Infinity;

  const refusedSecret = (req: IncomingMessage) => {
    refusedSinceLog++;
    if (now() - lastRefusalLog < REFUSAL_LOG_EVERY_MS) return;
    options.log.warn(
      { door: 'onecli', refused: refusedSinceLog, from: req.socket.remoteAddress ?? '?' },
      'OneCLI door: refused requests without the right X-Gateway-Secret',
    );
    lastRefusalLog = now();
    refusedSinceLog = 0;
  };

  const secretOk = (req: IncomingMessage) => {
    const given = req.headers[GATEWAY_SECRET_HEADER];
    return options.secretMatches(typeof given === 'string' ? given : undefined);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!secretOk(req)) {
      refusedSecret(req);
      return send(res, UNAUTHORIZED, true);
    }
    const operation = operationOf(req);
    if (!operation) return send(res, NOT_FOUND, true);
    const body = await readBody(req, limits.bodyBytes);
    if (!body.ok) return body.tooLarge ? send(res, TOO_LARGE(limits.bodyBytes), true) : void res.destroy();
    send(res, await options.answer(operation, jsonOf(body.text)));
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    handle(req, res).catch((err: unknown) => {
      options.log.error({ door: 'onecli', kind: err instanceof Error ? err.name : typeof err }, 'OneCLI door: a request failed unexpectedly');
      send(res, UNEXPECTED, true);
    });
  }

  const server = http.createServer(
    {
      maxHeaderSize: limits.headerBytes,
      headersTimeout: limits.headersMs,
      requestTimeout: Math.max(limits.requestMs, limits.headersMs),
      keepAliveTimeout: limits.keepAliveMs,
      // Node checks the two timeouts above this often (30 s by default, which would triple them).
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.headersMs / 2))),
    },
    onRequest,
  );
  // `Expect: 100-continue`: Node would invite the body before the request is seen. Only a caller
  // with the secret is invited; any other gets its 401 at once (handle checks again, and counts it).
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (secretOk(req)) res.writeContinue();
    onRequest(req, res);
  });
  server.maxConnections = limits.connections;
  server.maxHeadersCount = limits.headersCount;
  server.setTimeout(limits.idleMs, (socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // After the listen: an error now is one connection's, never the process's.
  server.on('error', (err: NodeJS.ErrnoException) => options.log.warn({ door: 'onecli', code: err.code }, 'OneCLI door: server error'));
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
