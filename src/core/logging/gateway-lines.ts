import type { CoreLogger } from './core-logger.js';

type RelayLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** A line the gateway printed, as a launcher log record. */
export interface GatewayLine {
  readonly level: RelayLevel;
  readonly msg: string;
  readonly fields: Record<string, unknown>;
  /** Set for a line that was not one of its records: the line itself. */
  readonly raw?: string;
}

/** Longer lines are cut before parsing: the gateway's records are short; a runaway line is not worth a megabyte of log. */
const LINE_CHARS = 8_000;
/** pino's own keys: the launcher's logger writes its own time, level and pid. */
const PINO_KEYS: ReadonlySet<string> = new Set(['level', 'time', 'pid', 'hostname', 'component', 'msg']);

function levelOf(n: number): RelayLevel {
  if (n >= 50) return 'error'; // fatal too: the launcher's logger has no fatal
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  return n >= 20 ? 'debug' : 'trace';
}

/**
 * The gateway's pino JSON line as a record, or any other line (a crash's stack trace, a
 * refusal printed before its logger exists) as text: stderr as a warning, stdout as info.
 */
export function parseGatewayLine(line: string, stream: 'stdout' | 'stderr'): GatewayLine {
  const text = line.slice(0, LINE_CHARS);
  if (text.startsWith('{')) {
    try {
      const record = JSON.parse(text) as unknown;
      if (record && typeof record === 'object' && !Array.isArray(record) && typeof (record as { level?: unknown }).level === 'number') {
        const r = record as Record<string, unknown>;
        const fields = Object.fromEntries(Object.entries(r).filter(([k]) => !PINO_KEYS.has(k)));
        return { level: levelOf(r.level as number), msg: typeof r.msg === 'string' ? r.msg : '', fields };
      }
    } catch {
      // not one of its records: kept as text below
    }
  }
  return { level: stream === 'stderr' ? 'warn' : 'info', msg: 'gateway output', fields: { stream, text }, raw: text };
}

/**
 * Writes one gateway line into the launcher's log (its records keep their level; the launcher's
 * redaction runs over them again, with the secrets the launcher knows) and returns it as one
 * line of text, for the crash report's tail.
 */
export function relayGatewayLine(log: CoreLogger, line: string, stream: 'stdout' | 'stderr'): string {
  const record = parseGatewayLine(line, stream);
  log[record.level](record.fields, record.msg);
  if (record.raw !== undefined) return record.raw;
  const fields = Object.keys(record.fields).length ? ` ${JSON.stringify(record.fields)}` : '';
  return `${record.level}: ${record.msg}${fields}`;
}
