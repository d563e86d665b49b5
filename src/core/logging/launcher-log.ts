import pino from 'pino';
import { KnownSecrets, logRedaction } from '../../shared/log-redaction.js';
import type { CoreLogger } from './core-logger.js';
import { RotatingFile, type RotatingFileOptions } from './rotating-file.js';

/** The launcher's log file name, in the shell's log folder (the app: `~/Library/Logs/OneCLI`; headless: `<data dir>/logs`). */
export const LAUNCHER_LOG_NAME = 'launcher.log';

/** Where finished lines go: a file, stderr, a test's array. */
export interface LineSink {
  write(line: string): unknown;
}

export interface LauncherLog {
  /** Records from the core have no `component`; the shell's are `shell`, the gateway's `gateway`. */
  readonly log: CoreLogger;
  /** The current file (older ones are `launcher.1.log` …). */
  readonly file: string;
  /** Secrets this process holds: censored in every line (openCore fills it). */
  readonly known: KnownSecrets;
  close(): void;
}

/**
 * The product's logger for the launcher's side: pino with ISO times, level names, and the
 * shared redaction (src/shared/log-redaction.ts) over fields, text and the secrets in `known`.
 * Every line goes to `sink`.
 */
export function launcherLogger(sink: LineSink, options: { level?: string; known?: KnownSecrets } = {}): CoreLogger {
  const redaction = logRedaction(options.known);
  return pino(
    {
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      ...redaction,
      formatters: { ...redaction.formatters, level: (label) => ({ level: label }) },
    },
    { write: (line: string) => void sink.write(line) },
  );
}

/**
 * The launcher's log as JSON lines in a rotated file (0600 in a 0700 folder). `also` receives
 * every finished, redacted line too (stdout in a development run of the app, serve's stderr).
 */
export function openLauncherLog(file: string, options: RotatingFileOptions & { also?: LineSink; known?: KnownSecrets } = {}): LauncherLog {
  const destination = new RotatingFile(file, options);
  const known = options.known ?? new KnownSecrets();
  const also = options.also;
  const log = launcherLogger(
    {
      write: (line) => {
        destination.write(line);
        also?.write(line);
      },
    },
    { known },
  );
  return { log, file: destination.file, known, close: () => destination.close() };
}
