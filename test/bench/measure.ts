/** Runs every measurement phase, interleaving targets, and collects the raw samples. */
import type { Setup } from './bench-setup.js';
import type { ChildProcesses } from './child-processes.js';
import { runNewHostPhase, runPostEchoPhase, runSsePhase } from './client-phases.js';
import { runLoadPhase, type LoadContext } from './load-phase.js';
import { clockTicksPerSecond, peakRssMiB, rssMiB, rssSplitMiB } from './proc-stats.js';
import type { RawResults } from './results.js';
import type { BenchSettings } from './settings.js';
import type { Target, TargetName } from './routes.js';

function pickTargets(all: Map<TargetName, Target>, names: readonly TargetName[]): Target[] {
  return names.flatMap((n) => all.get(n) ?? []);
}

export async function measure(
  settings: BenchSettings,
  children: ChildProcesses,
  setup: Setup,
  exits: RawResults['exits'],
  log: (line: string) => void,
): Promise<RawResults> {
  const loadCtx: LoadContext = {
    children,
    upstream: setup.upstream,
    origin: setup.origin,
    upstreamCaPem: setup.pki.upstreamCaPem,
    ticksPerSecond: await clockTicksPerSecond(),
    clientThreads: settings.clientThreads,
    log,
  };
  const clientCtx = { upstreamCaPem: setup.pki.upstreamCaPem, origin: setup.origin, log };
  // The variants of the gateway run in the same interleaved reps as the gateway they are paired
  // with, next to it in the (rotating) order. gateway-noscan is left out of the new-host phase,
  // where the scan has nothing to do, and gateway-10k out of all but c=32. c=128 and the churn
  // phase compare the gateway with direct and mitmproxy only.
  // gateway-blind (the ceiling) runs in the keep-alive phases only; tls-pipe (the reference for
  // TLS termination) in those and in the SSE and echo phases.
  const main = pickTargets(setup.targets, ['direct', 'gateway', 'mitmproxy']);
  const withNoScan = pickTargets(setup.targets, ['direct', 'gateway', 'gateway-noscan', 'mitmproxy']);
  const all = pickTargets(setup.targets, ['direct', 'gateway-10k', 'gateway', 'gateway-noscan', 'mitmproxy']);
  const withCeiling = (targets: Target[]) => [...targets, ...pickTargets(setup.targets, ['gateway-blind', 'tls-pipe'])];
  const withTlsPipe = (targets: Target[]) => [...targets, ...pickTargets(setup.targets, ['tls-pipe'])];

  const running = () => setup.proxies.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  const peakRssByPhase: RawResults['peakRssByPhase'] = [];
  const phaseDone = (phase: string) => peakRssByPhase.push({ phase, peakRssMiB: Object.fromEntries(running().map((p) => [p.name, peakRssMiB(p.pid)])) });

  phaseDone('start');
  log(`warm-up: ${settings.warmupS} s at c=8 per target`);
  await runLoadPhase(loadCtx, all, { label: 'warm-up', concurrency: 8, durationS: settings.warmupS, reps: 1 });
  phaseDone('warm-up');
  log(`small GET, c=1: ${settings.c1.reps} reps × ${settings.c1.durationS} s`);
  const c1 = await runLoadPhase(loadCtx, withCeiling(withNoScan), { label: 'c=1', concurrency: 1, ...settings.c1 });
  phaseDone('c=1');
  log(`small GET, c=32: ${settings.c32.reps} reps × ${settings.c32.durationS} s`);
  const c32 = await runLoadPhase(loadCtx, withCeiling(all), { label: 'c=32', concurrency: 32, ...settings.c32 });
  phaseDone('c=32');
  log(`small GET, c=128: ${settings.c128.reps} reps × ${settings.c128.durationS} s`);
  const c128 = await runLoadPhase(loadCtx, withCeiling(main), { label: 'c=128', concurrency: 128, ...settings.c128 });
  phaseDone('c=128');
  const { concurrency: churnC, ...churnRuns } = settings.churn;
  log(`new connection per request (hey -disable-keepalive), c=${churnC}: ${churnRuns.reps} reps × ${churnRuns.durationS} s`);
  const churn = await runLoadPhase(loadCtx, main, { label: 'churn', concurrency: churnC, ...churnRuns, driver: 'new-connection' });
  phaseDone('churn');
  log(`SSE first event: ${settings.sseSamples} samples per target`);
  const sse = await runSsePhase(clientCtx, withTlsPipe(withNoScan), settings.sseSamples);
  phaseDone('sse');
  log(`1 MiB POST echo: ${settings.postEcho.reps} reps × ${settings.postEcho.requestsPerRep} requests`);
  const postEcho = await runPostEchoPhase(clientCtx, withTlsPipe(withNoScan), settings.postEcho.reps, settings.postEcho.requestsPerRep);
  phaseDone('1 MiB echo');
  log(`first request to a new host: ${setup.newHostOrigins.length} hosts`);
  const newHost = await runNewHostPhase(clientCtx, main, setup.newHostOrigins);
  phaseDone('new host');

  const memory: RawResults['memory'] = {};
  for (const proxy of running()) memory[proxy.name] = { peakRssMiB: peakRssMiB(proxy.pid), rssMiB: rssMiB(proxy.pid), ...rssSplitMiB(proxy.pid) };
  return { targets: all.map((t) => t.name), c1, c32, c128, churn, sse, postEcho, newHost, memory, peakRssByPhase, logs: {}, exits };
}
