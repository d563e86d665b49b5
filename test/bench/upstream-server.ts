/**
 * The benchmark's HTTPS upstream, run as its own process so that neither the orchestrator
 * nor the load generator shares its event loop. Started by bench-processes.ts:
 *
 *   node --import tsx test/bench/upstream-server.ts CONFIG.json     (with an IPC channel)
 *
 * CONFIG.json: { certFile, keyFile, ips: ["127.0.0.1", "127.0.0.2", …] }, one listener per IP
 * (loopback only). The injected value to look for comes from BENCH_INJECT_VALUE.
 *
 *   GET  /echo           a small JSON body: { ok, injected }
 *   GET  /sse?n=&gap=    n server-sent events, gap ms apart, the first one at once
 *   POST /echo-body      streams the request body back
 *
 * IPC: sends { type: 'ready', listeners: [{ ip, port }] }; answers { type: 'counters' } with
 * { type: 'counters', requests, injected, connections }, and { type: 'reset' } with the same
 * before zeroing them.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLoopbackIp, type UpstreamCounters, type UpstreamListener, type UpstreamServerConfig } from './upstream-protocol.js';

const INJECT_HEADER = 'x-api-key';
const MAX_SSE_EVENTS = 1_000;
const MAX_SSE_GAP_MS = 10_000;

const counters: UpstreamCounters = { type: 'counters', requests: 0, injected: 0, connections: 0 };

function boundedInt(raw: string | null, fallback: number, max: number): number {
  const n = Number(raw ?? fallback);
  return Number.isInteger(n) && n >= 0 ? Math.min(n, max) : fallback;
}

function serveSse(url: URL, res: ServerResponse): void {
  const n = Math.max(1, boundedInt(url.searchParams.get('n'), 3, MAX_SSE_EVENTS));
  const gap = boundedInt(url.searchParams.get('gap'), 100, MAX_SSE_GAP_MS);
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    res.write(`event: message\ndata: {"i":${sent}}\n\n`);
    if (++sent < n) timer = setTimeout(tick, gap);
    else res.end();
  };
  res.once('close', () => clearTimeout(timer));
  tick();
}

function serveEchoBody(req: IncomingMessage, res: ServerResponse): void {
  const length = req.headers['content-length'];
  res.writeHead(200, { 'content-type': 'application/octet-stream', ...(length ? { 'content-length': length } : {}) });
  req.pipe(res);
}

function handle(expectedValue: string, req: IncomingMessage, res: ServerResponse): void {
  counters.requests++;
  if (req.headers[INJECT_HEADER] === expectedValue) counters.injected++;
  const url = new URL(req.url ?? '/', 'https://upstream.invalid');
  if (url.pathname === '/echo-body' && req.method === 'POST') return serveEchoBody(req, res);
  req.resume();
  if (url.pathname === '/sse') return serveSse(url, res);
  if (url.pathname === '/echo') {
    const json = JSON.stringify({ ok: true, injected: req.headers[INJECT_HEADER] === expectedValue });
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
    return;
  }
  res.writeHead(404, { 'content-length': 0 });
  res.end();
}

async function listen(config: UpstreamServerConfig, expectedValue: string): Promise<UpstreamListener[]> {
  const tls = { cert: readFileSync(config.certFile, 'utf8'), key: readFileSync(config.keyFile, 'utf8') };
  const listeners: UpstreamListener[] = [];
  for (const ip of config.ips) {
    if (!isLoopbackIp(ip)) throw new Error(`refusing to listen on ${ip}: loopback addresses only`);
    const server = https.createServer({ ...tls, keepAliveTimeout: 30_000, noDelay: true }, (req, res) => handle(expectedValue, req, res));
    server.on('secureConnection', () => counters.connections++);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, ip, () => resolve());
    });
    listeners.push({ ip, port: (server.address() as AddressInfo).port });
  }
  return listeners;
}

async function main(): Promise<void> {
  const configFile = process.argv[2];
  const send = process.send?.bind(process);
  if (!configFile || !send) throw new Error('usage: node --import tsx upstream-server.ts CONFIG.json (with an IPC channel)');
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as UpstreamServerConfig;
  const listeners = await listen(config, process.env.BENCH_INJECT_VALUE ?? '');
  process.on('message', (msg: { type?: string }) => {
    if (msg.type !== 'reset' && msg.type !== 'counters') return;
    send({ ...counters });
    if (msg.type === 'reset') Object.assign(counters, { requests: 0, injected: 0, connections: 0 });
  });
  // The orchestrator is gone (or done with us): leave, so no upstream outlives a bench run.
  process.once('disconnect', () => process.exit(0));
  send({ type: 'ready', listeners });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench upstream: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
