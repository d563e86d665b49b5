/**
 * `npm run bench -- --scenario upstream-leg` (issue 18): the gateway's upstream leg through
 * undici's dispatch API (the default) against node:http with its agents (the same program
 * started with ONECLI_BENCH_UPSTREAM_LEG=node-http), both against one upstream, direct beside
 * them for the ratios. c=1, c=32 and c=128 small GETs in interleaved reps (the order rotates),
 * SSE first event in rotating rounds, 1 MiB POST echo in rotating reps; every undici figure is
 * paired with the node:http figure of the same rep or round. Also each gateway's CPU per
 * request (per MiB echoed) and its RSS at rest and at peak. `--cpu-prof DIR` profiles both
 * gateways (slower: for the self-time tables, not for the figures).
 */
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { summarizeCpuProfile } from './cpu-profile.js';
import { cpuUsPerRequest, loadFigures } from './load-figures.js';
import { rotated, runLoadPhase, type LoadSample, type LoadSamples } from './load-phase.js';
import { dispatcherFor, getEcho, postEchoMiBps, sseFirstEventMs } from './node-client.js';
import { cpuMs, peakRssMiB, rssMiB } from './proc-stats.js';
import type { ProxyProcess } from './bench-processes.js';
import type { Target } from './routes.js';
import { startScenarioGateway, startScenarioUpstream, type ScenarioContext } from './scenario-setup.js';
import { median } from './stats.js';
import { GATEWAY_EXEC_ARGV } from '../../src/core/supervisor/spawner.js';

export const LEG_ENV = 'ONECLI_BENCH_UPSTREAM_LEG';
/** The undici leg runs as `gateway` (the default program), the node:http leg beside it. */
type Leg = 'gateway' | 'gateway-node-http';
/** SSE rounds and 1 MiB echo reps (`--quick`: a smoke run). */
const FULL = { sseRounds: 15, echo: { reps: 5, requestsPerRep: 8 } };
const QUICK = { sseRounds: 3, echo: { reps: 1, requestsPerRep: 2 } };
const MIB = 1024 * 1024;

type GatewayTarget = Target & { proxy: { process: ProxyProcess } };

/** Per figure: each leg's median, and undici over node:http paired rep by rep (the median of the ratios). */
export interface LegFigure {
  unit: string;
  direct?: number;
  undici: number;
  nodeHttp: number;
  /** undici / node:http, per rep or round, and their median (for SSE: undici − node:http in ms). */
  paired: number[];
  pairedMedian: number;
}

export interface UpstreamLegResults {
  reps: number;
  durationS: number;
  figures: Record<string, LegFigure>;
  memory: Record<Leg, { restMiB: number; afterMiB: number; peakMiB: number }>;
  nonOk: Record<string, Record<string, number>>;
  profiles?: Record<Leg, string>;
}

function legFigure(samples: LoadSamples, unit: string, metric: (s: LoadSample) => number | undefined): LegFigure {
  const of = (name: 'direct' | Leg) => (samples.get(name) ?? []).map(metric).filter((v): v is number => v !== undefined);
  const undici = samples.get('gateway') ?? [];
  const nodeHttp = samples.get('gateway-node-http') ?? [];
  const paired = undici.flatMap((s, i) => {
    const other = nodeHttp[i];
    const [a, b] = [metric(s), other && metric(other)];
    return a !== undefined && b ? [a / b] : [];
  });
  const direct = of('direct');
  return {
    unit,
    ...(direct.length ? { direct: median(direct) } : {}),
    undici: median(of('gateway')),
    nodeHttp: median(of('gateway-node-http')),
    paired,
    pairedMedian: median(paired),
  };
}

async function echoRuns(
  targets: readonly Target[],
  dispatchers: Map<string, Dispatcher>,
  origin: string,
  ticks: number,
  runs: typeof FULL.echo,
  log: (l: string) => void,
) {
  const body = Buffer.alloc(MIB, 0x61);
  const out = new Map<string, { mibps: number; cpuUsPerMiB?: number }[]>(targets.map((t) => [t.name, []]));
  for (const t of targets) await postEchoMiBps(dispatchers.get(t.name) as Dispatcher, origin, body, 2);
  for (let rep = 0; rep < runs.reps; rep++) {
    for (const t of rotated(targets, rep)) {
      const pid = t.proxy?.process.pid;
      const before = pid === undefined ? 0 : cpuMs(pid, ticks);
      const mibps = await postEchoMiBps(dispatchers.get(t.name) as Dispatcher, origin, body, runs.requestsPerRep);
      const cpuUsPerMiB = pid === undefined ? undefined : ((cpuMs(pid, ticks) - before) * 1000) / runs.requestsPerRep;
      out.get(t.name)?.push({ mibps, ...(cpuUsPerMiB === undefined ? {} : { cpuUsPerMiB }) });
      log(`  1 MiB echo rep ${rep + 1}/${runs.reps} ${t.name.padEnd(18)} ${mibps.toFixed(1).padStart(7)} MiB/s`);
    }
  }
  return out;
}

function pairedOf(values: Map<string, number[]>, combine: (undici: number, node: number) => number, unit: string, direct?: number): LegFigure {
  const u = values.get('gateway') ?? [];
  const n = values.get('gateway-node-http') ?? [];
  const paired = u.map((v, i) => combine(v, n[i] as number));
  return { unit, ...(direct === undefined ? {} : { direct }), undici: median(u), nodeHttp: median(n), paired, pairedMedian: median(paired) };
}

export async function runUpstreamLegScenario(ctx: ScenarioContext): Promise<UpstreamLegResults> {
  const { settings, log } = ctx;
  const { sseRounds, echo: echoRunsSpec } = settings.quick ? QUICK : FULL;
  const up = await startScenarioUpstream(ctx);
  const profDir = settings.cpuProfDir;
  const flags = (leg: Leg) => (profDir ? [...GATEWAY_EXEC_ARGV, '--cpu-prof', `--cpu-prof-dir=${path.join(profDir, leg)}`] : undefined);
  const gateways = [
    await startScenarioGateway(ctx, up, 'gateway', 'gateway', { dummyMappings: 0 }, flags('gateway')),
    await startScenarioGateway(ctx, up, 'gateway-node-http', 'gateway-node-http', { dummyMappings: 0 }, flags('gateway-node-http'), { [LEG_ENV]: 'node-http' }),
  ];
  const restMiB = Object.fromEntries(gateways.map((g) => [g.name, rssMiB(g.proxy.process.pid)]));
  const targets: Target[] = [{ name: 'direct' }, ...gateways];
  const { reps, durationS } = settings.scenarioLoad;
  log(
    `upstream-leg scenario: upstream https://${up.authority}; gateway (undici) and gateway-node-http (${LEG_ENV}=node-http)${profDir ? `; CPU profiles in ${profDir}` : ''}`,
  );
  await runLoadPhase(up.load, targets, { label: 'warm-up', concurrency: 8, durationS: settings.warmupS, reps: 1 });
  const load: Record<string, LoadSamples> = {};
  for (const concurrency of [1, 32, 128]) {
    log(`small GET, c=${concurrency}: ${reps} reps × ${durationS} s`);
    load[`c=${concurrency}`] = await runLoadPhase(up.load, targets, { label: `c=${concurrency}`, concurrency, reps, durationS });
  }
  const dispatchers = new Map(targets.map((t) => [t.name, dispatcherFor(t, up.pki.upstreamCaPem)]));
  for (const d of dispatchers.values()) await getEcho(d, up.load.origin);
  log(`SSE first event: ${sseRounds} rounds`);
  const sse = new Map<string, number[]>(targets.map((t) => [t.name, []]));
  for (let i = 0; i < sseRounds; i++) {
    for (const t of rotated(targets, i)) sse.get(t.name)?.push(await sseFirstEventMs(dispatchers.get(t.name) as Dispatcher, up.load.origin));
  }
  log(`1 MiB POST echo: ${echoRunsSpec.reps} reps × ${echoRunsSpec.requestsPerRep} requests`);
  const echo = await echoRuns(targets, dispatchers, up.load.origin, up.load.ticksPerSecond, echoRunsSpec, log);
  await Promise.all([...dispatchers.values()].map((d) => d.close()));

  const figures: Record<string, LegFigure> = {};
  for (const [label, samples] of Object.entries(load)) {
    figures[`${label} req/s`] = legFigure(samples, 'req/s', (s) => s.run.reqPerSec);
    figures[`${label} gateway CPU per request`] = legFigure(samples, 'µs', cpuUsPerRequest);
    figures[`${label} latency p99`] = legFigure(samples, 'ms', (s) => s.run.p99Ms);
  }
  const echoOf = (key: 'mibps' | 'cpuUsPerMiB') => new Map([...echo].map(([name, runs]) => [name, runs.map((r) => r[key] ?? Number.NaN)]));
  figures['1 MiB echo'] = pairedOf(echoOf('mibps'), (u, n) => u / n, 'MiB/s', median(echoOf('mibps').get('direct') ?? []));
  figures['1 MiB echo gateway CPU per MiB'] = pairedOf(echoOf('cpuUsPerMiB'), (u, n) => u / n, 'µs');
  figures['SSE first event'] = pairedOf(sse, (u, n) => u - n, 'ms (paired: undici − node:http)', median(sse.get('direct') ?? []));

  const memory = {} as UpstreamLegResults['memory'];
  for (const g of gateways) {
    const pid = g.proxy.process.pid;
    memory[g.name as Leg] = { restMiB: restMiB[g.name] as number, afterMiB: rssMiB(pid), peakMiB: peakRssMiB(pid) };
  }
  const nonOk: UpstreamLegResults['nonOk'] = {};
  for (const [label, samples] of Object.entries(load)) {
    for (const t of targets) {
      const codes = Object.entries(loadFigures(samples.get(t.name) ?? []).statusCodes).filter(([c]) => c !== '200');
      if (codes.length) nonOk[`${label} ${t.name}`] = Object.fromEntries(codes);
    }
  }
  const results: UpstreamLegResults = { reps, durationS, figures, memory, nonOk };
  if (profDir) results.profiles = await stopAndSummarize(gateways, profDir, log);
  report(results, log);
  return results;
}

async function stopAndSummarize(gateways: readonly GatewayTarget[], dir: string, log: (l: string) => void): Promise<Record<Leg, string>> {
  const out = {} as Record<Leg, string>;
  for (const g of gateways) {
    const { child } = g.proxy.process;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM'); // the gateway exits on SIGTERM, and Node writes the profile as it does
    await exited;
    out[g.name as Leg] = summarizeCpuProfile(path.join(dir, g.name));
    log(`\nCPU profile, ${g.name}:\n${out[g.name as Leg]}`);
  }
  return out;
}

function report(r: UpstreamLegResults, log: (l: string) => void): void {
  const n = (v: number | undefined, unit: string) =>
    v === undefined || !Number.isFinite(v) ? '—' : unit === 'req/s' || unit === 'µs' ? v.toFixed(0) : v.toFixed(2);
  log('');
  log('figure                              | direct  | undici  | node:http | undici / node:http, paired median (per rep)');
  for (const [name, f] of Object.entries(r.figures)) {
    const sse = f.unit.startsWith('ms (paired');
    const paired = sse ? `${f.pairedMedian >= 0 ? '+' : ''}${f.pairedMedian.toFixed(2)} ms` : `×${f.pairedMedian.toFixed(3)}`;
    const each = f.paired.map((p) => p.toFixed(2)).join(' ');
    log(
      `${name.padEnd(36)}| ${n(f.direct, f.unit).padStart(7)} | ${n(f.undici, f.unit).padStart(7)} | ${n(f.nodeHttp, f.unit).padStart(9)} | ${paired} (${each})`,
    );
  }
  for (const [leg, m] of Object.entries(r.memory))
    log(`${leg}: RSS at rest ${m.restMiB.toFixed(1)} MiB, after the run ${m.afterMiB.toFixed(1)} MiB, peak ${m.peakMiB.toFixed(1)} MiB`);
  log(`non-200 answers: ${Object.keys(r.nonOk).length ? JSON.stringify(r.nonOk) : 'none'}`);
  log(
    `gateway vs direct (medians): ${['c=1', 'c=32', 'c=128'].map((c) => `${c} undici ×${((r.figures[`${c} req/s`]?.undici ?? 0) / (r.figures[`${c} req/s`]?.direct ?? 1)).toFixed(2)}, node:http ×${((r.figures[`${c} req/s`]?.nodeHttp ?? 0) / (r.figures[`${c} req/s`]?.direct ?? 1)).toFixed(2)}`).join('; ')}`,
  );
}
