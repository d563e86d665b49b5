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
    // Node takes its own error listener off a socket it hands to 'upgrade' or 'connect': without
    // one, a client that resets while we answer (EPIPE, ECONNRESET) is an uncaught error.
    socket.on('error', (err) => log.debug({ err }, 'client socket error'));
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
 * serving, since every piece of gateway state is per connection or rebuilt whole. It never
 * exits: whatever a client can trigger once it can trigger twenty times, and an exit on a burst
 * would hand any local process a way to stop the gateway for every agent. Lines are capped at
 * `logLimit` per `windowMs`, so a flood cannot fill the disk either.
 */
export function keepServingOnUncaught(log: Logger, { logLimit = 20, windowMs = 10_000 } = {}): void {
  let windowStart = 0;
  let inWindow = 0;
  const onFault = (err: unknown, kind: string) => {
    const now = Date.now();
    if (now - windowStart > windowMs) {
      if (inWindow > logLimit) log.error({ suppressed: inWindow - logLimit }, 'uncaught errors not logged in the last window');
      windowStart = now;
      inWindow = 0;
    }
    if (++inWindow <= logLimit) log.error({ err, kind }, 'uncaught error in the gateway; it keeps serving');
  };
  process.on('uncaughtException', (err) => onFault(err, 'exception'));
  process.on('unhandledRejection', (err) => onFault(err, 'rejection'));
}
