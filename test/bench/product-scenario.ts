/**
 * `npm run bench -- --scenario product` (issue 18), and the last part of the full bench: the
 * whole headless product as a user runs it, `onecli-launcher serve` (the launcher core, its
 * control API and UI server) and the gateway it supervises, with a local secret mapped to the
 * bench upstream. Resident memory of both processes at rest and after the load (keep-alive c=32
 * and c=128, a new connection per request, 1 MiB echoes, SSE), against the target for the two
 * together. The agent's proxy URL and CA come from `onecli-launcher env --json`, as an agent's do.
 */
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { runPostEchoPhase, runSsePhase } from './client-phases.js';
import { LAUNCHER_V8_FLAGS } from '../../src/shared/launcher-heap.js';
import { INJECT_HEADER } from './gateway-config.js';
import { runLoadPhase } from './load-phase.js';
import { cpuMs, peakRssMiB, rssMiB } from './proc-stats.js';
import { distinctResidentMiB } from './resident-pages.js';
import type { Target } from './routes.js';
import { startScenarioUpstream, type ScenarioContext } from './scenario-setup.js';
import { describeTarget, meets, TARGETS } from './targets.js';
import { freePort, waitForPort } from './wait.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(REPO_ROOT, 'bin/onecli-launcher.js');
/** Long enough for start-up work (CA load, first status) to finish and the heap to settle. */
const SETTLE_MS = 3_000;

/**
 * serve's V8 flags: the shipped ones (as `npm start` passes them), or, for an A/B run,
 * ONECLI_BENCH_LAUNCHER_V8_FLAGS (space-separated; `none` for V8's defaults).
 */
function launcherFlags(): readonly string[] {
  const override = process.env.ONECLI_BENCH_LAUNCHER_V8_FLAGS;
  if (override === undefined) return LAUNCHER_V8_FLAGS;
  return override === 'none' ? [] : override.split(/\s+/).filter(Boolean);
}

export interface ProcessMemory {
  /** VmRSS, MiB. */
  rss: number;
  /** VmHWM, MiB. */
  peak: number;
}

export interface ProductMemory {
  launcher: ProcessMemory;
  gateway: ProcessMemory;
  /** The two VmRSS added up: issue 18's figure, which counts the pages both map (the node binary's) twice. */
  totalRss: number;
  /** The physical pages of the two, each once (resident-pages.ts); undefined without root. No target: for whoever owns the target. */
  distinct?: number;
}

export interface ProductResults {
  atRest: ProductMemory;
  afterLoad: ProductMemory;
  reqPerSec: { c32: number[]; c128: number[]; churn: number[] };
  /** Of the requests the upstream saw in the measured windows, those that carried the credential: all of them, or the run is broken. */
  upstream: { requests: number; injected: number };
  statusCodes: Record<string, number>;
  /** CPU per request over the keep-alive and churn phases: the launcher's (activity, values) and the gateway's. */
  cpuUsPerRequest: { launcher: number; gateway: number };
  target: string;
  pass: { atRest?: boolean; afterLoad?: boolean };
}

const memoryOf = (pid: number): ProcessMemory => ({ rss: rssMiB(pid), peak: peakRssMiB(pid) });

function productMemory(launcherPid: number, gatewayPid: number): ProductMemory {
  const launcher = memoryOf(launcherPid);
  const gateway = memoryOf(gatewayPid);
  const distinct = distinctResidentMiB([launcherPid, gatewayPid]);
  return { launcher, gateway, totalRss: launcher.rss + gateway.rss, ...(distinct === undefined ? {} : { distinct }) };
}

/** The gateway `serve` started: its only child running dist/gateway/main.js. */
function gatewayPidOf(servePid: number): number {
  const children = readFileSync(`/proc/${servePid}/task/${servePid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  const gateway = children.find((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/gateway/main.js'));
  if (gateway === undefined) throw new Error(`serve (pid ${servePid}) has no gateway child`);
  return gateway;
}

/** `onecli-launcher ARGS` against the running serve; stdin optional; throws with its stderr on failure. */
async function cli(env: NodeJS.ProcessEnv, args: readonly string[], input?: string): Promise<string> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  child.stdin.end(input ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`onecli-launcher ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString('utf8').slice(0, 500)}`);
  return Buffer.concat(out).toString('utf8');
}

export async function runProductScenario(ctx: ScenarioContext): Promise<ProductResults> {
  const up = await startScenarioUpstream(ctx);
  const dataDir = path.join(ctx.workDir, 'product');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const extraCa = path.join(dataDir, 'upstream-ca.pem');
  writeFileSync(extraCa, up.pki.upstreamCaPem);
  // No session bus, so no keychain: serve keeps the bench's throwaway secret in memory for its run.
  const env = { PATH: process.env.PATH ?? '', HOME: dataDir, ONECLI_DATA_DIR: dataDir };
  const port = await freePort();
  const logFile = path.join(ctx.logDir, 'product-serve.log');
  const fd = openSync(logFile, 'w');
  const serve: ChildProcess = ctx.children.spawn(
    process.execPath,
    [...launcherFlags(), CLI, 'serve', '--port', String(port), '--control-port', '0', '--extra-ca', extraCa],
    {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  await waitForPort(port, serve, 30_000);
  if (!serve.pid) throw new Error('serve: no pid');

  await cli(env, ['secrets', 'set', 'bench', '-'], up.value);
  await cli(env, ['mappings', 'add', up.authority, 'local://bench', '--header', INJECT_HEADER]);
  const agentEnv = JSON.parse(await cli(env, ['env', '--json'])) as Record<string, string>;
  const proxy = agentEnv.HTTPS_PROXY;
  const caFile = agentEnv.NODE_EXTRA_CA_CERTS;
  if (!proxy || !caFile) throw new Error('onecli-launcher env --json gave no HTTPS_PROXY or NODE_EXTRA_CA_CERTS');

  const gatewayPid = gatewayPidOf(serve.pid);
  const target: Target = {
    name: 'onecli-serve',
    proxy: { url: proxy, caPem: readFileSync(caFile, 'utf8'), process: { name: 'onecli-serve', child: serve, pid: gatewayPid, port, logFile } },
  };
  ctx.log(
    `product: node ${launcherFlags().join(' ')} onecli-launcher serve (pid ${serve.pid}) and its gateway (pid ${gatewayPid}) on 127.0.0.1:${port}, 1 mapping (local secret)`,
  );
  await sleep(SETTLE_MS);
  const atRest = productMemory(serve.pid, gatewayPid);
  ctx.log(`  at rest: launcher ${atRest.launcher.rss.toFixed(0)} MiB, gateway ${atRest.gateway.rss.toFixed(0)} MiB`);

  const runs = ctx.settings.scenario === 'product' ? ctx.settings.scenarioLoad : ctx.settings.quick ? { reps: 1, durationS: 1 } : { reps: 2, durationS: 3 };
  const cpuBefore = { launcher: cpuMs(serve.pid, up.load.ticksPerSecond), gateway: cpuMs(gatewayPid, up.load.ticksPerSecond) };
  const c32 = await runLoadPhase(up.load, [target], { label: 'product c=32', concurrency: 32, ...runs });
  const c128 = await runLoadPhase(up.load, [target], { label: 'product c=128', concurrency: 128, ...runs });
  const churn = await runLoadPhase(up.load, [target], {
    label: 'product churn',
    concurrency: ctx.settings.churn.concurrency,
    ...runs,
    driver: 'new-connection',
  });
  const cpuAfter = { launcher: cpuMs(serve.pid, up.load.ticksPerSecond), gateway: cpuMs(gatewayPid, up.load.ticksPerSecond) };
  const clientCtx = { upstreamCaPem: up.pki.upstreamCaPem, origin: up.load.origin, log: ctx.log };
  await runPostEchoPhase(clientCtx, [target], 1, ctx.settings.postEcho.requestsPerRep);
  await runSsePhase(clientCtx, [target], ctx.settings.sseSamples);
  await sleep(SETTLE_MS);
  const afterLoad = productMemory(serve.pid, gatewayPid);
  ctx.log(`  after the load: launcher ${afterLoad.launcher.rss.toFixed(0)} MiB, gateway ${afterLoad.gateway.rss.toFixed(0)} MiB`);

  const rule = TARGETS.productRss;
  const rate = (samples: ReturnType<typeof c32.get>) => (samples ?? []).map((s) => s.run.reqPerSec);
  const samples = [c32, c128, churn].flatMap((phase) => phase.get('onecli-serve') ?? []);
  const statusCodes: Record<string, number> = {};
  for (const s of samples) for (const [code, n] of Object.entries(s.run.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const completed = samples.reduce((n, s) => n + s.run.completed, 0) || 1;
  const cpuUsPerRequest = {
    launcher: ((cpuAfter.launcher - cpuBefore.launcher) * 1000) / completed,
    gateway: ((cpuAfter.gateway - cpuBefore.gateway) * 1000) / completed,
  };
  const upstream = { requests: 0, injected: 0 };
  for (const s of samples) {
    upstream.requests += s.upstream.requests;
    upstream.injected += s.upstream.injected;
  }
  const results: ProductResults = {
    atRest,
    afterLoad,
    reqPerSec: { c32: rate(c32.get('onecli-serve')), c128: rate(c128.get('onecli-serve')), churn: rate(churn.get('onecli-serve')) },
    upstream,
    statusCodes,
    cpuUsPerRequest,
    target: describeTarget(rule),
    pass: { atRest: meets(rule, atRest.totalRss), afterLoad: meets(rule, afterLoad.totalRss) },
  };
  ctx.log('');
  for (const line of formatProduct(results)) ctx.log(line);
  return results;
}

/** The lines the bench prints for it. */
export function formatProduct(r: ProductResults): string[] {
  const row = (label: string, m: ProductMemory) =>
    `  ${label.padEnd(15)} launcher ${m.launcher.rss.toFixed(0).padStart(4)} MiB (peak ${m.launcher.peak.toFixed(0)}), gateway ${m.gateway.rss
      .toFixed(0)
      .padStart(4)} MiB (peak ${m.gateway.peak.toFixed(0)}), together ${m.totalRss.toFixed(0).padStart(4)} MiB`;
  const distinct = (m: ProductMemory) => (m.distinct === undefined ? 'not readable (needs root)' : `${m.distinct.toFixed(0)} MiB`);
  const verdict = (pass: boolean | undefined) => (pass === undefined ? 'n/a' : pass ? 'PASS' : 'MISS');
  return [
    `whole product, headless (onecli-launcher serve + its gateway), resident memory; target ${r.target}:`,
    `${row('at rest', r.atRest)}  ${verdict(r.pass.atRest)}`,
    `${row('after the load', r.afterLoad)}  ${verdict(r.pass.afterLoad)}`,
    `  the same two, each physical page once (both are node: the binary's pages are shared): at rest ${distinct(r.atRest)}, after the load ${distinct(r.afterLoad)} (no target)`,
    `  CPU per request (keep-alive and churn phases, set-up included): launcher ${r.cpuUsPerRequest.launcher.toFixed(0)} µs, gateway ${r.cpuUsPerRequest.gateway.toFixed(0)} µs`,
    `  the load: statuses ${JSON.stringify(r.statusCodes)}; the upstream saw ${r.upstream.requests} requests in the windows, ${r.upstream.injected} with the credential${
      r.upstream.injected === r.upstream.requests ? '' : '  (NOT ALL INJECTED: the figure is not of the product working)'
    }`,
  ];
}
