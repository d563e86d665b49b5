/**
 * `npm run bench -- --scenario heap-flags` (issue 16, item 11): the gateway's RSS under the
 * bench's c=32 keep-alive load with its V8 flags on the command line (as the launcher starts
 * it) against the flags set only at run time (how a utility process would run if Electron
 * dropped a bare execArgv flag). A fresh gateway per run, the ways interleaved per rep.
 * `--v8-flags "FLAGS"` adds a third way, the shipped flags plus FLAGS (issue 18: `--lite-mode`,
 * `--max-old-space-size`, …), with the gateway's CPU per request beside its memory.
 */
import { runLoadOnce } from './load-phase.js';
import { peakRssMiB, rssMiB } from './proc-stats.js';
import { startScenarioGateway, startScenarioUpstream, type ScenarioContext } from './scenario-setup.js';
import { median } from './stats.js';
import { GATEWAY_EXEC_ARGV } from '../../src/core/supervisor/spawner.js';

type Way = string;

function waysFor(candidate: readonly string[] | undefined): Record<Way, readonly string[]> {
  const ways: Record<Way, readonly string[]> = { 'argv flag': GATEWAY_EXEC_ARGV, 'runtime flag only': [] };
  if (candidate) ways[`+ ${candidate.join(' ')}`] = [...GATEWAY_EXEC_ARGV, ...candidate];
  return ways;
}

export interface HeapFlagsRun {
  way: Way;
  rep: number;
  restMiB: number;
  peakMiB: number;
  endMiB: number;
  reqPerSec: number;
  /** The gateway's CPU (user + system) per response in the window. */
  cpuUsPerRequest: number;
  statusCodes: Record<string, number>;
}

export interface HeapFlagsResults {
  reps: number;
  durationS: number;
  flags: string[];
  runs: HeapFlagsRun[];
  /** Medians per way. */
  medians: Record<Way, { restMiB: number; peakMiB: number; reqPerSec: number; cpuUsPerRequest: number }>;
}

export async function runHeapFlagsScenario(ctx: ScenarioContext): Promise<HeapFlagsResults> {
  const up = await startScenarioUpstream(ctx);
  const { reps, durationS } = ctx.settings.scenarioLoad;
  const WAYS = waysFor(ctx.settings.candidateV8Flags);
  ctx.log(`heap-flags scenario: upstream https://${up.authority}; flags ${GATEWAY_EXEC_ARGV.join(' ')}; ${reps} reps × ${durationS} s at c=32 per way`);
  const runs: HeapFlagsRun[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const way of Object.keys(WAYS)) {
      const dir = `${rep}-${way.replace(/ /g, '-')}`;
      const target = await startScenarioGateway(ctx, up, 'gateway', dir, { dummyMappings: 0 }, WAYS[way]);
      const gw = target.proxy.process;
      const restMiB = rssMiB(gw.pid);
      const sample = await runLoadOnce(up.load, target, { concurrency: 32, durationS });
      const run: HeapFlagsRun = {
        way,
        rep,
        restMiB,
        peakMiB: peakRssMiB(gw.pid),
        endMiB: rssMiB(gw.pid),
        reqPerSec: sample.run.reqPerSec,
        cpuUsPerRequest: ((sample.proxyCpuMs ?? NaN) * 1000) / Math.max(1, sample.run.completed),
        statusCodes: sample.run.statusCodes,
      };
      runs.push(run);
      ctx.log(
        `  ${way.padEnd(17)} rep ${rep + 1}/${reps}: rest ${restMiB.toFixed(0)} MiB, peak ${run.peakMiB.toFixed(0)} MiB, end ${run.endMiB.toFixed(0)} MiB, ${run.reqPerSec.toFixed(0)} req/s, ${run.cpuUsPerRequest.toFixed(0)} µs CPU per request ${JSON.stringify(run.statusCodes)}`,
      );
      if (gw.child.exitCode === null && gw.child.signalCode === null) {
        const exited = new Promise((resolve) => gw.child.once('exit', resolve));
        gw.child.kill('SIGTERM');
        await exited;
      }
    }
  }
  const medianOf = (way: Way, key: 'restMiB' | 'peakMiB' | 'reqPerSec' | 'cpuUsPerRequest') => median(runs.filter((r) => r.way === way).map((r) => r[key]));
  const medians = Object.fromEntries(
    Object.keys(WAYS).map((w) => [
      w,
      {
        restMiB: medianOf(w, 'restMiB'),
        peakMiB: medianOf(w, 'peakMiB'),
        reqPerSec: medianOf(w, 'reqPerSec'),
        cpuUsPerRequest: medianOf(w, 'cpuUsPerRequest'),
      },
    ]),
  );
  ctx.log('');
  for (const [way, m] of Object.entries(medians))
    ctx.log(
      `${way}: median ${m.restMiB.toFixed(0)} MiB at rest, ${m.peakMiB.toFixed(0)} MiB peak, ${m.reqPerSec.toFixed(0)} req/s, ${m.cpuUsPerRequest.toFixed(0)} µs CPU per request`,
    );
  return { reps, durationS, flags: [...GATEWAY_EXEC_ARGV], runs, medians };
}
