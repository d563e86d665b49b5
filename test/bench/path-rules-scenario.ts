/**
 * `npm run bench -- --scenario path-rules` (issue 12, item 7): the bench's 10,000-mapping
 * comparison alone. c=32 throughput of the gateway with 10,000 mappings that carry path rules
 * (and path rules on the called host, walked before its catch-all) against the gateway with one
 * mapping, in interleaved, paired reps. The pre-issue-12 table (10,000 host-only mappings) runs
 * too: it tells what the path rules cost from what a big table costs on this machine. All three
 * run at once, as in the full bench; each change is the median of per-rep ratios − 1.
 */
import { cpuUsPerRequest, loadFigures, pairedChange } from './load-figures.js';
import { runLoadPhase } from './load-phase.js';
import { startScenarioGateway, startScenarioUpstream, type ScenarioContext } from './scenario-setup.js';
import { describeTarget, meets, TARGETS } from './targets.js';

const DUMMIES = 10_000;

export interface PathRulesResults {
  reps: number;
  durationS: number;
  reqPerSec: Record<'gateway' | 'gateway-10k' | 'gateway-10k-hostonly', number[]>;
  cpuUsPerRequest: Record<'gateway' | 'gateway-10k' | 'gateway-10k-hostonly', number | undefined>;
  /** Median paired change against 1 mapping, req/s and CPU per request. */
  pathRules: { change?: number; cpuChange?: number };
  hostOnly: { change?: number; cpuChange?: number };
  tcpOpensPerRep: Record<string, number[]>;
  target: string;
  pass?: boolean;
}

export async function runPathRulesScenario(ctx: ScenarioContext): Promise<PathRulesResults> {
  const up = await startScenarioUpstream(ctx);
  const targets = [
    await startScenarioGateway(ctx, up, 'gateway', 'gateway', { dummyMappings: 0 }),
    await startScenarioGateway(ctx, up, 'gateway-10k-hostonly', 'gateway-10k-hostonly', { dummyMappings: DUMMIES, pathRules: false }),
    await startScenarioGateway(ctx, up, 'gateway-10k', 'gateway-10k', { dummyMappings: DUMMIES }),
  ];
  ctx.log(`path-rules scenario: upstream https://${up.authority}; 1 mapping, ${DUMMIES} host-only mappings, ${DUMMIES} path-rule mappings`);
  ctx.log(`warm-up: ${ctx.settings.warmupS} s at c=8 per target`);
  await runLoadPhase(up.load, targets, { label: 'warm-up', concurrency: 8, durationS: ctx.settings.warmupS, reps: 1 });
  const { reps, durationS } = ctx.settings.scenarioLoad;
  ctx.log(`small GET, c=32: ${reps} reps × ${durationS} s`);
  const c32 = await runLoadPhase(up.load, targets, { label: 'c=32', concurrency: 32, reps, durationS });
  const one = c32.get('gateway');
  const versus = (name: 'gateway-10k' | 'gateway-10k-hostonly') => ({
    change: pairedChange(c32.get(name), one, (s) => s.run.reqPerSec),
    cpuChange: pairedChange(c32.get(name), one, cpuUsPerRequest),
  });
  const figures = (name: 'gateway' | 'gateway-10k' | 'gateway-10k-hostonly') => loadFigures(c32.get(name) ?? []);
  const names = ['gateway', 'gateway-10k', 'gateway-10k-hostonly'] as const;
  const rule = TARGETS.pathRuleMappingsC32;
  const pathRules = versus('gateway-10k');
  const results: PathRulesResults = {
    reps,
    durationS,
    reqPerSec: Object.fromEntries(names.map((n) => [n, figures(n).repsReqPerSec])) as PathRulesResults['reqPerSec'],
    cpuUsPerRequest: Object.fromEntries(names.map((n) => [n, figures(n).cpuUsPerRequest])) as PathRulesResults['cpuUsPerRequest'],
    pathRules,
    hostOnly: versus('gateway-10k-hostonly'),
    tcpOpensPerRep: Object.fromEntries(names.map((n) => [n, figures(n).repsTcpOpens])),
    target: describeTarget(rule),
    pass: meets(rule, pathRules.change),
  };
  const pct = (v: number | undefined) => (v === undefined ? '—' : `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(1)} %`);
  ctx.log('');
  ctx.log(
    `c=32 against 1 mapping (median of per-rep ratios): 10,000 path-rule mappings ${pct(results.pathRules.change)} req/s, ${pct(results.pathRules.cpuChange)} CPU per request (target ${results.target}: ${results.pass === undefined ? 'n/a' : results.pass ? 'PASS' : 'MISS'})`,
  );
  ctx.log(`                  10,000 host-only mappings ${pct(results.hostOnly.change)} req/s, ${pct(results.hostOnly.cpuChange)} CPU per request`);
  return results;
}
