/**
 * Issue 14, rate limits: per agent and per agent + mapping, N per minute/hour/day; past it, 429
 * with Retry-After and code rate_limited_by_policy at every door, nothing sent upstream; the
 * counters survive the gateway being killed, because the launcher keeps them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { GatewaySupervisor, type GatewayStatus } from '../../src/core/supervisor/gateway-supervisor.js';
import { forkSpawner, gatewayEnv } from '../../src/core/supervisor/spawner.js';
import { GatewayRuntimeConfig, type GatewayRuntimeConfigInput } from '../../src/shared/gateway-config.js';
import { GATEWAY_ERROR_HEADER } from '../../src/shared/gateway-errors.js';
import { basicAuth, rawRequest, run } from '../support/clients.js';
import { GATEWAY_MAIN } from '../support/gateway-process.js';
import { forkGateway, type ForkedGateway } from '../support/launcher-double.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';
import { waitFor } from '../support/wait-for.js';

const TOKENS = { limited: 'tok-rate-limited-0000000000', capped: 'tok-rate-capped-00000000000', free: 'tok-rate-free-0000000000000' };
const DAY_MS = 86_400_000;
let ca: CaPem;
let upstreamCa: CaPem;
let upstream: TlsUpstream;
let blind: TlsUpstream;
let gw: ForkedGateway;
let mappingId: string;

/** Windows are aligned to 00:00 UTC: a test that counts must not straddle midnight (a wait of a minute, once a day at most). */
async function awayFromMidnight(): Promise<void> {
  const left = DAY_MS - (Date.now() % DAY_MS);
  if (left < 60_000) await new Promise((r) => setTimeout(r, left + 1_000));
}

function config(): GatewayRuntimeConfigInput {
  return {
    listen: { host: '127.0.0.1', port: 0 },
    ca: { certPem: ca.certPem, keyPem: ca.keyPem },
    extraCaPem: upstreamCa.certPem,
    agents: [
      { name: 'limited', token: TOKENS.limited, limits: [{ mapping: mappingId, max: 2, per: 'day' }] },
      { name: 'capped', token: TOKENS.capped, limits: [{ max: 4, per: 'day' }] },
      { name: 'free', token: TOKENS.free },
    ],
    mappings: [{ id: mappingId, host: 'localhost', port: upstream.port, rule: { type: 'x-api-key' }, route: 'up' }],
    logLevel: 'info',
  };
}

beforeAll(async () => {
  await awayFromMidnight();
  ca = await makeCa('Local CA');
  upstreamCa = await makeCa('Upstream CA');
  const cert = await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']);
  upstream = await startTlsUpstream(cert);
  blind = await startTlsUpstream(cert);
  mappingId = `localhost:${upstream.port}`;
  gw = await forkGateway(config(), () => ({ ok: true, value: 'sk-rate-value-0000000000' }));
});
afterAll(async () => {
  await gw?.stop();
  await Promise.all([upstream?.close(), blind?.close()]);
});

async function viaProxy(token: string, url: string, port = gw.port) {
  const dispatcher = new ProxyAgent({ uri: `http://x:${token}@127.0.0.1:${port}`, requestTls: { ca: ca.certPem } });
  try {
    const res = await undiciFetch(url, { dispatcher });
    const body = await res.text();
    return { status: res.status, code: res.headers.get(GATEWAY_ERROR_HEADER), retryAfter: res.headers.get('retry-after'), body };
  } finally {
    await dispatcher.close();
  }
}

describe('per agent and mapping', () => {
  test('the request past N gets 429 with Retry-After and rate_limited_by_policy, and is never sent', async () => {
    const url = `https://localhost:${upstream.port}/echo`;
    expect((await viaProxy(TOKENS.limited, url)).status).toBe(200);
    expect((await viaProxy(TOKENS.limited, url)).status).toBe(200);
    const before = upstream.requests.length;
    const third = await viaProxy(TOKENS.limited, url);
    expect(third.status).toBe(429);
    expect(third.code).toBe('rate_limited_by_policy');
    const retryAfter = Number(third.retryAfter);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= DAY_MS / 1000).toBe(true);
    expect(JSON.parse(third.body).error).toMatchObject({ code: 'rate_limited_by_policy', agent: 'limited', mapping: mappingId, retryAfter });
    // The base-URL door shares the counter.
    const route = await fetch(`http://127.0.0.1:${gw.port}/r/up/echo`, { headers: { 'x-api-key': TOKENS.limited } });
    expect(route.status).toBe(429);
    // The same window: the same end, give or take the second that passed between the two.
    expect(Math.abs(Number(route.headers.get('retry-after')) - retryAfter)).toBeLessThanOrEqual(1);
    expect(upstream.requests.length).toBe(before);
    // Another agent on the same mapping is not limited.
    expect((await viaProxy(TOKENS.free, url)).status).toBe(200);
  });

  test('the activity log shows the decision and the rule', async () => {
    const entry = await waitFor(() => gw.activity.find((e) => e.decision === 'rate_limited' && e.agent === 'limited'), 5_000, 'a rate_limited entry');
    expect(entry).toMatchObject({ status: 429, error: 'rate_limited_by_policy', rule: `2/day on ${mappingId}`, mapping: mappingId });
  });

  test('python3 requests sees the same 429 and Retry-After', async () => {
    const script = `import requests,sys\nr=requests.get(sys.argv[1], headers={'x-api-key': sys.argv[2]})\nprint(r.status_code, r.headers.get('x-onecli-error'), int(r.headers['retry-after']) > 0)`;
    const r = await run('python3', ['-c', script, `http://127.0.0.1:${gw.port}/r/up/echo`, TOKENS.limited]);
    expect(r.stdout.trim()).toBe('429 rate_limited_by_policy True');
  });
});

describe('per agent, all its traffic', () => {
  test('every door counts against one limit: base URL, a request in a tunnel, a blind tunnel, plain HTTP', async () => {
    const route = () => fetch(`http://127.0.0.1:${gw.port}/r/up/echo`, { headers: { 'x-api-key': TOKENS.capped } });
    const connectBlind = async () => {
      const res = await rawRequest(
        gw.port,
        `CONNECT 127.0.0.1:${blind.port} HTTP/1.1\r\nHost: 127.0.0.1:${blind.port}\r\nProxy-Authorization: ${basicAuth(TOKENS.capped)}\r\n\r\n`,
      );
      res.socket.destroy();
      return { status: res.status, code: res.headers[GATEWAY_ERROR_HEADER], retryAfter: res.headers['retry-after'] };
    };
    expect((await route()).status).toBe(200);
    expect((await viaProxy(TOKENS.capped, `https://localhost:${upstream.port}/echo`)).status).toBe(200);
    expect((await connectBlind()).status).toBe(200);
    expect((await route()).status).toBe(200); // the 4th of 4
    const before = upstream.requests.length;
    const refused = await route();
    expect(refused.status).toBe(429);
    expect((await viaProxy(TOKENS.capped, `https://localhost:${upstream.port}/echo`)).status).toBe(429);
    expect(await connectBlind()).toMatchObject({ status: 429, code: 'rate_limited_by_policy' });
    const curl = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_connect}',
      '-x',
      `http://x:${TOKENS.capped}@127.0.0.1:${gw.port}`,
      `https://127.0.0.1:${blind.port}/`,
    ]);
    expect(curl.stdout).toBe('429');
    const plainHttp = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-x',
      `http://x:${TOKENS.capped}@127.0.0.1:${gw.port}`,
      `http://127.0.0.1:${upstream.port}/`,
    ]);
    expect(plainHttp.stdout).toBe('429');
    expect(upstream.requests.length).toBe(before);
  });
});

describe('the counters outlive the gateway', () => {
  test('a gateway killed with SIGKILL is restarted by the launcher and goes on counting where it was', async () => {
    await awayFromMidnight();
    let status: GatewayStatus = { state: 'stopped' };
    const supervisor = new GatewaySupervisor({
      spawn: forkSpawner,
      entry: GATEWAY_MAIN,
      env: gatewayEnv(process.env),
      buildConfig: async () => GatewayRuntimeConfig.parse({ ...config(), logLevel: 'warn' }),
      resolve: async () => ({ ok: true, value: 'sk-rate-value-0000000000' }),
      onStatus: (s) => (status = s),
    });
    try {
      await supervisor.start();
      const running = () => status as Extract<GatewayStatus, { state: 'running' }>;
      const first = running();
      const url = `https://localhost:${upstream.port}/echo`;
      expect((await viaProxy(TOKENS.limited, url, first.port)).status).toBe(200);
      expect((await viaProxy(TOKENS.limited, url, first.port)).status).toBe(200);
      // The gateway reports within a second; the launcher's copy is what a new gateway starts from.
      await waitFor(() => supervisor.rateCounters().find((c) => c.agent === 'limited')?.count === 2, 5_000, 'the launcher holding the count');
      process.kill(first.pid!, 'SIGKILL');
      await waitFor(() => status.state === 'running' && running().pid !== first.pid, 15_000, 'the restarted gateway');
      const before = upstream.requests.length;
      const third = await viaProxy(TOKENS.limited, url, running().port);
      expect([third.status, third.code]).toEqual([429, 'rate_limited_by_policy']);
      expect(upstream.requests.length).toBe(before);
    } finally {
      await supervisor.stop();
    }
  });
});
