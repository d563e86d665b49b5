import pino from 'pino';
import type { LogLevel } from '../shared/gateway-config.js';
import { REDACT_PATHS } from '../shared/redact-paths.js';

export type Logger = pino.Logger;

/** Structured JSON lines on stdout; the launcher collects them. Never log a value or a token. */
export function createLogger(level: LogLevel, destination: pino.DestinationStream = pino.destination({ fd: 1, sync: false })): Logger {
  return pino(
    {
      level,
      base: { component: 'gateway' },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      // Errors are logged by code and message only: a stack or a cause can carry a header value.
      serializers: { err: (err: unknown) => describeError(err) },
    },
    destination,
  );
}

/** What may be logged of an error: its code and a short message, never its cause chain. */
export function describeError(err: unknown): { code?: string; message: string } {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? { code, message: err.message.slice(0, 200) } : { message: err.message.slice(0, 200) };
  }
  const message = (err as { message?: unknown } | undefined)?.message;
  return { message: typeof message === 'string' ? message.slice(0, 200) : 'non-error thrown' };
}
