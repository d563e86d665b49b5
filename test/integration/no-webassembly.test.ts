/**
 * A gateway whose Node has no WebAssembly (`--jitless`, or `--lite-mode`, which implies it; both
 * can come in NODE_OPTIONS to a gateway started by hand). undici's response parser is llhttp
 * compiled to WebAssembly, so the default upstream leg failed every request as "upstream
 * unreachable" (found measuring `--lite-mode` for issue 18: 2,439 of 2,439 requests 502). The
 * gateway now says so at start and serves through node:http, whose parser is native, whether it
 * was started by hand (a config file) or by the launcher (over IPC).
 *
 * FAILED before the fix (502 upstream_unreachable).
 */
import net from 'node:net';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { afterEach, expect, test } from 'vitest';
import { MASKED_VALUE, SECRETS, startFixture, type Fixture } from '../support/fixture.js';
import { forkGateway, type ForkedGateway } from '../support/launcher-double.js';
import { makeCa, makeServerCert } from '../support/pki.js';
import { readAll } from '../support/redteam-wire.js';
import { startTlsUpstream } from '../support/upstream.js';

let fx: Fixture | undefined;
let forked: ForkedGateway | undefined;
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
  await forked?.stop();
  forked = undefined;
  for (const close of closers.splice(0)) await close();
});

async function get(port: number, path: string): Promise<string> {
  const c = net.connect(port, '127.0.0.1');
  await new Promise((r) => c.once('connect', r));
  c.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${SECRETS.agentToken}\r\nConnection: close\r\n\r\n`);
  return (await readAll(c, 10_000)).toString('latin1');
}

test.each([['--jitless'], ['--lite-mode']])('under %s the gateway injects, scans and answers, and says why it is slower', async (flag) => {
  fx = await startFixture((up) => [{ host: up.authority, header: 'x-api-key', route: 'echo', value: SECRETS.value }], { nodeArgs: [flag] });
  const answer = await get(fx.gateway.port, '/r/echo/hello');
  expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  // The upstream's echo of its request headers carries the injected value back: masked.
  expect(answer).toContain(MASKED_VALUE);
  expect(answer).not.toContain(SECRETS.value);
  expect(fx.upstream.requests.at(-1)?.headers['x-api-key']).toBe(SECRETS.value);
  expect(fx.gateway.lines.some((l) => l.includes('WebAssembly is off'))).toBe(true);
});

test('with WebAssembly the gateway says nothing about it', async () => {
  fx = await startFixture((up) => [{ host: up.authority, header: 'x-api-key', route: 'echo', value: SECRETS.value }]);
  expect(await get(fx.gateway.port, '/r/echo/hello')).toMatch(/^HTTP\/1\.1 200 /);
  expect(fx.gateway.lines.some((l) => l.includes('WebAssembly'))).toBe(false);
});

test('started by the launcher (over IPC) under --jitless, the same: the MITM door injects, scans and answers', async () => {
  const [ca, upstreamCa] = await Promise.all([makeCa('Local CA'), makeCa('Upstream CA')]);
  const upstream = await startTlsUpstream(await makeServerCert(upstreamCa, ['localhost']));
  closers.push(() => upstream.close());
  forked = await forkGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      ca: { certPem: ca.certPem, keyPem: ca.keyPem },
      extraCaPem: upstreamCa.certPem,
      agents: [{ name: 'claude', token: SECRETS.agentToken }],
      mappings: [{ id: 'upstream', host: 'localhost', port: upstream.port, rule: { type: 'x-api-key' } }],
      logLevel: 'info',
    },
    () => ({ ok: true, value: SECRETS.value }),
    undefined,
    ['--jitless'],
  );
  const dispatcher = new ProxyAgent({ uri: `http://x:${SECRETS.agentToken}@127.0.0.1:${forked.port}`, requestTls: { ca: ca.certPem } });
  const res = await undiciFetch(`https://localhost:${upstream.port}/echo`, { dispatcher });
  const body = await res.text();
  await dispatcher.close();
  expect(res.status).toBe(200);
  expect(body).toContain(MASKED_VALUE);
  expect(body).not.toContain(SECRETS.value);
  expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(SECRETS.value);
  expect(forked.lines.some((l) => l.includes('WebAssembly is off'))).toBe(true);
});
