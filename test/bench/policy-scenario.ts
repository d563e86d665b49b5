/**
 * `npm run bench -- --scenario policy` (issue 14, item 6): c=32 small GETs through the gateway
 * without policy and through the same gateway with 1,000 egress entries per agent and 100
 * rate-limited agents, in interleaved reps (the order rotates), paired rep by rep. The target is
 * a change within 5 %. Writes .bench/policy-results.json.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createBenchPki } from './bench-pki.js';
import { startGateway, startUpstream } from './bench-processes.js';
import type { ChildProcesses } from './child-processes.js';
import { writeGatewayConfig } from './gateway-config.js';
import { runLoadPhase, type LoadContext, type LoadSample } from './load-phase.js';
import { clockTicksPerSecond } from './proc-stats.js';
import type { BenchSettings } from './settings.js';
import { median } from './stats.js';
import { proxyUrl, type GatewayTargetName, type Target } from './targets.js';
import { freePort } from './wait.js';

export const POLICY_SHAPE = { egressEntries: 1_000, agents: 100 } as const;
const TARGET_CHANGE = 0.05;

export interface PolicyResults {
  shape: typeof POLICY_SHAPE;
  reps: number;
  durationS: number;
  reqPerSec: { gateway: number[]; 'gateway-policy': number[] };
  /** Per rep, policy over none. */
  pairedRatios: number[];
  medianRatio: number;
  cpuUsPerRequest: { gateway: number; 'gateway-policy': number };
  nonOk: { gateway: Record<string, number>; 'gateway-policy': Record<string, number> };
  withinTarget: boolean;
}

function cpuUsPerRequest(samples: readonly LoadSample[]): number {
  return median(samples.map((s) => ((s.proxyCpuMs ?? 0) * 1000) / Math.max(1, s.hey.completed)));
}

function nonOk(samples: readonly LoadSample[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) for (const [code, n] of Object.entries(s.hey.statusCodes)) if (code !== '200') out[code] = (out[code] ?? 0) + n;
  return out;
}

export async function runPolicyScenario(
  settings: BenchSettings,
  children: ChildProcesses,
  workDir: string,
  logDir: string,
  log: (line: string) => void,
): Promise<PolicyResults> {
  const token = randomBytes(24).toString('hex');
  const value = `bench-${randomBytes(12).toString('hex')}`;
  const pki = await createBenchPki(workDir, ['127.0.0.1']);
  const upstream = await startUpstream(children, workDir, pki, ['127.0.0.1'], value);
  const listener = upstream.listeners[0];
  if (!listener) throw new Error('the upstream has no listener');
  const authority = `${listener.ip}:${listener.port}`;
  const start = async (name: GatewayTargetName, policy?: typeof POLICY_SHAPE) => {
    const listenPort = await freePort();
    const config = writeGatewayConfig(
      path.join(workDir, name),
      pki,
      { listenPort, mappedHosts: [authority], dummyMappings: 0, logLevel: settings.logLevel, ...(policy ? { policy } : {}) },
      { token, value },
    );
    const proc = await startGateway(children, name, config, listenPort, path.join(logDir, `${name}.log`));
    return { name, proxy: { url: proxyUrl(token, listenPort), caPem: pki.gatewayCa.certPem, process: proc } } satisfies Target;
  };
  const targets = [await start('gateway'), await start('gateway-policy', POLICY_SHAPE)];
  log(
    `policy scenario: upstream https://${authority}; gateway-policy has ${POLICY_SHAPE.egressEntries} egress entries × ${POLICY_SHAPE.agents} agents, 2 limits each`,
  );

  const ctx: LoadContext = { children, upstream, origin: `https://${authority}`, ticksPerSecond: await clockTicksPerSecond(), log };
  log(`warm-up: ${settings.warmupS} s at c=8 per target`);
  await runLoadPhase(ctx, targets, { label: 'warm-up', concurrency: 8, durationS: settings.warmupS, reps: 1 });
  log(`small GET, c=32: ${settings.c32.reps} reps × ${settings.c32.durationS} s`);
  const c32 = await runLoadPhase(ctx, targets, { label: 'c=32', concurrency: 32, ...settings.c32 });
  const none = c32.get('gateway') ?? [];
  const policy = c32.get('gateway-policy') ?? [];
  const pairedRatios = none.map((s, i) => (policy[i]?.hey.reqPerSec ?? 0) / s.hey.reqPerSec);
  const medianRatio = median(pairedRatios);
  const results: PolicyResults = {
    shape: POLICY_SHAPE,
    reps: settings.c32.reps,
    durationS: settings.c32.durationS,
    reqPerSec: { gateway: none.map((s) => s.hey.reqPerSec), 'gateway-policy': policy.map((s) => s.hey.reqPerSec) },
    pairedRatios,
    medianRatio,
    cpuUsPerRequest: { gateway: cpuUsPerRequest(none), 'gateway-policy': cpuUsPerRequest(policy) },
    nonOk: { gateway: nonOk(none), 'gateway-policy': nonOk(policy) },
    withinTarget: Math.abs(1 - medianRatio) <= TARGET_CHANGE,
  };
  log('');
  log(`c=32 req/s, median: gateway ${median(results.reqPerSec.gateway).toFixed(0)}, gateway-policy ${median(results.reqPerSec['gateway-policy']).toFixed(0)}`);
  log(`policy / none, per rep: ${pairedRatios.map((r) => r.toFixed(3)).join(' ')}; median ${medianRatio.toFixed(3)} (target: within ${TARGET_CHANGE * 100} %)`);
  log(
    `gateway CPU per request, median: ${results.cpuUsPerRequest.gateway.toFixed(0)} µs without policy, ${results.cpuUsPerRequest['gateway-policy'].toFixed(0)} µs with`,
  );
  log(`non-200 answers: ${JSON.stringify(results.nonOk)}`);
  return results;
}
