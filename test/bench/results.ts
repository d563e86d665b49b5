/** Turns raw samples into per-target figures and the rows of the target table. */
import type { NewHostSamples, Samples } from './client-phases.js';
import type { LoadSample, LoadSamples } from './load-phase.js';
import type { LogSummary } from './log-scan.js';
import { addCounts, median, ratio } from './stats.js';
import type { TargetName } from './targets.js';

export interface RawResults {
  targets: TargetName[];
  c1: LoadSamples;
  c32: LoadSamples;
  sse: Samples;
  postEcho: Samples;
  newHost: NewHostSamples;
  /** Proxies only: VmHWM and VmRSS after all the load. */
  memory: Partial<Record<TargetName, { peakRssMiB: number; rssMiB: number }>>;
  /** Proxies' VmHWM after each phase, to see which phase set the peak. */
  peakRssByPhase: { phase: string; peakRssMiB: Partial<Record<TargetName, number>> }[];
  logs: Partial<Record<TargetName, LogSummary>>;
  /** Proxies that exited before the bench stopped them. */
  exits: Partial<Record<TargetName, string>>;
}

export interface LoadFigures {
  reqPerSec: number;
  p50Ms?: number;
  p99Ms?: number;
  cpuMsPerRequest?: number;
  cpuPercentOfCore?: number;
  /** Summed over reps. */
  statusCodes: Record<string, number>;
  errors: string[];
  upstreamRequests: number;
  upstreamInjected: number;
  /** TLS connections the upstream accepted, summed over reps (through a proxy: the proxy's). */
  upstreamConnections: number;
  repsReqPerSec: number[];
  repsTcpOpens: number[];
  /** Runs discarded because hey churned connections, and kept reps that still churned. */
  churnedRetries: number;
  churnedKept: number;
}

function optionalMedian(values: (number | undefined)[]): number | undefined {
  const present = values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  return present.length ? median(present) : undefined;
}

function responses(s: LoadSample): number {
  return Object.values(s.hey.statusCodes).reduce((a, b) => a + b, 0);
}

function cpuMsPerRequest(s: LoadSample): number | undefined {
  return s.proxyCpuMs === undefined ? undefined : s.proxyCpuMs / Math.max(1, responses(s));
}

export function loadFigures(samples: readonly LoadSample[]): LoadFigures {
  const statusCodes: Record<string, number> = {};
  for (const s of samples) addCounts(statusCodes, s.hey.statusCodes);
  return {
    reqPerSec: median(samples.map((s) => s.hey.reqPerSec)),
    p50Ms: optionalMedian(samples.map((s) => s.hey.p50Ms)),
    p99Ms: optionalMedian(samples.map((s) => s.hey.p99Ms)),
    cpuMsPerRequest: optionalMedian(samples.map(cpuMsPerRequest)),
    cpuPercentOfCore: optionalMedian(samples.map((s) => (s.proxyCpuMs === undefined ? undefined : (100 * s.proxyCpuMs) / s.wallMs))),
    statusCodes,
    errors: samples.flatMap((s) => s.hey.errors),
    upstreamRequests: samples.reduce((n, s) => n + s.upstream.requests, 0),
    upstreamInjected: samples.reduce((n, s) => n + s.upstream.injected, 0),
    upstreamConnections: samples.reduce((n, s) => n + s.upstream.connections, 0),
    repsReqPerSec: samples.map((s) => s.hey.reqPerSec),
    repsTcpOpens: samples.map((s) => s.tcpOpens),
    churnedRetries: samples.reduce((n, s) => n + s.churnedRetries, 0),
    churnedKept: samples.filter((s) => s.churned).length,
  };
}

/**
 * change-vs-1-mapping: the gateway with 10,000 mappings against the one with 1, paired per rep.
 * change-vs-no-scan / added-vs-no-scan: the gateway (scanning responses) against gateway-noscan,
 * paired per rep, as a relative change or a difference in the row's unit.
 */
export type Comparison = 'ratio' | 'added-ms' | 'change-vs-1-mapping' | 'change-vs-no-scan' | 'added-vs-no-scan' | 'none';

export interface Row {
  metric: string;
  unit: string;
  direct?: number;
  gateway?: number;
  mitmproxy?: number;
  comparison: Comparison;
  gatewayVsDirect?: number;
  mitmproxyVsDirect?: number;
  /** added-vs-no-scan rows: the same pairs as a relative change, shown next to the difference. */
  gatewayChange?: number;
  /** e.g. "ratio ≥ 0.40"; absent for rows that only inform. */
  target?: string;
  pass?: boolean;
}

/** Median of per-host differences (proxy − direct), the hosts in the same order for both. */
function medianAdded(newHost: NewHostSamples, name: TargetName): number | undefined {
  const direct = newHost.ms.get('direct') ?? [];
  const proxied = newHost.ms.get(name);
  if (!proxied?.length) return undefined;
  return median(proxied.map((ms, i) => ms - (direct[i] ?? Number.NaN)).filter(Number.isFinite));
}

function perTarget(samples: Samples, name: TargetName): number | undefined {
  const values = samples.get(name);
  return values?.length ? median(values) : undefined;
}

/**
 * Median over reps of (metric / metric of the base in the same rep) − 1. Both ran within
 * seconds of each other in every rep, so this cancels drift that a ratio of medians keeps.
 */
function pairedChange(
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

/** One figure of the gateway (scanning) against gateway-noscan, from pairs measured side by side. */
export interface ScanCostFigure {
  /** Medians of each side over all its reps or samples. */
  scanned?: number;
  unscanned?: number;
  /** Median over pairs of scanned / unscanned − 1. */
  change?: number;
  /** Median over pairs of scanned − unscanned, in the figure's unit. */
  added?: number;
  /** The pairs, in rep (or sample) order. */
  pairs: { scanned: number; unscanned: number }[];
}

/** What scanning responses for the credential costs (issue 11): with vs without, paired. */
export interface ScanCost {
  c1ReqPerSec: ScanCostFigure;
  c1CpuMsPerRequest: ScanCostFigure;
  c32ReqPerSec: ScanCostFigure;
  c32CpuMsPerRequest: ScanCostFigure;
  postEchoMiBps: ScanCostFigure;
  sseFirstEventMs: ScanCostFigure;
}

/** Pairs the i-th scanned value with the i-th unscanned one (same rep); unmeasured pairs are dropped. */
export function scanCostFigure(scanned: readonly (number | undefined)[], unscanned: readonly (number | undefined)[]): ScanCostFigure {
  const present = (values: readonly (number | undefined)[]) => values.filter((v): v is number => v !== undefined && Number.isFinite(v));
  const pairs = scanned.flatMap((s, i) => {
    const u = unscanned[i];
    return s !== undefined && u !== undefined && Number.isFinite(s) && Number.isFinite(u) ? [{ scanned: s, unscanned: u }] : [];
  });
  const withBase = pairs.filter((p) => p.unscanned !== 0);
  return {
    scanned: optionalMedian(present(scanned)),
    unscanned: optionalMedian(present(unscanned)),
    change: withBase.length ? median(withBase.map((p) => p.scanned / p.unscanned)) - 1 : undefined,
    added: pairs.length ? median(pairs.map((p) => p.scanned - p.unscanned)) : undefined,
    pairs,
  };
}

export function scanCost(raw: RawResults): ScanCost {
  const load = (samples: LoadSamples, metric: (s: LoadSample) => number | undefined) =>
    scanCostFigure((samples.get('gateway') ?? []).map(metric), (samples.get('gateway-noscan') ?? []).map(metric));
  const reqPerSec = (s: LoadSample) => s.hey.reqPerSec;
  const client = (samples: Samples) => scanCostFigure(samples.get('gateway') ?? [], samples.get('gateway-noscan') ?? []);
  return {
    c1ReqPerSec: load(raw.c1, reqPerSec),
    c1CpuMsPerRequest: load(raw.c1, cpuMsPerRequest),
    c32ReqPerSec: load(raw.c32, reqPerSec),
    c32CpuMsPerRequest: load(raw.c32, cpuMsPerRequest),
    postEchoMiBps: client(raw.postEcho),
    sseFirstEventMs: client(raw.sse),
  };
}

/** Informational rows: the unscanned gateway's figure, and what scanning changes (paired). */
function scanCostRows(cost: ScanCost): Row[] {
  const change = (metric: string, unit: string, f: ScanCostFigure): Row => ({
    metric,
    unit,
    gateway: f.unscanned,
    comparison: 'change-vs-no-scan',
    gatewayVsDirect: f.change,
  });
  const added = (metric: string, unit: string, f: ScanCostFigure): Row => ({
    metric,
    unit,
    gateway: f.unscanned,
    comparison: 'added-vs-no-scan',
    gatewayVsDirect: f.added,
    gatewayChange: f.change,
  });
  return [
    change('no response scan: c=1', 'req/s', cost.c1ReqPerSec),
    added('  no scan: CPU per request, c=1', 'ms', cost.c1CpuMsPerRequest),
    change('no response scan: c=32', 'req/s', cost.c32ReqPerSec),
    added('  no scan: CPU per request, c=32', 'ms', cost.c32CpuMsPerRequest),
    change('no response scan: 1 MiB echo', 'MiB/s', cost.postEchoMiBps),
    added('no response scan: SSE first event', 'ms', cost.sseFirstEventMs),
  ];
}

function minus(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a - b;
}

function ratioRow(metric: string, unit: string, values: Partial<Record<TargetName, number>>, min: number | undefined): Row {
  const gatewayVsDirect = ratio(values.gateway, values.direct);
  return {
    metric,
    unit,
    ...pick(values),
    comparison: 'ratio',
    gatewayVsDirect,
    mitmproxyVsDirect: ratio(values.mitmproxy, values.direct),
    ...(min === undefined ? {} : { target: `ratio ≥ ${min.toFixed(2)}`, pass: gatewayVsDirect !== undefined && gatewayVsDirect >= min }),
  };
}

function pick(values: Partial<Record<TargetName, number>>): Pick<Row, 'direct' | 'gateway' | 'mitmproxy'> {
  return { direct: values.direct, gateway: values.gateway, mitmproxy: values.mitmproxy };
}

function infoRow(metric: string, unit: string, values: Partial<Record<TargetName, number | undefined>>): Row {
  return { metric, unit, direct: values.direct, gateway: values.gateway, mitmproxy: values.mitmproxy, comparison: 'none' };
}

export function buildRows(raw: RawResults): {
  rows: Row[];
  load: { c1: Partial<Record<TargetName, LoadFigures>>; c32: Partial<Record<TargetName, LoadFigures>> };
  scanCost: ScanCost;
} {
  const figures = (samples: LoadSamples) =>
    Object.fromEntries([...samples].map(([name, s]) => [name, loadFigures(s)])) as Partial<Record<TargetName, LoadFigures>>;
  const c1 = figures(raw.c1);
  const c32 = figures(raw.c32);
  const pluck = (f: Partial<Record<TargetName, LoadFigures>>, key: keyof LoadFigures) =>
    Object.fromEntries(Object.entries(f).map(([name, v]) => [name, v[key] as number | undefined])) as Partial<Record<TargetName, number>>;

  const sse = { direct: perTarget(raw.sse, 'direct'), gateway: perTarget(raw.sse, 'gateway'), mitmproxy: perTarget(raw.sse, 'mitmproxy') };
  const sseAdded = minus(sse.gateway, sse.direct);
  const newHost = {
    direct: perTarget(raw.newHost.ms, 'direct'),
    gateway: perTarget(raw.newHost.ms, 'gateway'),
    mitmproxy: perTarget(raw.newHost.ms, 'mitmproxy'),
  };
  const newHostAdded = medianAdded(raw.newHost, 'gateway');
  const rss = { gateway: raw.memory.gateway?.peakRssMiB, mitmproxy: raw.memory.mitmproxy?.peakRssMiB };
  const tenK = c32['gateway-10k']?.reqPerSec;
  const change = pairedChange(raw.c32.get('gateway-10k'), raw.c32.get('gateway'), (s) => s.hey.reqPerSec);
  const cpuChange = pairedChange(raw.c32.get('gateway-10k'), raw.c32.get('gateway'), cpuMsPerRequest);
  const tenKCpu = c32['gateway-10k']?.cpuMsPerRequest;

  const rows: Row[] = [
    ratioRow('small GET, c=1, keep-alive', 'req/s', pluck(c1, 'reqPerSec'), 0.4),
    ratioRow('small GET, c=32, keep-alive', 'req/s', pluck(c32, 'reqPerSec'), 0.4),
    infoRow('  c=32 latency p50', 'ms', pluck(c32, 'p50Ms')),
    infoRow('  c=32 latency p99', 'ms', pluck(c32, 'p99Ms')),
    {
      metric: 'SSE first event (warm conn.)',
      unit: 'ms',
      ...sse,
      comparison: 'added-ms',
      gatewayVsDirect: sseAdded,
      mitmproxyVsDirect: minus(sse.mitmproxy, sse.direct),
      target: 'added ≤ 1 ms',
      pass: sseAdded !== undefined && sseAdded <= 1,
    },
    ratioRow(
      '1 MiB POST echo, keep-alive',
      'MiB/s',
      { direct: perTarget(raw.postEcho, 'direct'), gateway: perTarget(raw.postEcho, 'gateway'), mitmproxy: perTarget(raw.postEcho, 'mitmproxy') },
      0.5,
    ),
    {
      metric: 'first request to a new host',
      unit: 'ms',
      ...newHost,
      comparison: 'added-ms',
      gatewayVsDirect: newHostAdded,
      mitmproxyVsDirect: medianAdded(raw.newHost, 'mitmproxy'),
      target: 'added ≤ 20 ms',
      pass: newHostAdded !== undefined && newHostAdded <= 20,
    },
    { metric: 'proxy peak RSS (VmHWM)', unit: 'MiB', ...rss, comparison: 'none', target: '≤ 100 MiB', pass: rss.gateway !== undefined && rss.gateway <= 100 },
    infoRow('  proxy CPU per request, c=32', 'ms', pluck(c32, 'cpuMsPerRequest')),
    infoRow('  proxy CPU, c=32', '% of 1 core', pluck(c32, 'cpuPercentOfCore')),
    {
      metric: 'c=32 with 10,000 path-rule mappings',
      unit: 'req/s',
      gateway: tenK,
      comparison: 'change-vs-1-mapping',
      gatewayVsDirect: change,
      target: 'change ≥ −5 %',
      pass: change !== undefined && change >= -0.05,
    },
    { metric: '  10,000 path-rule mappings: CPU per request', unit: 'ms', gateway: tenKCpu, comparison: 'change-vs-1-mapping', gatewayVsDirect: cpuChange },
  ];
  const cost = scanCost(raw);
  rows.push(...scanCostRows(cost));
  return { rows, load: { c1, c32 }, scanCost: cost };
}
