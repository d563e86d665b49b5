import pino from 'pino';
import type { LogLevel } from '../shared/gateway-config.js';
import { KnownSecrets, logRedaction } from '../shared/log-redaction.js';

export { describeError } from '../shared/log-redaction.js';

export type Logger = pino.Logger;

/**
 * Structured JSON lines on stdout. Forked by the launcher, its supervisor writes them into the
 * launcher's log file; standalone, they are the terminal's. Never log a value or a token: the
 * shared redaction (fields, secret shapes in text, and the tokens and values this gateway
 * holds, in `known`) is the safety net.
 */
export function createLogger(
  level: LogLevel,
  destination: pino.DestinationStream = pino.destination({ fd: 1, sync: false }),
  known: KnownSecrets = new KnownSecrets(),
): Logger {
  return pino({ level, base: { component: 'gateway' }, ...logRedaction(known) }, destination);
}
