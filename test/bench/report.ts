/** Prints the target table and the anomalies seen during the run. */
import type { LoadFigures } from './load-figures.js';
import type { BuiltResults, RawResults, Row } from './results.js';
import { injects, type TargetName } from './routes.js';

/** Part of the warning the standalone gateway logs when started with the no-scan switch. */
export const NO_SCAN_LOG_MARK = 'responses are NOT scanned';

function formatValue(value: number | undefined, unit: string): string {
  if (value === undefined || !Number.isFinite(value)) return '—';
  if (unit === 'req/s' || unit === 'conn/s' || unit === 'µs') return value.toFixed(0);
  if (unit === 'MiB/s' || unit === 'MiB' || unit.startsWith('%')) return value.toFixed(1);
  return value < 10 ? value.toFixed(2) : value.toFixed(1);
}

function signedPercent(change: number): string {
  return `${change >= 0 ? '+' : '−'}${Math.abs(100 * change).toFixed(1)} %`;
}

/** Rows comparing the gateway with a variant of itself: nothing for mitmproxy there. */
function gatewayOnly(row: Row): boolean {
  return row.comparison === 'change-vs-1-mapping' || row.comparison === 'change-vs-no-scan' || row.comparison === 'added-vs-no-scan';
}

function formatComparison(row: Row, value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return row.comparison === 'none' ? '' : '—';
  switch (row.comparison) {
    case 'ratio':
      return `×${value.toFixed(2)}`;
    case 'added-ms':
      return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)} ms`;
    case 'change-vs-1-mapping':
      return `${value >= 0 ? '+' : '−'}${Math.abs(100 * value).toFixed(1)} % vs 1 mapping`;
    case 'change-vs-no-scan':
      return `scan ${signedPercent(value)}`;
    case 'added-vs-no-scan': {
      const digits = row.unit === 'µs' ? 0 : Math.abs(value) < 0.1 ? 3 : 2;
      const added = `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(digits)} ${row.unit}`;
      const relative = row.gatewayChange === undefined || !Number.isFinite(row.gatewayChange) ? '' : ` (${signedPercent(row.gatewayChange)})`;
      return `scan ${added}${relative}`;
    }
    case 'none':
      return '';
  }
}

function resultCell(row: Row): string {
  if (!row.target) return '';
  if (row.pass === undefined) return 'n/a';
  return row.pass ? 'PASS' : 'MISS';
}

export function formatTable(rows: readonly Row[], hasMitm: boolean): string {
  const header = ['metric', 'unit', 'direct', 'gateway', 'gw vs direct', ...(hasMitm ? ['mitmproxy', 'mitm vs direct'] : []), 'target (gateway)', 'result'];
  const body = rows.map((row) => [
    row.metric,
    row.unit,
    formatValue(row.direct, row.unit),
    formatValue(row.gateway, row.unit),
    formatComparison(row, row.gatewayVsDirect),
    ...(hasMitm ? [formatValue(row.mitmproxy, row.unit), gatewayOnly(row) ? '' : formatComparison(row, row.mitmproxyVsDirect)] : []),
    row.target?.text ?? '',
    resultCell(row),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => (cells[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (i <= 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i <= 1 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

function statusSummary(figures: LoadFigures): string {
  const codes =
    Object.entries(figures.statusCodes)
      .map(([code, n]) => `[${code}] ${n}`)
      .join(', ') || 'no responses';
  return `${codes}; errors ${figures.errors.length ? figures.errors.join(' / ') : 'none'}`;
}

/**
 * One line per load phase and target. "TCP opens" is machine-wide over each whole run, set-up
 * included: about the concurrency direct and twice it through a proxy (its upstream leg) when
 * connections are held; "in window per request" is ~0 for keep-alive and ~1 for the churn phase.
 * Machine-wide counts include other processes' connections, so on a shared machine the clean
 * evidence is the client's own count and the upstream's ("upstream connections in windows").
 */
function loadLine(phase: string, name: string, f: LoadFigures): string {
  const reps = f.repsReqPerSec.map((r, i) => `${r.toFixed(0)}/${f.repsTcpOpens[i]}`).join(' ');
  const reopened = f.repsWithReopens ? `; ! ${f.repsWithReopens} reps reopened connections in the window` : '';
  const client =
    f.clientCpuUsPerRequest === undefined
      ? ''
      : `; client connections ${f.repsClientConnections.join(' ')}, client CPU ${f.clientCpuUsPerRequest.toFixed(0)} µs/request`;
  const upstream = `upstream connections in windows ${f.upstreamConnections}`;
  return `${phase} ${name}: ${statusSummary(f)}; reps req/s/TCP opens: ${reps}; in window per request ${f.tcpOpensPerRequest.toFixed(3)}; ${upstream}${client}${reopened}`;
}

/** Lines describing anything off: non-2xx, load errors, missing injection, log warnings, exits. */
export function formatAnomalies(raw: RawResults, load: BuiltResults['load']): string[] {
  const lines: string[] = [];
  for (const [phase, figures] of Object.entries(load)) {
    for (const [name, f] of Object.entries(figures)) {
      lines.push(loadLine(phase, name, f));
      const proxied = injects(name as TargetName);
      const missing = proxied ? f.upstreamRequests - f.upstreamInjected : f.upstreamInjected;
      if (missing !== 0)
        lines.push(`  ! upstream saw ${f.upstreamRequests} requests, ${f.upstreamInjected} with the injected header (expected ${proxied ? 'all' : 'none'})`);
    }
  }
  for (const name of raw.targets) {
    const memory = raw.memory[name];
    if (!memory) continue;
    const steps = raw.peakRssByPhase.map((p) => `${p.phase} ${p.peakRssMiB[name]?.toFixed(0) ?? '—'}`).join(', ');
    lines.push(
      `${name} VmHWM MiB after each phase: ${steps}; VmRSS at end ${memory.rssMiB.toFixed(0)} (its own ${memory.anonMiB.toFixed(0)}, files ${memory.fileMiB.toFixed(0)})`,
    );
  }
  for (const [name, n] of Object.entries(raw.newHost.notInjected))
    lines.push(`! new-host phase: ${n} first requests via ${name} arrived without the injected header`);
  for (const [name, log] of Object.entries(raw.logs)) {
    const notable = Object.entries(log.notable).map(([msg, n]) => `    ${n}× ${msg}`);
    lines.push(`${name} log: ${log.lines} lines ${JSON.stringify(log.levels)}${notable.length ? '\n' + notable.join('\n') : ''}`);
  }
  // The no-scan switch announces itself at start (a warn line); without it the scan rows compare like with like.
  const saysUnscanned = (name: TargetName) => Object.keys(raw.logs[name]?.notable ?? {}).some((msg) => msg.includes(NO_SCAN_LOG_MARK));
  if (raw.logs['gateway-noscan'] && !saysUnscanned('gateway-noscan'))
    lines.push('! gateway-noscan did not log that it relays responses unscanned: the no-scan rows may compare two scanning gateways');
  if (raw.logs.gateway && saysUnscanned('gateway')) lines.push('! gateway logged that it relays responses unscanned: every gateway figure is without the scan');
  for (const [name, how] of Object.entries(raw.exits)) lines.push(`! ${name} exited during the run: ${how}`);
  return lines;
}
