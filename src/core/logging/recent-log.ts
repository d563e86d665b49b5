import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { RECENT_LOG_MAX, type LogLine } from '../../shared/control-api.js';
import { CENSOR } from '../../shared/redact-paths.js';
import { isSecretField, redactFields, redactText } from '../../shared/log-redaction.js';
import { logGeneration } from './rotating-file.js';

/** How much of the end of a file is read: enough for RECENT_LOG_MAX ordinary lines. */
const TAIL_BYTES = 512 * 1024;
const FIELDS_KEPT = 30;
const TEXT_CHARS = 1_000;
/** pino's keys, shown as the line's own columns or not at all. */
const RECORD_KEYS: ReadonlySet<string> = new Set(['time', 'level', 'pid', 'hostname', 'component', 'msg']);
const LEVELS: Record<number, LogLine['level']> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const isLevel = (v: unknown): v is LogLine['level'] => typeof v === 'string' && Object.values(LEVELS).includes(v as LogLine['level']);

/**
 * The last `limit` records of a launcher log (the rotated `.1` file too, when the current one
 * was just started), oldest first. Every line was redacted when it was written; it is redacted
 * again here, because the file may hold lines from an older version, and because the UI
 * shows what this returns. Lines that are not records are skipped.
 */
export function readRecentLog(file: string | undefined, limit = 100): { file?: string; lines: LogLine[] } {
  if (!file) return { lines: [] };
  const wanted = Math.max(1, Math.min(limit, RECENT_LOG_MAX));
  let lines = records(file, wanted);
  if (lines.length < wanted) lines = [...records(logGeneration(file, 1), wanted - lines.length), ...lines];
  return { file, lines };
}

function records(file: string, count: number): LogLine[] {
  return tailLines(file)
    .flatMap((l) => toLogLine(l) ?? [])
    .slice(-count);
}

function tailLines(file: string): string[] {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return []; // not written yet, or rotated away
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8').split('\n');
    if (start > 0) lines.shift(); // cut mid-line
    return lines.filter((l) => l.trim() !== '');
  } finally {
    closeSync(fd);
  }
}

export function toLogLine(line: string): LogLine | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const r = record as Record<string, unknown>;
  const level = typeof r.level === 'number' ? LEVELS[r.level] : isLevel(r.level) ? r.level : undefined;
  if (!level) return undefined;
  const fields: LogLine['fields'] = {};
  flatten(Object.fromEntries(Object.entries(r).filter(([k]) => !RECORD_KEYS.has(k))), '', fields, 0);
  return {
    at: typeof r.time === 'string' ? r.time.slice(0, 40) : typeof r.time === 'number' ? new Date(r.time).toISOString() : '',
    level,
    component: typeof r.component === 'string' ? r.component.slice(0, 40) : 'launcher',
    message: typeof r.msg === 'string' ? text(r.msg) : '',
    fields,
  };
}

function text(value: string): string {
  return redactText(value).slice(0, TEXT_CHARS);
}

function flatten(value: Record<string, unknown>, prefix: string, out: LogLine['fields'], depth: number): void {
  for (const [key, v] of Object.entries(value)) {
    if (Object.keys(out).length >= FIELDS_KEPT) return;
    const name = `${prefix}${key}`.slice(0, 200);
    if (isSecretField(key) && v !== null && typeof v !== 'boolean') out[name] = CENSOR;
    else if (v === null || typeof v === 'number' || typeof v === 'boolean') out[name] = v;
    else if (typeof v === 'string') out[name] = text(v);
    else if (typeof v === 'object' && !Array.isArray(v) && depth < 3) flatten(v as Record<string, unknown>, `${name}.`, out, depth + 1);
    else out[name] = text(JSON.stringify(redactFields(v)) ?? '');
  }
}
