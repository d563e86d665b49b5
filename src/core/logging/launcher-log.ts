import pino from 'pino';
import { REDACT_PATHS } from '../../shared/redact-paths.js';
import type { CoreLogger } from '../launcher-core.js';
import { RotatingFile, type RotatingFileOptions } from './rotating-file.js';

/** The launcher's log file name, in the shell's log folder (the app: `~/Library/Logs/OneCLI`). */
export const LAUNCHER_LOG_NAME = 'launcher.log';

export interface LauncherLog {
  readonly log: CoreLogger;
  /** The current file (older ones are `launcher.1.log` …). */
  readonly file: string;
  close(): void;
}

/**
 * The launcher's log as JSON lines in a rotated file, via pino: ISO times, level names, the
 * shared redaction paths as a safety net (code keeps secrets out of log objects in the first
 * place), errors as code and message only. `also` receives every call too (stdout in a dev
 * run, serve's stderr).
 */
export function openLauncherLog(file: string, options: RotatingFileOptions & { also?: CoreLogger } = {}): LauncherLog {
  const destination = new RotatingFile(file, options);
  const logger = pino(
    {
      level: 'info',
      base: { component: 'launcher' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      serializers: { err: errorSummary },
    },
    destination,
  );
  const also = options.also;
  const method =
    (level: 'info' | 'warn' | 'error') =>
    (obj: object, msg?: string): void => {
      logger[level](obj, msg);
      also?.[level](obj, msg);
    };
  return { log: { info: method('info'), warn: method('warn'), error: method('error') }, file: destination.file, close: () => destination.close() };
}

function errorSummary(err: unknown): { code?: string; message: string } {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return { ...(code ? { code } : {}), message: err.message.slice(0, 200) };
  }
  return { message: String(err).slice(0, 200) };
}
