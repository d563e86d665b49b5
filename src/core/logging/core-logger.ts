import pino from 'pino';

/** One level's method: a record (fields) and a message. Never a value or a token in either. */
export type LogMethod = (record: object, msg?: string) => void;

/**
 * The logger the core is handed: pino's, narrowed to what the core uses, so a component can
 * take a child (`log.child({ component: 'gateway' })`) and tests can pass `silentLogger()`.
 */
export interface CoreLogger {
  trace: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  child(bindings: Record<string, unknown>, options?: { level?: string }): CoreLogger;
}

/** A logger that writes nothing (tests, and callers that have nowhere to log). */
export function silentLogger(): CoreLogger {
  return pino({ level: 'silent' });
}
