/**
 * `npm run bench -- --scenario buffer-reclaim` (issue 18, memory): the gateway as shipped, which
 * runs a minor GC per few MiB of relayed bodies (src/gateway/buffer-reclaim.ts), against the same
 * program started with ONECLI_BENCH_NO_BUFFER_RECLAIM=1. A fresh gateway per run, the two ways
 * interleaved per rep: 1 MiB POST echoes in a row (the body-heavy load), then c=32 small GETs
 * (where the threshold is seldom reached). Peak and end RSS of each, the echo rate, the CPU per
 * MiB echoed and the c=32 rate, so a cost in speed would show beside the memory.
 */
import { runLoadOnce } from './load-phase.js';
import { dispatcherFor, postEchoMiBps } from './node-client.js';
import { cpuMs, peakRssMiB, rssMiB } from './proc-stats.js';
import { startScenarioGateway, startScenarioUpstream, type ScenarioContext } from './scenario-setup.js';
import { median } from './stats.js';

const WAYS = { 'minor GC per 2 MiB': {}, 'no reclaim': { ONECLI_BENCH_NO_BUFFER_RECLAIM: '1' } } as const satisfies Record<string, Record<string, string>>;
type Way = keyof typeof WAYS;
const MIB = 1024 * 1024;

export interface BufferReclaimRun {
  way: Way;
  rep: number;
  restMiB: number;
  /** After the echoes. */
  echoPeakMiB: number;
  echoEndMiB: number;
  echoMiBps: number;
  echoCpuMsPerMiB: number;
  /** After the c=32 run that follows. */
  peakMiB: number;
  c32ReqPerSec: number;
}

export interface BufferReclaimResults {
  reps: number;
  echoes: number;
  runs: BufferReclaimRun[];
  medians: Record<Way, Omit<BufferReclaimRun, 'way' | 'rep'>>;
}

export async function runBufferReclaimScenario(ctx: ScenarioContext): Promise<BufferReclaimResults> {
  const up = await startScenarioUpstream(ctx);
  const { reps, durationS } = ctx.settings.scenarioLoad;
  const echoes = ctx.settings.quick ? 4 : 16;
  const body = Buffer.alloc(MIB, 0x61);
  ctx.log(`buffer-reclaim scenario: upstream https://${up.authority}; ${reps} reps per way: ${echoes} × 1 MiB echoes, then ${durationS} s at c=32`);
  const runs: BufferReclaimRun[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const order = (Object.keys(WAYS) as Way[]).slice();
    if (rep % 2) order.reverse();
    for (const way of order) {
      const target = await startScenarioGateway(ctx, up, 'gateway', `reclaim-${rep}-${way.replace(/ /g, '-')}`, { dummyMappings: 0 }, undefined, WAYS[way]);
      const gw = target.proxy.process;
      const restMiB = rssMiB(gw.pid);
      const dispatcher = dispatcherFor(target, up.pki.upstreamCaPem);
      const cpuBefore = cpuMs(gw.pid, up.load.ticksPerSecond);
      const echoMiBps = await postEchoMiBps(dispatcher, up.load.origin, body, echoes);
      const echoCpuMsPerMiB = (cpuMs(gw.pid, up.load.ticksPerSecond) - cpuBefore) / echoes;
      await dispatcher.close();
      const echoPeakMiB = peakRssMiB(gw.pid);
      const echoEndMiB = rssMiB(gw.pid);
      const load = await runLoadOnce(up.load, target, { concurrency: 32, durationS });
      const run: BufferReclaimRun = {
        way,
        rep,
        restMiB,
        echoPeakMiB,
        echoEndMiB,
        echoMiBps,
        echoCpuMsPerMiB,
        peakMiB: peakRssMiB(gw.pid),
        c32ReqPerSec: load.run.reqPerSec,
      };
      runs.push(run);
      ctx.log(
        `  ${way.padEnd(18)} rep ${rep + 1}/${reps}: rest ${restMiB.toFixed(0)} MiB; echoes peak ${echoPeakMiB.toFixed(0)}, end ${echoEndMiB.toFixed(0)} MiB, ${echoMiBps.toFixed(0)} MiB/s, ${echoCpuMsPerMiB.toFixed(1)} ms CPU per MiB; then c=32 ${load.run.reqPerSec.toFixed(0)} req/s, peak ${run.peakMiB.toFixed(0)} MiB ${JSON.stringify(load.run.statusCodes)}`,
      );
      const exited = new Promise((resolve) => gw.child.once('exit', resolve));
      gw.child.kill('SIGTERM');
      await exited;
    }
  }
  const keys = ['restMiB', 'echoPeakMiB', 'echoEndMiB', 'echoMiBps', 'echoCpuMsPerMiB', 'peakMiB', 'c32ReqPerSec'] as const;
  const medians = Object.fromEntries(
    (Object.keys(WAYS) as Way[]).map((w) => [w, Object.fromEntries(keys.map((k) => [k, median(runs.filter((r) => r.way === w).map((r) => r[k]))]))]),
  ) as BufferReclaimResults['medians'];
  ctx.log('');
  for (const [way, m] of Object.entries(medians))
    ctx.log(
      `${way}: medians rest ${m.restMiB.toFixed(0)} MiB, after the echoes peak ${m.echoPeakMiB.toFixed(0)} / end ${m.echoEndMiB.toFixed(0)} MiB at ${m.echoMiBps.toFixed(0)} MiB/s (${m.echoCpuMsPerMiB.toFixed(1)} ms CPU per MiB), c=32 ${m.c32ReqPerSec.toFixed(0)} req/s, peak ${m.peakMiB.toFixed(0)} MiB`,
    );
  return { reps, echoes, runs, medians };
}
