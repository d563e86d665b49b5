/** Per-target figures of a load phase (medians over reps), and per-rep pairing against a baseline. */
import type { LoadSample } from './load-phase.js';
import { addCounts, median } from './stats.js';

export interface LoadFigures {
  reqPerSec: number;
  p50Ms?: number;
  p99Ms?: number;
  /** The proxy's CPU (utime + stime over the window) per response, in µs. */
  cpuUsPerRequest?: number;
  cpuPercentOfCore?: number;
  /** The keep-alive client's own CPU per response, in µs (a heavier client leaves the proxy less). */
  clientCpuUsPerRequest?: number;
  /** Summed over reps. */
  statusCodes: Record<string, number>;
  errors: string[];
  upstreamRequests: number;
  upstreamInjected: number;
  /** TLS connections the upstream accepted in the windows, summed over reps (through a proxy: the proxy's). */
  upstreamConnections: number;
  repsReqPerSec: number[];
  /** Machine-wide TCP opens per rep, set-up included: about the concurrency (twice through a proxy) when held. */
  repsTcpOpens: number[];
  /** TCP opens inside the windows per response: ~0 for keep-alive, ~1 (or 2 with a proxy's new upstream leg) without. */
  tcpOpensPerRequest: number;
  /** keep-alive runs: connections our client opened per rep (its own count, unlike the machine-wide TCP opens). */
  repsClientConnections: number[];
  /** keep-alive runs whose client had to reopen a connection inside the window. */
  repsWithReopens: number;
}

export function optionalMedian(values: readonly (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return present.length ? median(present) : undefined;
}

function responses(s: LoadSample): number {
  return Object.values(s.run.statusCodes).reduce((a, b) => a + b, 0);
}

export function cpuUsPerRequest(s: LoadSample): number | undefined {
  return s.proxyCpuMs === undefined ? undefined : (1000 * s.proxyCpuMs) / Math.max(1, responses(s));
}

export function loadFigures(samples: readonly LoadSample[]): LoadFigures {
  const statusCodes: Record<string, number> = {};
  for (const s of samples) addCounts(statusCodes, s.run.statusCodes);
  const total = samples.reduce((n, s) => n + responses(s), 0);
  return {
    reqPerSec: median(samples.map((s) => s.run.reqPerSec)),
    p50Ms: optionalMedian(samples.map((s) => s.run.p50Ms)),
    p99Ms: optionalMedian(samples.map((s) => s.run.p99Ms)),
    cpuUsPerRequest: optionalMedian(samples.map(cpuUsPerRequest)),
    cpuPercentOfCore: optionalMedian(samples.map((s) => (s.proxyCpuMs === undefined ? undefined : (100 * s.proxyCpuMs) / s.wallMs))),
    clientCpuUsPerRequest: optionalMedian(samples.map((s) => (s.clientCpuMs === undefined ? undefined : (1000 * s.clientCpuMs) / Math.max(1, responses(s))))),
    statusCodes,
    errors: samples.flatMap((s) => s.run.errors),
    upstreamRequests: samples.reduce((n, s) => n + s.upstream.requests, 0),
    upstreamInjected: samples.reduce((n, s) => n + s.upstream.injected, 0),
    upstreamConnections: samples.reduce((n, s) => n + s.upstream.connections, 0),
    repsReqPerSec: samples.map((s) => s.run.reqPerSec),
    repsTcpOpens: samples.map((s) => s.tcpOpens),
    tcpOpensPerRequest: samples.reduce((n, s) => n + s.tcpOpensInWindow, 0) / Math.max(1, total),
    repsClientConnections: samples.flatMap((s) => (s.clientConnections === undefined ? [] : [s.clientConnections])),
    repsWithReopens: samples.filter((s) => (s.clientConnectionsInWindow ?? 0) > 0).length,
  };
}

/**
 * Median over reps of (metric / metric of the base in the same rep) − 1. Both ran within
 * seconds of each other in every rep, so this cancels drift that a ratio of medians keeps.
 */
export function pairedChange(
  values: readonly LoadSample[] | undefined,
  bases: readonly LoadSample[] | undefined,
  metric: (s: LoadSample) => number | undefined,
): number | undefined {
  const ratios = (values ?? []).flatMap((v, i) => {
    const value = metric(v);
    const base = bases?.[i] === undefined ? undefined : metric(bases[i] as LoadSample);
    return value !== undefined && base ? [value / base] : [];
  });
  return ratios.length ? median(ratios) - 1 : undefined;
}
