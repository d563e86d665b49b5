/** Summaries of the proxies' logs, to report anything odd they said under load. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

const PINO_LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const WARN = 40;
const MAX_DISTINCT = 10;

export interface LogSummary {
  lines: number;
  /** Level name → lines (pino JSON); "other" for lines that are not JSON. */
  levels: Record<string, number>;
  /** Distinct warn-or-worse messages (and non-JSON lines), with counts. */
  notable: Record<string, number>;
}

function note(summary: LogSummary, key: string): void {
  if (key in summary.notable || Object.keys(summary.notable).length < MAX_DISTINCT) summary.notable[key] = (summary.notable[key] ?? 0) + 1;
}

function scanLine(summary: LogSummary, line: string): void {
  if (!line.trim()) return;
  summary.lines++;
  let entry: { level?: number; msg?: string; err?: { code?: string; message?: string } } | undefined;
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    entry = undefined;
  }
  if (!entry || typeof entry.level !== 'number') {
    summary.levels.other = (summary.levels.other ?? 0) + 1;
    note(summary, line.slice(0, 200));
    return;
  }
  const level = PINO_LEVELS[entry.level] ?? String(entry.level);
  summary.levels[level] = (summary.levels[level] ?? 0) + 1;
  if (entry.level >= WARN) {
    const err = entry.err ? ` (${[entry.err.code, entry.err.message].filter(Boolean).join(': ')})` : '';
    note(summary, `${level}: ${entry.msg ?? '?'}${err}`.slice(0, 200));
  }
}

/** Reads a log file line by line (it can be tens of MiB at "info"). */
export async function scanLog(file: string): Promise<LogSummary> {
  const summary: LogSummary = { lines: 0, levels: {}, notable: {} };
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  for await (const line of lines) scanLine(summary, line);
  return summary;
}
