import type { KnownSecrets } from '../shared/log-redaction.js';
import type { CoreLogger } from '../core/logging/core-logger.js';
import { launcherLogger, type LineSink } from '../core/logging/launcher-log.js';

/** pino's keys, left out of the text a person reads. */
const RECORD_KEYS: ReadonlySet<string> = new Set(['level', 'time', 'pid', 'msg']);

/**
 * One redacted log record as a line a person reads on stderr: `warning: <message> {fields}`.
 * The CLI's own output stays text; its log records are pino's, with the shared redaction.
 */
export function humanLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const word = record.level === 'warn' ? 'warning' : String(record.level);
  const fields = Object.fromEntries(Object.entries(record).filter(([k]) => !RECORD_KEYS.has(k)));
  const detail = Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
  return `${word}: ${typeof record.msg === 'string' ? record.msg : ''}${detail}\n`;
}

/** The CLI's logger: warnings and errors only, as text on `out` (stderr). */
export function cliLogger(known: KnownSecrets, out: LineSink = process.stderr): CoreLogger {
  return launcherLogger({ write: (line) => out.write(humanLine(line)) }, { level: 'warn', known });
}
