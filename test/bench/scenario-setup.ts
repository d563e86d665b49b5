/** What each one-comparison scenario (scenarios.ts) starts with: secrets, a PKI, one upstream listener, and gateways on it. */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createBenchPki, type BenchPki } from './bench-pki.js';
import { startGateway, startUpstream, type ProxyProcess, type UpstreamProcess } from './bench-processes.js';
import type { ChildProcesses } from './child-processes.js';
import { writeGatewayConfig, type GatewayConfigSpec } from './gateway-config.js';
import type { LoadContext } from './load-phase.js';
import { clockTicksPerSecond } from './proc-stats.js';
import { proxyUrl, type GatewayTargetName, type Target } from './routes.js';
import type { BenchSettings } from './settings.js';
import { freePort } from './wait.js';

export interface ScenarioContext {
  settings: BenchSettings;
  children: ChildProcesses;
  workDir: string;
  logDir: string;
  log: (line: string) => void;
}

export interface ScenarioUpstream {
  token: string;
  value: string;
  pki: BenchPki;
  upstream: UpstreamProcess;
  /** `ip:port` of the upstream's one listener. */
  authority: string;
  load: LoadContext;
}

export async function startScenarioUpstream(ctx: ScenarioContext): Promise<ScenarioUpstream> {
  const token = randomBytes(24).toString('hex');
  const value = `bench-${randomBytes(12).toString('hex')}`;
  const pki = await createBenchPki(ctx.workDir, ['127.0.0.1']);
  const upstream = await startUpstream(ctx.children, ctx.workDir, pki, ['127.0.0.1'], value);
  const listener = upstream.listeners[0];
  if (!listener) throw new Error('the upstream has no listener');
  const authority = `${listener.ip}:${listener.port}`;
  const load: LoadContext = {
    children: ctx.children,
    upstream,
    origin: `https://${authority}`,
    upstreamCaPem: pki.upstreamCaPem,
    ticksPerSecond: await clockTicksPerSecond(),
    clientThreads: ctx.settings.clientThreads,
    log: ctx.log,
  };
  return { token, value, pki, upstream, authority, load };
}

/**
 * Starts a gateway mapping the scenario's upstream (logs in `logDir/<dir>.log`), as a target.
 * `v8Flags` replaces the launcher's flags (the heap-flags scenario); `extraEnv` adds bench-only
 * switches to its environment (the upstream-leg scenario).
 */
export async function startScenarioGateway(
  ctx: ScenarioContext,
  up: ScenarioUpstream,
  name: GatewayTargetName,
  dir: string,
  spec: Pick<GatewayConfigSpec, 'dummyMappings' | 'pathRules' | 'policy'>,
  v8Flags?: readonly string[],
  extraEnv: Record<string, string> = {},
): Promise<Target & { proxy: { process: ProxyProcess } }> {
  const listenPort = await freePort();
  const config = writeGatewayConfig(
    path.join(ctx.workDir, dir),
    up.pki,
    { listenPort, mappedHosts: [up.authority], logLevel: ctx.settings.logLevel, ...spec },
    { token: up.token, value: up.value },
  );
  const proc = await startGateway(ctx.children, name, config, listenPort, path.join(ctx.logDir, `${dir}.log`), extraEnv, v8Flags);
  return { name, proxy: { url: proxyUrl(up.token, listenPort), caPem: up.pki.gatewayCa.certPem, process: proc } };
}
