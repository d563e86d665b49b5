/**
 * `npm run bench`: direct vs the gateway (MITM + injection) vs mitmproxy, against an HTTPS
 * upstream on loopback, all in one run; also the gateway with 10,000 mappings, and without its
 * response scan, each paired with the gateway rep by rep. Prints every figure against its
 * target (targets.ts) and writes the results as JSON (.bench/results.json, or --json FILE).
 * `--scenario NAME` (settings.ts lists them) runs one comparison alone (scenarios.ts);
 * `--quick` is a smoke run of the harness. Options: settings.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { GATEWAY_MAIN } from './bench-processes.js';
import { setUp } from './bench-setup.js';
import { ChildProcesses } from './child-processes.js';
import { HEY } from './hey.js';
import { scanLog } from './log-scan.js';
import { measure } from './measure.js';
import { machineBusyPercent } from './proc-stats.js';
import { formatAnomalies, formatTable } from './report.js';
import { buildRows, type RawResults } from './results.js';
import { SCENARIO_RUNNERS } from './scenarios.js';
import { formatProduct, runProductScenario } from './product-scenario.js';
import { settingsFromArgv, type BenchSettings } from './settings.js';
import { TARGETS } from './targets.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const OUT_DIR = path.join(REPO_ROOT, '.bench');
const WATCHDOG_MS = 15 * 60_000;
/** Above this, something else is using the machine and every figure is noisier. */
const BUSY_WARNING_PERCENT = 10;

const log = (line: string) => console.log(line);

async function machineState(): Promise<{ busyPercent: number; loadAverage: number[] }> {
  return { busyPercent: await machineBusyPercent(1_000), loadAverage: os.loadavg() };
}

function machine(before: Awaited<ReturnType<typeof machineState>>, after: Awaited<ReturnType<typeof machineState>>) {
  return { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, kernel: os.release(), before, after };
}

/** --json FILE, or the default file in .bench/. */
function writeResults(settings: BenchSettings, defaultName: string, results: object): void {
  const file = settings.jsonFile ? path.resolve(process.env.INIT_CWD ?? process.cwd(), settings.jsonFile) : path.join(OUT_DIR, defaultName);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const shown = path.relative(process.env.INIT_CWD ?? process.cwd(), file);
  log(`results: ${shown.startsWith('..') ? file : shown}`);
}

/** What every run checks and records first: the programs it needs, its log folder, how busy the machine is. */
async function prepareRun(): Promise<{ logDir: string; before: Awaited<ReturnType<typeof machineState>> }> {
  if (!existsSync(GATEWAY_MAIN)) throw new Error(`${GATEWAY_MAIN} is missing: run npm run build`);
  if (!existsSync(HEY)) throw new Error(`${HEY} is missing: apt-get install hey`);
  const logDir = path.join(OUT_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const before = await machineState();
  log(`machine before the run: ${before.busyPercent.toFixed(0)} % busy, load average ${before.loadAverage.map((l) => l.toFixed(2)).join(' ')}`);
  if (before.busyPercent > BUSY_WARNING_PERCENT) log(`  warning: other processes are using the CPU; figures will be noisier`);
  return { logDir, before };
}

async function runBench(settings: BenchSettings, children: ChildProcesses, workDir: string): Promise<void> {
  const { logDir, before } = await prepareRun();

  const started = performance.now();
  const setup = await setUp(settings, children, workDir, logDir, log);
  const exits: RawResults['exits'] = {};
  let stopping = false;
  for (const proxy of setup.proxies) {
    proxy.child.once('exit', (code, signal) => {
      if (!stopping) exits[proxy.name] = `code ${code} signal ${signal}`;
    });
  }
  const raw = await measure(settings, children, setup, exits, log);
  log('whole product: onecli-launcher serve and its gateway');
  // A folder of its own: the scenario makes its own PKI, whose files the main run's setup already wrote in workDir.
  const productDir = path.join(workDir, 'whole-product');
  mkdirSync(productDir);
  const product = await runProductScenario({ settings, children, workDir: productDir, logDir, log });
  stopping = true;
  await children.stopAll();
  for (const proxy of setup.proxies) raw.logs[proxy.name] = await scanLog(proxy.logFile);
  const wallSeconds = (performance.now() - started) / 1000;
  const after = await machineState();

  const { rows, load, scanCost } = buildRows(raw, settings.churn.concurrency);
  log('');
  log(formatTable(rows, setup.targets.has('mitmproxy')));
  log('');
  log('Ratios are to direct in the same run; each figure is the median of interleaved reps or samples.');
  log('Keep-alive rows: our client holding exactly c connections (keepalive-client.ts); "new connection per request": hey -disable-keepalive.');
  log('Proxy CPU per request: utime + stime of the proxy process over the measured window, per response.');
  log('The 10,000-mapping changes are medians of per-rep ratios to the 1-mapping gateway (paired reps).');
  log('"no response scan" rows: the same gateway and config started with ONECLI_BENCH_UNSAFE_NO_RESPONSE_SCAN=1;');
  log('"scan" is what scanning changes: medians of per-rep (per-sample for SSE) differences and ratios, gateway vs no scan.');
  log('Anomalies and status codes:');
  for (const line of formatAnomalies(raw, load)) log(`  ${line}`);
  log('');
  for (const line of formatProduct(product)) log(line);
  log(
    `\nbench wall time (after build): ${wallSeconds.toFixed(0)} s; load average at the end ${after.loadAverage.map((l) => l.toFixed(2)).join(' ')}; logs in ${path.relative(REPO_ROOT, logDir)}/`,
  );

  const results = {
    generatedAt: new Date().toISOString(),
    machine: machine(before, after),
    settings,
    wallSeconds,
    /** Every printed figure: direct, gateway, mitmproxy, the ratios or differences to direct, its target and verdict. */
    rows,
    targets: TARGETS,
    load,
    /** The gateway against gateway-noscan, paired per rep; the pairs are in here too. */
    responseScan: scanCost,
    samples: {
      sseFirstEventMs: Object.fromEntries(raw.sse),
      postEchoMiBps: Object.fromEntries(raw.postEcho),
      newHostFirstRequestMs: Object.fromEntries(raw.newHost.ms),
    },
    memory: raw.memory,
    /** onecli-launcher serve + its gateway, resident, at rest and after the load (product-scenario.ts). */
    product,
    peakRssByPhase: raw.peakRssByPhase,
    logs: raw.logs,
    exits: raw.exits,
    newHostNotInjected: raw.newHost.notInjected,
  };
  writeResults(settings, 'results.json', results);
}

/** `--scenario NAME`: one comparison alone (scenarios.ts). */
async function runScenario(settings: BenchSettings, children: ChildProcesses, workDir: string): Promise<void> {
  if (settings.scenario === 'all') throw new Error('runScenario: no scenario');
  const { logDir, before } = await prepareRun();
  const started = performance.now();
  const results = await SCENARIO_RUNNERS[settings.scenario]({ settings, children, workDir, logDir, log });
  await children.stopAll();
  const after = await machineState();
  const wallSeconds = (performance.now() - started) / 1000;
  log(`\nwall time ${wallSeconds.toFixed(0)} s; load average at the end ${after.loadAverage.map((l) => l.toFixed(2)).join(' ')}`);
  const file = `${settings.scenario}-results.json`;
  writeResults(settings, file, {
    generatedAt: new Date().toISOString(),
    machine: machine(before, after),
    settings,
    wallSeconds,
    scenario: settings.scenario,
    results,
  });
}

async function main(): Promise<void> {
  const settings = settingsFromArgv(process.argv.slice(2));
  const children = new ChildProcesses();
  process.once('exit', () => children.killAllNow());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`\n${signal}: stopping child processes`);
      void children.stopAll().finally(() => process.exit(130));
    });
  }
  const watchdog = setTimeout(() => {
    log(`bench: still running after ${WATCHDOG_MS / 60_000} min, giving up`);
    void children.stopAll().finally(() => process.exit(1));
  }, WATCHDOG_MS);
  watchdog.unref();
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'onecli-bench-'));
  try {
    if (settings.scenario === 'all') await runBench(settings, children, workDir);
    else await runScenario(settings, children, workDir);
  } finally {
    await children.stopAll();
    rmSync(workDir, { recursive: true, force: true });
    clearTimeout(watchdog);
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
});
