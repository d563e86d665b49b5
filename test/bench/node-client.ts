/**
 * The Node client measurements (undici). The same request code runs for every target; only
 * the dispatcher differs: an Agent trusting the upstream CA, or a ProxyAgent that CONNECTs
 * through the proxy and trusts the proxy's CA.
 */
import { performance } from 'node:perf_hooks';
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import type { Target } from './routes.js';

const REQUEST_TIMEOUT_MS = 30_000;
const MIB = 1024 * 1024;

export function dispatcherFor(target: Target, upstreamCaPem: string): Dispatcher {
  const timeouts = { headersTimeout: REQUEST_TIMEOUT_MS, bodyTimeout: REQUEST_TIMEOUT_MS };
  if (!target.proxy) return new Agent({ ...timeouts, connect: { ca: upstreamCaPem } });
  return new ProxyAgent({ ...timeouts, uri: target.proxy.url, requestTls: { ca: target.proxy.caPem } });
}

function expectOk(statusCode: number, what: string): void {
  if (statusCode !== 200) throw new Error(`${what}: HTTP ${statusCode}`);
}

/** GET /echo and return whether the upstream saw the injected header. */
export async function getEcho(dispatcher: Dispatcher, origin: string): Promise<{ injected: boolean }> {
  const res = await request(`${origin}/echo`, { dispatcher });
  const body = (await res.body.json()) as { injected?: boolean };
  expectOk(res.statusCode, `GET ${origin}/echo`);
  return { injected: body.injected === true };
}

/**
 * Milliseconds from starting the request to the first `data:` line of an SSE stream. The
 * stream has two events 100 ms apart, so a proxy that buffers the response shows up.
 */
export async function sseFirstEventMs(dispatcher: Dispatcher, origin: string): Promise<number> {
  const start = performance.now();
  const res = await request(`${origin}/sse?n=2&gap=100`, { dispatcher });
  expectOk(res.statusCode, 'GET /sse');
  let firstEventMs: number | undefined;
  let seen = '';
  for await (const chunk of res.body) {
    if (firstEventMs !== undefined) continue; // drain the rest, so the connection is reused
    seen += (chunk as Buffer).toString('utf8');
    if (/^data:/m.test(seen)) firstEventMs = performance.now() - start;
  }
  if (firstEventMs === undefined) throw new Error('SSE stream ended without a data: line');
  return firstEventMs;
}

/** POSTs `body` to /echo-body `count` times in a row; returns MiB of body echoed per second. */
export async function postEchoMiBps(dispatcher: Dispatcher, origin: string, body: Buffer, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const res = await request(`${origin}/echo-body`, { dispatcher, method: 'POST', body, headers: { 'content-type': 'application/octet-stream' } });
    let received = 0;
    for await (const chunk of res.body) received += (chunk as Buffer).length;
    expectOk(res.statusCode, 'POST /echo-body');
    if (received !== body.length) throw new Error(`POST /echo-body: echoed ${received} of ${body.length} bytes`);
  }
  const seconds = (performance.now() - start) / 1000;
  return (count * body.length) / MIB / seconds;
}

/**
 * A fresh client (no pooled connection, no TLS session) making one GET /echo: connection,
 * handshakes and the request, in ms. Also whether the header was injected.
 */
export async function firstRequestMs(target: Target, upstreamCaPem: string, origin: string): Promise<{ ms: number; injected: boolean }> {
  const dispatcher = dispatcherFor(target, upstreamCaPem);
  try {
    const start = performance.now();
    const { injected } = await getEcho(dispatcher, origin);
    return { ms: performance.now() - start, injected };
  } finally {
    await dispatcher.destroy();
  }
}
