/**
 * `npm run bench -- --scenario policy` (issue 14, item 6): c=32 small GETs through the gateway
 * without policy and through the same gateway with 1,000 egress entries per agent and 100
 * rate-limited agents, in interleaved reps (the order rotates), paired rep by rep. The target is
 * a change within 5 % (targets.ts).
 */
import { cpuUsPerRequest, pairedChange } from './load-figures.js';
import { runLoadPhase, type LoadSample } from './load-phase.js';
import { startScenarioGateway, startScenarioUpstream, type ScenarioContext } from './scenario-setup.js';
import { median } from './stats.js';
import { describeTarget, meets, TARGETS } from './targets.js';

export const POLICY_SHAPE = { egressEntries: 1_000, agents: 100 } as const;

export interface PolicyResults {
  shape: typeof POLICY_SHAPE;
  reps: number;
  durationS: number;
  reqPerSec: { gateway: number[]; 'gateway-policy': number[] };
  /** Per rep, policy over none. */
  pairedRatios: number[];
  medianRatio: number;
  cpuUsPerRequest: { gateway?: number; 'gateway-policy'?: number };
  /** Median over reps of the paired change in CPU per request. */
  cpuChange?: number;
  nonOk: { gateway: Record<string, number>; 'gateway-policy': Record<string, number> };
  target: string;
  withinTarget?: boolean;
}

function nonOk(samples: readonly LoadSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) for (const [code, n] of Object.entries(s.run.statusCodes)) if (code !== '200') out[code] = (out[code] ?? 0) + n;
  return out;
}

export async function runPolicyScenario(ctx: ScenarioContext): Promise<PolicyResults> {
  const { settings, log } = ctx;
  const up = await startScenarioUpstream(ctx);
  const targets = [
    await startScenarioGateway(ctx, up, 'gateway', 'gateway', { dummyMappings: 0 }),
    await startScenarioGateway(ctx, up, 'gateway-policy', 'gateway-policy', { dummyMappings: 0, policy: POLICY_SHAPE }),
  ];
  log(
    `policy scenario: upstream https://${up.authority}; gateway-policy has ${POLICY_SHAPE.egressEntries} egress entries × ${POLICY_SHAPE.agents} agents, 2 limits each`,
  );
  log(`warm-up: ${settings.warmupS} s at c=8 per target`);
  await runLoadPhase(up.load, targets, { label: 'warm-up', concurrency: 8, durationS: settings.warmupS, reps: 1 });
  const { reps, durationS } = settings.scenarioLoad;
  log(`small GET, c=32: ${reps} reps × ${durationS} s`);
  const c32 = await runLoadPhase(up.load, targets, { label: 'c=32', concurrency: 32, reps, durationS });
  const none = c32.get('gateway') ?? [];
  const policy = c32.get('gateway-policy') ?? [];
  const pairedRatios = none.map((s, i) => (policy[i]?.run.reqPerSec ?? 0) / s.run.reqPerSec);
  const medianRatio = median(pairedRatios);
  const cpu = (samples: readonly LoadSample[]) => {
    const values = samples.map(cpuUsPerRequest).filter((v): v is number => v !== undefined);
    return values.length ? median(values) : undefined;
  };
  const rule = TARGETS.policyC32;
  const results: PolicyResults = {
    shape: POLICY_SHAPE,
    reps,
    durationS,
    reqPerSec: { gateway: none.map((s) => s.run.reqPerSec), 'gateway-policy': policy.map((s) => s.run.reqPerSec) },
    pairedRatios,
    medianRatio,
    cpuUsPerRequest: { gateway: cpu(none), 'gateway-policy': cpu(policy) },
    cpuChange: pairedChange(policy, none, cpuUsPerRequest),
    nonOk: { gateway: nonOk(none), 'gateway-policy': nonOk(policy) },
    target: describeTarget(rule),
    withinTarget: meets(rule, medianRatio - 1),
  };
  log('');
  log(`c=32 req/s, median: gateway ${median(results.reqPerSec.gateway).toFixed(0)}, gateway-policy ${median(results.reqPerSec['gateway-policy']).toFixed(0)}`);
  log(`policy / none, per rep: ${pairedRatios.map((r) => r.toFixed(3)).join(' ')}; median ${medianRatio.toFixed(3)} (target: ${results.target})`);
  const us = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(0)} µs`);
  log(`gateway CPU per request, median: ${us(results.cpuUsPerRequest.gateway)} without policy, ${us(results.cpuUsPerRequest['gateway-policy'])} with`);
  log(`non-200 answers: ${JSON.stringify(results.nonOk)}`);
  return results;
}
