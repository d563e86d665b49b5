/**
 * `npm run bench`: direct vs the gateway (MITM + injection) vs mitmproxy, against an HTTPS
 * upstream on loopback, all in one run; also the gateway with 10,000 mappings, and without its
 * response scan, each paired with the gateway rep by rep. Prints the target table and writes
 * .bench/results.json. Options: --quick (smoke run), --log-level warn (gateway log level),
 * --scenario policy (only the issue 14 comparison: policy-scenario.ts).
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
import { runPolicyScenario } from './policy-scenario.js';
import { machineBusyPercent } from './proc-stats.js';
import { formatAnomalies, formatTable } from './report.js';
import { buildRows, type RawResults } from './results.js';
import { settingsFromArgv, type BenchSettings } from './settings.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const OUT_DIR = path.join(REPO_ROOT, '.bench');
const WATCHDOG_MS = 15 * 60_000;
/** Above this, something else is using the machine and every figure is noisier. */
const BUSY_WARNING_PERCENT = 10;

const log = (line: string) => console.log(line);

async function machineState(): Promise<{ busyPercent: number; loadAverage: number[] }> {
  return { busyPercent: await machineBusyPercent(1_000), loadAverage: os.loadavg() };
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
  stopping = true;
  await children.stopAll();
  for (const proxy of setup.proxies) raw.logs[proxy.name] = await scanLog(proxy.logFile);
  const wallSeconds = (performance.now() - started) / 1000;
  const after = await machineState();

  const { rows, load, scanCost } = buildRows(raw);
  log('');
  log(formatTable(rows, setup.targets.has('mitmproxy')));
  log('');
  log('Ratios are to direct in the same run; each figure is the median of interleaved reps or samples.');
  log('The 10,000-mapping changes are medians of per-rep ratios to the 1-mapping gateway (paired reps).');
  log('"no response scan" rows: the same gateway and config started with ONECLI_BENCH_UNSAFE_NO_RESPONSE_SCAN=1;');
  log('"scan" is what scanning changes: medians of per-rep (per-sample for SSE) differences and ratios, gateway vs no scan.');
  log('Anomalies and status codes:');
  for (const line of formatAnomalies(raw, load)) log(`  ${line}`);
  log(
    `\nbench wall time (after build): ${wallSeconds.toFixed(0)} s; load average at the end ${after.loadAverage.map((l) => l.toFixed(2)).join(' ')}; logs in ${path.relative(REPO_ROOT, logDir)}/`,
  );

  const results = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, kernel: os.release(), before, after },
    settings,
    wallSeconds,
    rows,
    load,
    /** The gateway against gateway-noscan, paired per rep; the pairs are in here too. */
    responseScan: scanCost,
    samples: {
      sseFirstEventMs: Object.fromEntries(raw.sse),
      postEchoMiBps: Object.fromEntries(raw.postEcho),
      newHostFirstRequestMs: Object.fromEntries(raw.newHost.ms),
    },
    memory: raw.memory,
    peakRssByPhase: raw.peakRssByPhase,
    logs: raw.logs,
    exits: raw.exits,
    newHostNotInjected: raw.newHost.notInjected,
  };
  const file = path.join(OUT_DIR, 'results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`results: ${path.relative(REPO_ROOT, file)}`);
}

/** `--scenario policy`: only the issue 14 comparison (policy-scenario.ts). */
async function runPolicyBench(settings: BenchSettings, children: ChildProcesses, workDir: string): Promise<void> {
  const { logDir, before } = await prepareRun();
  const policy = await runPolicyScenario(settings, children, workDir, logDir, log);
  await children.stopAll();
  const after = await machineState();
  const file = path.join(OUT_DIR, 'policy-results.json');
  const results = { generatedAt: new Date().toISOString(), machine: { node: process.version, cpus: os.cpus().length, before, after }, settings, policy };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  log(`results: ${path.relative(REPO_ROOT, file)}`);
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
    if (settings.scenario === 'policy') await runPolicyBench(settings, children, workDir);
    else await runBench(settings, children, workDir);
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
