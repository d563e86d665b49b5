/**
 * hey load runs: repetitions interleaved across targets (the order rotates each rep), so
 * noise on the machine hits every target alike. Proxy CPU is sampled around each run.
 *
 * Each run's TCP connection count is checked: keep-alive needs about one per worker. A run
 * that opened far more (hey's connection churn, see hey.ts; or a proxy closing connections)
 * is repeated a bounded number of times; the counts are kept in the results.
 */
import { performance } from 'node:perf_hooks';
import type { UpstreamCounters } from './upstream-protocol.js';
import type { UpstreamProcess } from './bench-processes.js';
import type { ChildProcesses } from './child-processes.js';
import { runHey, type HeyResult } from './hey.js';
import { cpuMs, tcpActiveOpens } from './proc-stats.js';
import type { Target, TargetName } from './targets.js';

export interface LoadContext {
  children: ChildProcesses;
  upstream: UpstreamProcess;
  /** `https://127.0.0.1:PORT` */
  origin: string;
  ticksPerSecond: number;
  log: (line: string) => void;
}

export interface LoadSpec {
  label: string;
  concurrency: number;
  durationS: number;
  reps: number;
}

export interface LoadSample {
  hey: HeyResult;
  wallMs: number;
  /** CPU the proxy process used during the run (absent for direct). */
  proxyCpuMs?: number;
  /** What the upstream saw during the run. */
  upstream: UpstreamCounters;
  /** TCP connections opened on the machine during the run (hey's, and the proxy's to the upstream). */
  tcpOpens: number;
  /** Runs of this rep discarded because they churned connections. */
  churnedRetries: number;
  /** True when even the last attempt churned (the sample is kept, and flagged). */
  churned: boolean;
}

export type LoadSamples = Map<TargetName, LoadSample[]>;

/** Each rep starts with a different target, so none is always first or last. */
export function rotated<T>(items: readonly T[], by: number): T[] {
  const k = items.length ? by % items.length : 0;
  return [...items.slice(k), ...items.slice(0, k)];
}

const MAX_ATTEMPTS = 3;

/** Keep-alive needs about one connection per worker (two through a proxy); churn opens thousands. */
function churned(tcpOpens: number, concurrency: number): boolean {
  return tcpOpens > Math.max(200, 20 * concurrency);
}

async function runOnce(ctx: LoadContext, target: Target, spec: LoadSpec): Promise<Omit<LoadSample, 'churnedRetries' | 'churned'>> {
  await ctx.upstream.resetCounters();
  const pid = target.proxy?.process.pid;
  const cpuBefore = pid === undefined ? undefined : cpuMs(pid, ctx.ticksPerSecond);
  const opensBefore = tcpActiveOpens();
  const start = performance.now();
  const hey = await runHey(ctx.children, { url: `${ctx.origin}/echo`, concurrency: spec.concurrency, durationS: spec.durationS, proxyUrl: target.proxy?.url });
  const wallMs = performance.now() - start;
  const tcpOpens = tcpActiveOpens() - opensBefore;
  const proxyCpuMs = pid === undefined || cpuBefore === undefined ? undefined : cpuMs(pid, ctx.ticksPerSecond) - cpuBefore;
  const upstream = await ctx.upstream.resetCounters();
  return { hey, wallMs, proxyCpuMs, upstream, tcpOpens };
}

async function runRep(ctx: LoadContext, target: Target, spec: LoadSpec, label: string): Promise<LoadSample> {
  for (let attempt = 1; ; attempt++) {
    const sample = await runOnce(ctx, target, spec);
    const isChurned = churned(sample.tcpOpens, spec.concurrency);
    if (!isChurned || attempt === MAX_ATTEMPTS) return { ...sample, churnedRetries: attempt - 1, churned: isChurned };
    ctx.log(
      `  ${label} ${target.name.padEnd(14)} ${sample.hey.reqPerSec.toFixed(0).padStart(7)} req/s discarded: ${sample.tcpOpens} TCP connections opened (keep-alive churn); again`,
    );
  }
}

export async function runLoadPhase(ctx: LoadContext, targets: readonly Target[], spec: LoadSpec): Promise<LoadSamples> {
  const samples: LoadSamples = new Map(targets.map((t) => [t.name, []]));
  for (let rep = 0; rep < spec.reps; rep++) {
    for (const target of rotated(targets, rep)) {
      const label = `${spec.label} rep ${rep + 1}/${spec.reps}`;
      const sample = await runRep(ctx, target, spec, label);
      samples.get(target.name)?.push(sample);
      const bad = Object.entries(sample.hey.statusCodes).filter(([code]) => code !== '200');
      const notes = [
        ...(bad.length || sample.hey.errors.length ? [`non-200: ${JSON.stringify(Object.fromEntries(bad))}, errors: ${sample.hey.errors.length}`] : []),
        ...(sample.churned ? [`still churning after ${MAX_ATTEMPTS} attempts (${sample.tcpOpens} TCP opens), kept`] : []),
      ];
      ctx.log(`  ${label} ${target.name.padEnd(14)} ${sample.hey.reqPerSec.toFixed(0).padStart(7)} req/s${notes.length ? `  (${notes.join('; ')})` : ''}`);
    }
  }
  return samples;
}
