/**
 * The bench's keep-alive load generator, run as its own process (load-client.ts starts it):
 *
 *   node --import tsx test/bench/keepalive-client.ts      (with an IPC channel)
 *
 * Why not hey: hey's Go transport has no per-host connection cap, so whenever a request finds
 * no idle connection at that instant it dials a new one, and the idle pool later closes the
 * surplus. At c=32 that was 40–230 new TCP (and TLS) connections per 3 s run, direct as well,
 * and no flag of hey's turns it off. This client holds exactly `concurrency` connections:
 * undici pools with pipelining 1, in worker threads (one by default: load-client.ts says why).
 * Protocol: load-client-protocol.ts.
 */
import { Worker } from 'node:worker_threads';
import {
  connectionsPerThread,
  percentile,
  type FromLoadClient,
  type FromWorker,
  type KeepAliveResult,
  type LoadClientConfig,
  type ToLoadClient,
  type WorkerReport,
} from './load-client-protocol.js';
import type { WorkerConfig } from './keepalive-worker.js';

const WORKER_URL = new URL('./keepalive-worker.ts', import.meta.url).href;
/**
 * Worker threads do not inherit `--import tsx` (Node 20 runs module hooks per thread), so each
 * worker registers tsx itself before it imports the TypeScript worker module.
 */
const WORKER_BOOTSTRAP = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL)}); });`;

function send(message: FromLoadClient): void {
  process.send?.(message);
}

function nextMessage(): Promise<ToLoadClient> {
  return new Promise((resolve) => process.once('message', (m) => resolve(m as ToLoadClient)));
}

function fromWorker(worker: Worker, type: FromWorker['type']): Promise<FromWorker> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: FromWorker) => {
      if (m.type === 'failed') done(new Error(m.message));
      else if (m.type === type) done(undefined, m);
    };
    const onExit = (code: number) => done(new Error(`worker exited (${code}) before '${type}'`));
    function done(err: Error | undefined, m?: FromWorker) {
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      if (err) reject(err);
      else resolve(m as FromWorker);
    }
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}

function merge(reports: readonly WorkerReport[], clientCpuMs: number): KeepAliveResult {
  const statusCodes: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const r of reports) {
    for (const [code, n] of Object.entries(r.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
    for (const [msg, n] of Object.entries(r.errors)) errors[msg] = (errors[msg] ?? 0) + n;
  }
  const latencies = new Float64Array(reports.reduce((n, r) => n + r.latenciesMs.length, 0));
  let offset = 0;
  for (const r of reports) {
    latencies.set(r.latenciesMs, offset);
    offset += r.latenciesMs.length;
  }
  latencies.sort();
  const responses = Object.values(statusCodes).reduce((a, b) => a + b, 0);
  const elapsedS = Math.max(...reports.map((r) => r.elapsedMs)) / 1000;
  return {
    reqPerSec: responses / elapsedS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    statusCodes,
    errors: Object.entries(errors).map(([msg, n]) => `[${n}] ${msg}`),
    completed: reports.reduce((n, r) => n + r.requests, 0),
    connectionsOpened: reports.reduce((n, r) => n + r.connectionsOpened, 0),
    connectionsOpenedInWindow: reports.reduce((n, r) => n + r.connectionsOpenedInWindow, 0),
    clientCpuMs,
  };
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('keepalive-client.ts runs with an IPC channel (started by load-client.ts)');
  const start = await nextMessage();
  if (start.type !== 'start') throw new Error(`expected 'start', got '${start.type}'`);
  const config: LoadClientConfig = start.config;
  const workers = connectionsPerThread(config.concurrency, config.threads).map((connections) => {
    const workerData: WorkerConfig = { origin: config.origin, path: config.path, connections, caPem: config.caPem, proxyUrl: config.proxyUrl };
    return new Worker(WORKER_BOOTSTRAP, { eval: true, workerData });
  });
  const ready = await Promise.all(workers.map((w) => fromWorker(w, 'ready')));
  send({ type: 'ready', connections: ready.reduce((n, m) => n + (m.type === 'ready' ? m.connections : 0), 0) });

  const go = await nextMessage();
  if (go.type !== 'go') throw new Error(`expected 'go', got '${go.type}'`);
  const cpuBefore = process.cpuUsage();
  const reports = workers.map((w) => fromWorker(w, 'report'));
  for (const w of workers) w.postMessage({ type: 'go', durationMs: config.durationS * 1000 });
  const done = (await Promise.all(reports)).flatMap((m) => (m.type === 'report' ? [m.report] : []));
  const cpu = process.cpuUsage(cpuBefore);
  send({ type: 'result', result: merge(done, (cpu.user + cpu.system) / 1000) });
  await Promise.all(workers.map((w) => w.terminate()));
}

main()
  .catch((err: unknown) => send({ type: 'failed', message: err instanceof Error ? err.message : String(err) }))
  .finally(() => process.disconnect?.());
