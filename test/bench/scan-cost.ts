/** What scanning responses for the credential costs (issue 11): the gateway against gateway-noscan, paired per rep. */
import type { Samples } from './client-phases.js';
import { cpuUsPerRequest, optionalMedian } from './load-figures.js';
import type { LoadSample, LoadSamples } from './load-phase.js';
import type { Row } from './results.js';
import { median } from './stats.js';

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

export interface ScanCost {
  c1ReqPerSec: ScanCostFigure;
  c1CpuUsPerRequest: ScanCostFigure;
  c32ReqPerSec: ScanCostFigure;
  c32CpuUsPerRequest: ScanCostFigure;
  postEchoMiBps: ScanCostFigure;
  sseFirstEventMs: ScanCostFigure;
}

/** Pairs the i-th scanned value with the i-th unscanned one (same rep); unmeasured pairs are dropped. */
export function scanCostFigure(scanned: readonly (number | undefined)[], unscanned: readonly (number | undefined)[]): ScanCostFigure {
  const pairs = scanned.flatMap((s, i) => {
    const u = unscanned[i];
    return s !== undefined && u !== undefined && Number.isFinite(s) && Number.isFinite(u) ? [{ scanned: s, unscanned: u }] : [];
  });
  const withBase = pairs.filter((p) => p.unscanned !== 0);
  return {
    scanned: optionalMedian(scanned),
    unscanned: optionalMedian(unscanned),
    change: withBase.length ? median(withBase.map((p) => p.scanned / p.unscanned)) - 1 : undefined,
    added: pairs.length ? median(pairs.map((p) => p.scanned - p.unscanned)) : undefined,
    pairs,
  };
}

export function scanCost(raw: { c1: LoadSamples; c32: LoadSamples; sse: Samples; postEcho: Samples }): ScanCost {
  const load = (samples: LoadSamples, metric: (s: LoadSample) => number | undefined) =>
    scanCostFigure((samples.get('gateway') ?? []).map(metric), (samples.get('gateway-noscan') ?? []).map(metric));
  const reqPerSec = (s: LoadSample) => s.run.reqPerSec;
  const client = (samples: Samples) => scanCostFigure(samples.get('gateway') ?? [], samples.get('gateway-noscan') ?? []);
  return {
    c1ReqPerSec: load(raw.c1, reqPerSec),
    c1CpuUsPerRequest: load(raw.c1, cpuUsPerRequest),
    c32ReqPerSec: load(raw.c32, reqPerSec),
    c32CpuUsPerRequest: load(raw.c32, cpuUsPerRequest),
    postEchoMiBps: client(raw.postEcho),
    sseFirstEventMs: client(raw.sse),
  };
}

/** Informational rows: the unscanned gateway's figure, and what scanning changes (paired). */
export function scanCostRows(cost: ScanCost): Row[] {
  const change = (id: string, metric: string, unit: string, f: ScanCostFigure): Row => ({
    id,
    metric,
    unit,
    gateway: f.unscanned,
    comparison: 'change-vs-no-scan',
    gatewayVsDirect: f.change,
  });
  const added = (id: string, metric: string, unit: string, f: ScanCostFigure): Row => ({
    id,
    metric,
    unit,
    gateway: f.unscanned,
    comparison: 'added-vs-no-scan',
    gatewayVsDirect: f.added,
    gatewayChange: f.change,
  });
  return [
    change('noScanC1ReqPerSec', 'no response scan: c=1', 'req/s', cost.c1ReqPerSec),
    added('noScanC1CpuUsPerRequest', '  no scan: CPU per request, c=1', 'µs', cost.c1CpuUsPerRequest),
    change('noScanC32ReqPerSec', 'no response scan: c=32', 'req/s', cost.c32ReqPerSec),
    added('noScanC32CpuUsPerRequest', '  no scan: CPU per request, c=32', 'µs', cost.c32CpuUsPerRequest),
    change('noScanPostEchoMiBps', 'no response scan: 1 MiB echo', 'MiB/s', cost.postEchoMiBps),
    added('noScanSseFirstEventMs', 'no response scan: SSE first event', 'ms', cost.sseFirstEventMs),
  ];
}
