import { describe, expect, it } from 'vitest';
import type { LoadSample } from '../../bench/load-phase.js';
import { formatAnomalies, formatTable } from '../../bench/report.js';
import { buildRows, type RawResults } from '../../bench/results.js';
import { scanCostFigure } from '../../bench/scan-cost.js';

function sample(reqPerSec: number, proxyCpuMs?: number): LoadSample {
  const responses = Math.round(reqPerSec);
  return {
    run: { reqPerSec, statusCodes: { '200': responses }, errors: [], completed: responses },
    wallMs: 1000,
    proxyCpuMs,
    upstream: { type: 'counters', requests: responses, injected: responses, connections: 0 },
    tcpOpens: 2,
    tcpOpensInWindow: 0,
  };
}

function raw(): RawResults {
  return {
    targets: ['direct', 'gateway', 'gateway-noscan'],
    c1: new Map([
      ['direct', [sample(6000), sample(6000), sample(6000)]],
      ['gateway', [sample(1800, 540), sample(2000, 600), sample(1000, 320)]],
      ['gateway-noscan', [sample(2000, 500), sample(2000, 500), sample(1250, 250)]],
    ]),
    c32: new Map([
      ['direct', [sample(12000)]],
      ['gateway', [sample(3000, 600)]],
      ['gateway-10k', [sample(3000, 600)]],
      ['gateway-noscan', [sample(4000, 600)]],
    ]),
    c128: new Map(),
    churn: new Map(),
    sse: new Map([
      ['direct', [1, 1]],
      ['gateway', [2, 2.5]],
      ['gateway-noscan', [1.9, 2.1]],
    ]),
    postEcho: new Map([
      ['direct', [200]],
      ['gateway', [60]],
      ['gateway-noscan', [80]],
    ]),
    newHost: {
      ms: new Map([
        ['direct', [5]],
        ['gateway', [20]],
      ]),
      notInjected: {},
    },
    memory: {},
    peakRssByPhase: [],
    logs: {
      gateway: { lines: 2, levels: { info: 2 }, notable: {} },
      'gateway-noscan': { lines: 3, levels: { info: 2, warn: 1 }, notable: { 'warn: responses are NOT scanned for injected values (…)': 1 } },
    },
    exits: {},
  };
}

describe('bench: what the response scan costs', () => {
  it('pairs reps by index: medians of per-pair ratios and differences, not ratios of medians', () => {
    const f = scanCostFigure([90, 100, 50], [100, 100, 100]);
    expect(f.change).toBeCloseTo(-0.1);
    expect(f.added).toBe(-10);
    expect(f.scanned).toBe(90);
    expect(f.unscanned).toBe(100);
    expect(f.pairs).toHaveLength(3);
  });

  it('drops pairs with a side missing', () => {
    const f = scanCostFigure([1, undefined, 3], [2, 2]);
    expect(f.pairs).toEqual([{ scanned: 1, unscanned: 2 }]);
    expect(scanCostFigure([], []).change).toBeUndefined();
  });

  it('adds informational rows after the existing ones, with no target', () => {
    const { rows, scanCost } = buildRows(raw(), 8);
    const metrics = rows.map((r) => r.metric);
    const tenK = metrics.indexOf('c=32 with 10,000 path-rule mappings');
    expect(tenK).toBeGreaterThan(-1);
    expect(metrics.findIndex((m) => m.startsWith('no response scan'))).toBeGreaterThan(tenK);
    const scanRows = rows.filter((r) => r.comparison === 'change-vs-no-scan' || r.comparison === 'added-vs-no-scan');
    expect(scanRows).toHaveLength(6);
    expect(scanRows.every((r) => r.target === undefined && r.pass === undefined)).toBe(true);
    expect(scanCost.c1ReqPerSec.change).toBeCloseTo(-0.1); // pairs: 0.9, 1.0, 0.8
    // CPU µs per request: 300 vs 250, 300 vs 250, 320 vs 200
    expect(scanCost.c1CpuUsPerRequest.added).toBeCloseTo(50);
    expect(scanCost.c32ReqPerSec.change).toBeCloseTo(-0.25);
    expect(scanCost.postEchoMiBps.change).toBeCloseTo(-0.25);
    expect(scanCost.sseFirstEventMs.added).toBeCloseTo(0.25);
  });

  it('prints the change against no scan, and nothing in the mitmproxy columns', () => {
    const table = formatTable(buildRows(raw(), 8).rows, true);
    const c1 = table.split('\n').find((l) => l.includes('no response scan: c=1')) ?? '';
    expect(c1).toContain('scan −10.0 %');
    const cpu = table.split('\n').find((l) => l.includes('no scan: CPU per request, c=1')) ?? '';
    expect(cpu).toContain('scan +50 µs (+20.0 %)');
    const sse = table.split('\n').find((l) => l.includes('no response scan: SSE')) ?? '';
    expect(sse).toContain('scan +0.25 ms');
    const cells = sse.split('|').map((cell) => cell.trim());
    expect([cells[6], cells[7]]).toEqual(['—', '']); // mitmproxy, mitm vs direct
  });

  it('flags a no-scan gateway that did not announce the switch', () => {
    const r = raw();
    const { load } = buildRows(r, 8);
    expect(formatAnomalies(r, load).some((l) => l.includes('gateway-noscan did not'))).toBe(false);
    r.logs['gateway-noscan'] = { lines: 2, levels: { info: 2 }, notable: {} };
    expect(formatAnomalies(r, load).some((l) => l.includes('gateway-noscan did not'))).toBe(true);
  });
});
