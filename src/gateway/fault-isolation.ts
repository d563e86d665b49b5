import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { sendError, writeRawError } from './error-responses.js';
import type { Logger } from './log.js';

/**
 * No exception in one request may end the gateway or touch another connection. Every entry
 * point (request, upgrade, CONNECT) and every callback that continues a request runs under one
 * of these: a throw ends that request with a 500 `internal_error` and a log line, nothing else.
 */
export const INTERNAL_ERROR_MESSAGE = 'The gateway failed on this request (a bug; see its log). Other requests are not affected: retry.';

export function failResponse(res: ServerResponse): void {
  try {
    if (res.headersSent) res.destroy();
    else sendError(res, 'internal_error', null, INTERNAL_ERROR_MESSAGE);
  } catch {
    res.destroy();
  }
}

export function failSocket(socket: Duplex): void {
  try {
    writeRawError(socket, 'internal_error', null, INTERNAL_ERROR_MESSAGE);
  } catch {
    socket.destroy();
  }
}

export function guardRequest(log: Logger, handler: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    try {
      handler(req, res);
    } catch (err) {
      log.error({ err, method: req.method }, 'a request failed inside the gateway');
      failResponse(res);
    }
  };
}

export function guardSocket<S extends Duplex>(log: Logger, handler: (req: IncomingMessage, socket: S, head: Buffer) => void) {
  return (req: IncomingMessage, socket: S, head: Buffer): void => {
    try {
      handler(req, socket, head);
    } catch (err) {
      log.error({ err, method: req.method }, 'a request failed inside the gateway');
      failSocket(socket);
    }
  };
}

/** Runs a callback that continues a request; a throw fails that request only. */
export function guarded<A extends unknown[]>(log: Logger, onFault: () => void, fn: (...args: A) => void): (...args: A) => void {
  return (...args: A) => {
    try {
      fn(...args);
    } catch (err) {
      log.error({ err }, 'a request failed inside the gateway');
      try {
        onFault();
      } catch {
        // nothing more to end
      }
    }
  };
}

/**
 * Last resort for a throw we did not foresee in a socket or timer callback: log it and keep
 * serving, since every piece of gateway state is per connection or rebuilt whole. A burst means
 * something is broken for everyone: then exit and let the supervisor start a fresh process.
 */
export function keepServingOnUncaught(log: Logger, { limit = 20, windowMs = 10_000, exit = (code: number) => process.exit(code) } = {}): void {
  const recent: number[] = [];
  const onFault = (err: unknown, kind: string) => {
    const now = Date.now();
    recent.push(now);
    while (recent.length && (recent[0] as number) < now - windowMs) recent.shift();
    log.error({ err, kind }, 'uncaught error in the gateway; it keeps serving');
    if (recent.length >= limit) {
      log.fatal({ count: recent.length }, 'too many uncaught errors; exiting so the launcher starts a fresh gateway');
      exit(70);
    }
  };
  process.on('uncaughtException', (err) => onFault(err, 'exception'));
  process.on('unhandledRejection', (err) => onFault(err, 'rejection'));
}
