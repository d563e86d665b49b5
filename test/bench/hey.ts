/** Runs `hey` (the HTTP load generator) and parses its summary. */
import { runCommand, type ChildProcesses } from './child-processes.js';

export const HEY = '/usr/bin/hey';

export interface HeyRun {
  url: string;
  concurrency: number;
  durationS: number;
  /** `http://user:pass@host:port`; hey sends CONNECT with Proxy-Authorization from it. */
  proxyUrl?: string;
}

export interface HeyResult {
  reqPerSec: number;
  p50Ms?: number;
  p99Ms?: number;
  /** Status code → responses, e.g. { "200": 51234 }. */
  statusCodes: Record<string, number>;
  /** hey's "Error distribution" lines, e.g. "[3] Get ...: EOF". */
  errors: string[];
  /** Responses of any status plus errors. */
  completed: number;
}

function secondsToMs(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text) * 1000;
}

export function parseHeyOutput(out: string): HeyResult {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!rps?.[1]) throw new Error(`hey printed no Requests/sec:\n${out.slice(0, 2000)}`);
  const statusCodes: Record<string, number> = {};
  for (const m of out.matchAll(/^\s*\[(\d{3})\]\s+(\d+) responses/gm)) statusCodes[m[1] as string] = Number(m[2]);
  const errorSection = /Error distribution:\n([\s\S]*)$/.exec(out)?.[1] ?? '';
  const errors = errorSection
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('['));
  const errorCount = errors.reduce((n, l) => n + Number(/^\[(\d+)\]/.exec(l)?.[1] ?? 0), 0);
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  return {
    reqPerSec: Number(rps[1]),
    p50Ms: secondsToMs(/50%+ in ([\d.]+) secs/.exec(out)?.[1]),
    p99Ms: secondsToMs(/99%+ in ([\d.]+) secs/.exec(out)?.[1]),
    statusCodes,
    errors,
    completed: responses + errorCount,
  };
}

/** hey stops sending at the end of -z; a request that never completes is cut off by this margin. */
const HANG_MARGIN_S = 30;

/**
 * `-t 0` (no per-request timeout) is deliberate. With a timeout, Go 1.19's client ties the
 * dial it starts for a request (when no idle connection is free at that instant) to the
 * request's context, and cancels it when the request completes on a connection freed in the
 * meantime. At c=32 a run can lock into doing that for nearly every request: thousands of
 * TCP connections and half-done TLS handshakes a second next to the keep-alive ones, and the
 * run no longer measures keep-alive. Without the timeout those dials complete and stay as
 * spare connections.
 */
export async function runHey(children: ChildProcesses, run: HeyRun): Promise<HeyResult> {
  const args = ['-z', `${run.durationS}s`, '-c', String(run.concurrency), '-t', '0', ...(run.proxyUrl ? ['-x', run.proxyUrl] : []), run.url];
  const result = await runCommand(children, HEY, args, (run.durationS + HANG_MARGIN_S) * 1000);
  if (result.code === null)
    throw new Error(`hey did not finish within ${HANG_MARGIN_S} s of its ${run.durationS} s run: a request hung (${run.proxyUrl ? 'via proxy' : 'direct'})`);
  if (result.code !== 0) throw new Error(`hey exited ${result.code}: ${result.stderr.slice(0, 500)}`);
  return parseHeyOutput(result.stdout);
}
