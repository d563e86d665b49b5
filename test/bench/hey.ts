/**
 * Runs `hey` (the HTTP load generator) and parses its summary. The bench uses it only for the
 * connection-churn figure (`-disable-keepalive`: a new TCP and TLS connection per request):
 * hey cannot hold a fixed set of keep-alive connections (see keepalive-client.ts).
 */
import { runCommand, type ChildProcesses } from './child-processes.js';
import type { LoadRunResult } from './load-client-protocol.js';

export const HEY = '/usr/bin/hey';

export interface HeyRun {
  url: string;
  concurrency: number;
  durationS: number;
  /** `http://user:pass@host:port`; hey sends CONNECT with Proxy-Authorization from it. */
  proxyUrl?: string;
  /** A new connection (through a proxy: a new CONNECT tunnel) for every request. */
  disableKeepAlive?: boolean;
}

/** `errors` are hey's "Error distribution" lines, e.g. "[3] Get ...: EOF". */
export type HeyResult = LoadRunResult;

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
 * `-t 0` (no per-request timeout): with a timeout, Go 1.19's client ties the dial it starts
 * for a request to the request's context and abandons it half-done when another connection
 * frees up first; at c=32 keep-alive that became thousands of half-done TLS handshakes a second.
 * Even without it, hey's keep-alive runs open 40–230 surplus connections per 3 s at c=32 (no
 * per-host connection cap in its transport), which is why keep-alive phases use our client.
 */
export async function runHey(children: ChildProcesses, run: HeyRun): Promise<HeyResult> {
  const args = [
    '-z',
    `${run.durationS}s`,
    '-c',
    String(run.concurrency),
    '-t',
    '0',
    ...(run.disableKeepAlive ? ['-disable-keepalive'] : []),
    ...(run.proxyUrl ? ['-x', run.proxyUrl] : []),
    run.url,
  ];
  const result = await runCommand(children, HEY, args, (run.durationS + HANG_MARGIN_S) * 1000);
  if (result.code === null)
    throw new Error(`hey did not finish within ${HANG_MARGIN_S} s of its ${run.durationS} s run: a request hung (${run.proxyUrl ? 'via proxy' : 'direct'})`);
  if (result.code !== 0) throw new Error(`hey exited ${result.code}: ${result.stderr.slice(0, 500)}`);
  return parseHeyOutput(result.stdout);
}
