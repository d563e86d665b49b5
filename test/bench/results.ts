/** Turns raw samples into the rows of the printed table (and of the --json file), each against its target. */
import type { NewHostSamples, Samples } from './client-phases.js';
import { cpuUsPerRequest, loadFigures, pairedChange, type LoadFigures } from './load-figures.js';
import type { LoadSamples } from './load-phase.js';
import type { LogSummary } from './log-scan.js';
import type { TargetName } from './routes.js';
import { scanCost, scanCostRows, type ScanCost } from './scan-cost.js';
import { median, ratio } from './stats.js';
import { describeTarget, meets, TARGETS, type TargetId, type TargetRule } from './targets.js';

export interface RawResults {
  targets: TargetName[];
  c1: LoadSamples;
  c32: LoadSamples;
  c128: LoadSamples;
  /** hey -disable-keepalive: a new connection per request. */
  churn: LoadSamples;
  sse: Samples;
  postEcho: Samples;
  newHost: NewHostSamples;
  /** Proxies only: VmHWM and VmRSS after all the load. */
  memory: Partial<Record<TargetName, { peakRssMiB: number; rssMiB: number; anonMiB: number; fileMiB: number }>>;
  /** Proxies' VmHWM after each phase, to see which phase set the peak. */
  peakRssByPhase: { phase: string; peakRssMiB: Partial<Record<TargetName, number>> }[];
  logs: Partial<Record<TargetName, LogSummary>>;
  /** Proxies that exited before the bench stopped them. */
  exits: Partial<Record<TargetName, string>>;
}

/**
 * change-vs-1-mapping: the gateway with 10,000 mappings against the one with 1, paired per rep.
 * change-vs-no-scan / added-vs-no-scan: the gateway (scanning responses) against gateway-noscan,
 * paired per rep, as a relative change or a difference in the row's unit.
 */
export type Comparison = 'ratio' | 'added-ms' | 'change-vs-1-mapping' | 'change-vs-no-scan' | 'added-vs-no-scan' | 'none';

export interface Row {
  /** Stable name for the --json file. */
  id: string;
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
  /** Absent for rows that only inform. */
  target?: { id: TargetId; rule: TargetRule; text: string };
  pass?: boolean;
}

export type PhaseFigures = Partial<Record<TargetName, LoadFigures>>;

export interface BuiltResults {
  rows: Row[];
  load: { c1: PhaseFigures; c32: PhaseFigures; c128: PhaseFigures; churn: PhaseFigures };
  scanCost: ScanCost;
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

function minus(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a - b;
}

type Values = Partial<Record<TargetName, number | undefined>>;

/** Sets the row's target and judges the figure the rule compares (the gateway's own for `at-most`). */
function judged(row: Omit<Row, 'target' | 'pass'>, id: TargetId): Row {
  const rule: TargetRule = TARGETS[id];
  const compared = rule.kind === 'at-most' ? row.gateway : row.gatewayVsDirect;
  return { ...row, target: { id, rule, text: describeTarget(rule) }, pass: meets(rule, compared) };
}

function ratioRow(id: string, metric: string, unit: string, values: Values): Row {
  return {
    id,
    metric,
    unit,
    direct: values.direct,
    gateway: values.gateway,
    mitmproxy: values.mitmproxy,
    comparison: 'ratio',
    gatewayVsDirect: ratio(values.gateway, values.direct),
    mitmproxyVsDirect: ratio(values.mitmproxy, values.direct),
  };
}

function addedRow(id: string, metric: string, values: Values, gatewayAdded: number | undefined, mitmAdded: number | undefined): Row {
  return { id, metric, unit: 'ms', ...pick(values), comparison: 'added-ms', gatewayVsDirect: gatewayAdded, mitmproxyVsDirect: mitmAdded };
}

function pick(values: Values): Pick<Row, 'direct' | 'gateway' | 'mitmproxy'> {
  return { direct: values.direct, gateway: values.gateway, mitmproxy: values.mitmproxy };
}

function infoRow(id: string, metric: string, unit: string, values: Values): Row {
  return { id, metric, unit, ...pick(values), comparison: 'none' };
}

function phaseFigures(samples: LoadSamples): PhaseFigures {
  return Object.fromEntries([...samples].map(([name, s]) => [name, loadFigures(s)])) as PhaseFigures;
}

function pluck(f: PhaseFigures, key: 'reqPerSec' | 'p50Ms' | 'p99Ms' | 'cpuUsPerRequest' | 'cpuPercentOfCore'): Values {
  return Object.fromEntries(Object.entries(f).map(([name, v]) => [name, v[key]])) as Values;
}

interface Reference {
  target: 'gateway-blind' | 'tls-pipe';
  /** The row ids' middle part, e.g. `c32BlindTunnelReqPerSec`. */
  id: string;
  /** The throughput row's name, and the CPU row's. */
  metric: string;
  cpuMetric: string;
}

/** A reference target's keep-alive rows: its req/s as a ratio to direct and its CPU per request, in the gateway column. */
function referenceLoadRows(ref: Reference, c1: PhaseFigures, c32: PhaseFigures, c128: PhaseFigures): Row[] {
  const phases = [
    ['c1', 'c=1', c1],
    ['c32', 'c=32', c32],
    ['c128', 'c=128', c128],
  ] as const;
  return phases.flatMap(([id, label, f]) => {
    const figures = f[ref.target];
    if (!figures) return [];
    return [
      ratioRow(`${id}${ref.id}ReqPerSec`, `${ref.metric}, ${label}`, 'req/s', { direct: f.direct?.reqPerSec, gateway: figures.reqPerSec }),
      infoRow(`${id}${ref.id}CpuUsPerRequest`, `  ${ref.cpuMetric}, ${label}`, 'µs', { gateway: figures.cpuUsPerRequest }),
    ];
  });
}

/**
 * The ceiling: the same gateway process as a blind tunnel (routes.ts, `gateway-blind`), in the
 * gateway column, as a ratio to direct. No target: it says what the machine leaves for any proxy.
 */
function ceilingRows(c1: PhaseFigures, c32: PhaseFigures, c128: PhaseFigures): Row[] {
  const ref: Reference = {
    target: 'gateway-blind',
    id: 'BlindTunnel',
    metric: 'ceiling: blind tunnel via the gateway',
    cpuMetric: 'blind tunnel: proxy CPU per request',
  };
  return referenceLoadRows(ref, c1, c32, c128);
}

/**
 * The reference for TLS termination (routes.ts, `tls-pipe`) in the gateway column, as a ratio to
 * direct (ms added for SSE). No target: it says what ending TLS on both legs leaves in Node.
 */
function tlsPipeRows(c1: PhaseFigures, c32: PhaseFigures, c128: PhaseFigures, sse: Samples, postEcho: Samples): Row[] {
  const ref: Reference = { target: 'tls-pipe', id: 'TlsPipe', metric: 'reference: TLS-terminating pipe', cpuMetric: 'TLS pipe: proxy CPU per request' };
  const rows = referenceLoadRows(ref, c1, c32, c128);
  const sseValues = { direct: perTarget(sse, 'direct'), gateway: perTarget(sse, 'tls-pipe') };
  if (sseValues.gateway !== undefined)
    rows.push(
      addedRow('sseTlsPipeFirstEventMs', 'reference: TLS-terminating pipe, SSE first event', sseValues, minus(sseValues.gateway, sseValues.direct), undefined),
    );
  const echoValues = { direct: perTarget(postEcho, 'direct'), gateway: perTarget(postEcho, 'tls-pipe') };
  if (echoValues.gateway !== undefined) rows.push(ratioRow('postEchoTlsPipeMiBps', 'reference: TLS-terminating pipe, 1 MiB echo', 'MiB/s', echoValues));
  return rows;
}

/** The keep-alive load phases: throughput, latency and the proxy's CPU per request. */
function loadRows(c1: PhaseFigures, c32: PhaseFigures, c128: PhaseFigures, churn: PhaseFigures, churnConcurrency: number): Row[] {
  return [
    judged(ratioRow('c1ReqPerSec', 'small GET, c=1, keep-alive', 'req/s', pluck(c1, 'reqPerSec')), 'c1ReqPerSec'),
    infoRow('c1CpuUsPerRequest', '  proxy CPU per request, c=1', 'µs', pluck(c1, 'cpuUsPerRequest')),
    judged(ratioRow('c32ReqPerSec', 'small GET, c=32, keep-alive', 'req/s', pluck(c32, 'reqPerSec')), 'c32ReqPerSec'),
    infoRow('c32P50Ms', '  c=32 latency p50', 'ms', pluck(c32, 'p50Ms')),
    infoRow('c32P99Ms', '  c=32 latency p99', 'ms', pluck(c32, 'p99Ms')),
    infoRow('c32CpuUsPerRequest', '  proxy CPU per request, c=32', 'µs', pluck(c32, 'cpuUsPerRequest')),
    infoRow('c32CpuPercentOfCore', '  proxy CPU, c=32', '% of 1 core', pluck(c32, 'cpuPercentOfCore')),
    ratioRow('c128ReqPerSec', 'small GET, c=128, keep-alive', 'req/s', pluck(c128, 'reqPerSec')),
    infoRow('c128P99Ms', '  c=128 latency p99', 'ms', pluck(c128, 'p99Ms')),
    infoRow('c128CpuUsPerRequest', '  proxy CPU per request, c=128', 'µs', pluck(c128, 'cpuUsPerRequest')),
    ...ceilingRows(c1, c32, c128),
    ratioRow('churnConnPerSec', `new connection per request, c=${churnConcurrency}`, 'conn/s', pluck(churn, 'reqPerSec')),
    infoRow('churnCpuUsPerConnection', '  proxy CPU per new connection', 'µs', pluck(churn, 'cpuUsPerRequest')),
  ];
}

export function buildRows(raw: RawResults, churnConcurrency: number): BuiltResults {
  const c1 = phaseFigures(raw.c1);
  const c32 = phaseFigures(raw.c32);
  const c128 = phaseFigures(raw.c128);
  const churn = phaseFigures(raw.churn);

  const sse = { direct: perTarget(raw.sse, 'direct'), gateway: perTarget(raw.sse, 'gateway'), mitmproxy: perTarget(raw.sse, 'mitmproxy') };
  const newHost = {
    direct: perTarget(raw.newHost.ms, 'direct'),
    gateway: perTarget(raw.newHost.ms, 'gateway'),
    mitmproxy: perTarget(raw.newHost.ms, 'mitmproxy'),
  };
  const postEcho = { direct: perTarget(raw.postEcho, 'direct'), gateway: perTarget(raw.postEcho, 'gateway'), mitmproxy: perTarget(raw.postEcho, 'mitmproxy') };
  const rss = { gateway: raw.memory.gateway?.peakRssMiB, mitmproxy: raw.memory.mitmproxy?.peakRssMiB };
  const tenK = raw.c32.get('gateway-10k');
  const rows: Row[] = [
    ...loadRows(c1, c32, c128, churn, churnConcurrency),
    judged(
      addedRow('sseFirstEventMs', 'SSE first event (warm conn.)', sse, minus(sse.gateway, sse.direct), minus(sse.mitmproxy, sse.direct)),
      'sseFirstEventMs',
    ),
    judged(ratioRow('postEchoMiBps', '1 MiB POST echo, keep-alive', 'MiB/s', postEcho), 'postEchoMiBps'),
    judged(
      addedRow('newHostFirstRequestMs', 'first request to a new host', newHost, medianAdded(raw.newHost, 'gateway'), medianAdded(raw.newHost, 'mitmproxy')),
      'newHostFirstRequestMs',
    ),
    judged({ id: 'peakRssMiB', metric: 'proxy peak RSS (VmHWM)', unit: 'MiB', ...rss, comparison: 'none' }, 'gatewayPeakRssMiB'),
    judged(
      {
        id: 'pathRuleMappingsC32ReqPerSec',
        metric: 'c=32 with 10,000 path-rule mappings',
        unit: 'req/s',
        gateway: c32['gateway-10k']?.reqPerSec,
        comparison: 'change-vs-1-mapping',
        gatewayVsDirect: pairedChange(tenK, raw.c32.get('gateway'), (s) => s.run.reqPerSec),
      },
      'pathRuleMappingsC32',
    ),
    {
      id: 'pathRuleMappingsC32CpuUsPerRequest',
      metric: '  10,000 path-rule mappings: CPU per request',
      unit: 'µs',
      gateway: c32['gateway-10k']?.cpuUsPerRequest,
      comparison: 'change-vs-1-mapping',
      gatewayVsDirect: pairedChange(tenK, raw.c32.get('gateway'), cpuUsPerRequest),
    },
  ];
  rows.push(...tlsPipeRows(c1, c32, c128, raw.sse, raw.postEcho));
  const cost = scanCost(raw);
  rows.push(...scanCostRows(cost));
  return { rows, load: { c1, c32, c128, churn }, scanCost: cost };
}
