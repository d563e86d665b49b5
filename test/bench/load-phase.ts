/**
 * Load runs of small GETs: repetitions interleaved across targets (the order rotates each rep),
 * so noise on the machine hits every target alike.
 *
 * Two drivers. `keep-alive`: our client (keepalive-client.ts) opens exactly `concurrency`
 * connections, then the window starts; the proxy's CPU, the upstream's counters and the
 * machine's TCP opens are sampled at the window's edges, so no handshake is in the figure.
 * `new-connection`: hey with -disable-keepalive, a new connection (and CONNECT tunnel) per
 * request, the figure for agents that never reuse a connection; sampled around the whole run.
 */
import { performance } from 'node:perf_hooks';
import type { UpstreamCounters } from './upstream-protocol.js';
import type { UpstreamProcess } from './bench-processes.js';
import type { ChildProcesses } from './child-processes.js';
import { runHey } from './hey.js';
import { startLoadClient } from './load-client.js';
import type { LoadRunResult } from './load-client-protocol.js';
import { cpuMs, tcpActiveOpens } from './proc-stats.js';
import type { Target, TargetName } from './routes.js';

export interface LoadContext {
  children: ChildProcesses;
  upstream: UpstreamProcess;
  /** `https://127.0.0.1:PORT` */
  origin: string;
  /** What a direct client trusts. */
  upstreamCaPem: string;
  ticksPerSecond: number;
  /** Worker threads of the keep-alive client (load-client.ts explains the default of 1). */
  clientThreads: number;
  log: (line: string) => void;
}

export type LoadDriver = 'keep-alive' | 'new-connection';

export interface LoadSpec {
  label: string;
  concurrency: number;
  durationS: number;
  reps: number;
  /** Default `keep-alive`. */
  driver?: LoadDriver;
}

export interface LoadSample {
  run: LoadRunResult;
  /** Wall time of the measured window. */
  wallMs: number;
  /** CPU the proxy process used in the window (absent for direct). */
  proxyCpuMs?: number;
  /** What the upstream saw in the window. */
  upstream: UpstreamCounters;
  /** TCP connections opened on the machine (every process) during the whole run, set-up included. */
  tcpOpens: number;
  /** Of those, inside the window: 0 for a held keep-alive run, about one per request without keep-alive. */
  tcpOpensInWindow: number;
  /** keep-alive driver: connections the client opened (== concurrency when held), and inside the window. */
  clientConnections?: number;
  clientConnectionsInWindow?: number;
  /** keep-alive driver: the client's own CPU in the window (hey's is not sampled). */
  clientCpuMs?: number;
}

export type LoadSamples = Map<TargetName, LoadSample[]>;

/** Each rep starts with a different target, so none is always first or last. */
export function rotated<T>(items: readonly T[], by: number): T[] {
  const k = items.length ? by % items.length : 0;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Something to run once the set-up is done: our client after its connections are open, or hey. */
interface StartedRun {
  go(): Promise<LoadRunResult & { connectionsOpened?: number; connectionsOpenedInWindow?: number; clientCpuMs?: number }>;
}

async function start(ctx: LoadContext, target: Target, spec: LoadSpec): Promise<StartedRun> {
  if (spec.driver === 'new-connection') {
    const run = {
      url: `${target.origin ?? ctx.origin}/echo`,
      concurrency: spec.concurrency,
      durationS: spec.durationS,
      proxyUrl: target.proxy?.url,
      disableKeepAlive: true,
    };
    return { go: () => runHey(ctx.children, run) };
  }
  return startLoadClient(ctx.children, {
    origin: target.origin ?? ctx.origin,
    path: '/echo',
    concurrency: spec.concurrency,
    durationS: spec.durationS,
    threads: ctx.clientThreads,
    caPem: target.proxy?.caPem ?? ctx.upstreamCaPem,
    proxyUrl: target.proxy?.url,
  });
}

/** One run against one target, outside any rep loop (the heap-flags scenario starts a gateway per run). */
export async function runLoadOnce(ctx: LoadContext, target: Target, spec: Omit<LoadSpec, 'label' | 'reps'>): Promise<LoadSample> {
  const opensAtStart = tcpActiveOpens();
  const started = await start(ctx, target, { ...spec, label: '', reps: 1 });
  await ctx.upstream.resetCounters();
  const pid = target.proxy?.process.pid;
  const cpuBefore = pid === undefined ? undefined : cpuMs(pid, ctx.ticksPerSecond);
  const opensBefore = tcpActiveOpens();
  const t0 = performance.now();
  const { connectionsOpened, connectionsOpenedInWindow, clientCpuMs, ...run } = await started.go();
  const wallMs = performance.now() - t0;
  const opensAfter = tcpActiveOpens();
  const proxyCpuMs = pid === undefined || cpuBefore === undefined ? undefined : cpuMs(pid, ctx.ticksPerSecond) - cpuBefore;
  const upstream = await ctx.upstream.resetCounters();
  return {
    run,
    wallMs,
    proxyCpuMs,
    upstream,
    tcpOpens: opensAfter - opensAtStart,
    tcpOpensInWindow: opensAfter - opensBefore,
    clientConnections: connectionsOpened,
    clientConnectionsInWindow: connectionsOpenedInWindow,
    clientCpuMs,
  };
}

function notes(sample: LoadSample): string[] {
  const bad = Object.entries(sample.run.statusCodes).filter(([code]) => code !== '200');
  return [
    ...(bad.length || sample.run.errors.length ? [`non-200: ${JSON.stringify(Object.fromEntries(bad))}, errors: ${sample.run.errors.length}`] : []),
    // Our client held its connections unless something closed one: a finding about the proxy, kept and flagged.
    ...(sample.clientConnectionsInWindow ? [`${sample.clientConnectionsInWindow} connections reopened in the window`] : []),
  ];
}

export async function runLoadPhase(ctx: LoadContext, targets: readonly Target[], spec: LoadSpec): Promise<LoadSamples> {
  const samples: LoadSamples = new Map(targets.map((t) => [t.name, []]));
  for (let rep = 0; rep < spec.reps; rep++) {
    for (const target of rotated(targets, rep)) {
      const sample = await runLoadOnce(ctx, target, spec);
      samples.get(target.name)?.push(sample);
      const noted = notes(sample);
      ctx.log(
        `  ${spec.label} rep ${rep + 1}/${spec.reps} ${target.name.padEnd(20)} ${sample.run.reqPerSec.toFixed(0).padStart(7)} req/s, TCP opens ${sample.tcpOpens}${noted.length ? `  (${noted.join('; ')})` : ''}`,
      );
    }
  }
  return samples;
}
