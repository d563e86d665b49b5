import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { GATEWAY_ERROR_HEADER } from '../../src/shared/gateway-errors.js';
import type { GatewayRuntimeConfigInput } from '../../src/shared/gateway-config.js';
import { VaultErrorCode, type ResolveResult } from '../../src/shared/vault-errors.js';
import { run } from '../support/clients.js';
import { waitFor } from '../support/wait-for.js';
import { MASKED_VALUE, SECRETS } from '../support/fixture.js';
import { GATEWAY_MAIN } from '../support/gateway-process.js';
import { forkGateway, type ForkedGateway } from '../support/launcher-double.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';

let ca: CaPem;
let upstreamCa: CaPem;
let upstream: TlsUpstream;
let gw: ForkedGateway;
let caFile: string;
const failures = new Map<string, ResolveResult>(VaultErrorCode.options.map((code) => [`fail-${code}`, { ok: false, code, message: `fix text for ${code}` }]));
let resolveDelayMs = 0;

const config = (): GatewayRuntimeConfigInput => ({
  listen: { host: '127.0.0.1', port: 0 },
  ca: { certPem: ca.certPem, keyPem: ca.keyPem },
  extraCaPem: upstreamCa.certPem,
  agents: [{ name: 'claude', token: SECRETS.agentToken }],
  mappings: [
    { id: 'upstream', host: 'localhost', port: upstream.port, rule: { type: 'x-api-key' } },
    ...[...failures.keys()].map((id) => ({ id, host: `${id.replace('_', '-')}.example`, port: 443, rule: { type: 'bearer' as const } })),
  ],
  logLevel: 'debug',
});

beforeAll(async () => {
  [ca, upstreamCa] = await Promise.all([makeCa('Local CA'), makeCa('Upstream CA')]);
  upstream = await startTlsUpstream(await makeServerCert(upstreamCa, ['localhost']));
  caFile = path.join(await import('node:os').then((os) => os.tmpdir()), `onecli-ipc-ca-${process.pid}.pem`);
  writeFileSync(caFile, ca.certPem);
  gw = await forkGateway(config(), async (id) => {
    if (resolveDelayMs) await new Promise((r) => setTimeout(r, resolveDelayMs));
    return failures.get(id) ?? { ok: true, value: SECRETS.value };
  });
});
afterAll(async () => {
  await gw?.stop();
  await upstream?.close();
});

const proxy = () => `http://x:${SECRETS.agentToken}@127.0.0.1:${gw.port}`;

describe('gateway driven by the launcher over IPC', () => {
  test('100 concurrent requests on a cold mapping → exactly 1 resolve', async () => {
    resolveDelayMs = 300;
    const dispatcher = new ProxyAgent({ uri: proxy(), requestTls: { ca: ca.certPem }, connections: 16 });
    const responses = await Promise.all(
      Array.from({ length: 100 }, () =>
        undiciFetch(`https://localhost:${upstream.port}/echo`, { dispatcher }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { headers: Record<string, string> },
        })),
      ),
    );
    resolveDelayMs = 0;
    expect(responses.every((r) => r.status === 200 && r.body.headers['x-api-key'] === MASKED_VALUE)).toBe(true);
    expect(upstream.requests.slice(-100).every((q) => q.headers['x-api-key'] === SECRETS.value)).toBe(true);
    expect(gw.resolves.filter((id) => id === 'upstream')).toHaveLength(1);
    await dispatcher.close();
  });

  test.each(VaultErrorCode.options)('a %s resolution failure → 502 JSON naming the mapping, and x-onecli-error', async (code) => {
    const r = await run('curl', ['-sS', '-i', '-x', proxy(), '--cacert', caFile, `https://fail-${code.replace('_', '-')}.example/v1/x`]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 502/m);
    expect(r.stdout).toMatch(new RegExp(`^${GATEWAY_ERROR_HEADER}: ${code}\\r?$`, 'm'));
    expect(JSON.parse(r.stdout.slice(r.stdout.indexOf('{')))).toEqual({ error: { code, mapping: `fail-${code}`, message: `fix text for ${code}` } });
  });

  test('activity reaches the launcher in batches: agent, host, mapping, status; never a value', async () => {
    await run('curl', ['-sS', '-x', proxy(), '--cacert', caFile, `https://localhost:${upstream.port}/echo`]);
    const entry = await waitFor(() => gw.activity.findLast((e) => e.mapping === 'upstream'), 5_000, 'the batched activity entry');
    expect(entry).toMatchObject({ agent: 'claude', door: 'proxy', host: `localhost:${upstream.port}`, status: 200 });
    expect(JSON.stringify(gw.activity)).not.toContain(SECRETS.value);
  });

  test('agents and mappings change live; invalidate forces a fresh resolve', async () => {
    const before = gw.resolves.length;
    gw.send({ type: 'invalidate', mappingIds: ['upstream'] });
    await run('curl', ['-sS', '-x', proxy(), '--cacert', caFile, `https://localhost:${upstream.port}/echo`]);
    expect(gw.resolves.length).toBe(before + 1);

    gw.send({ type: 'set-agents', agents: [{ name: 'other', token: 'tok-other-000000000000' }] });
    const connectStatus = async () =>
      (await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_connect}', '-x', proxy(), '--cacert', caFile, `https://localhost:${upstream.port}/echo`]))
        .stdout;
    expect(await waitFor(async () => (await connectStatus()) === '407' && '407', 5_000, 'the revoked token to get 407')).toBe('407');
    gw.send({ type: 'set-agents', agents: [{ name: 'claude', token: SECRETS.agentToken }] });

    gw.send({ type: 'set-mappings', mappings: [] });
    // Until the table applies, the host is still terminated with our CA, which this curl does not trust.
    const unmapped = await waitFor(
      async () =>
        JSON.parse((await run('curl', ['-sS', '-x', proxy(), '--cacert', upstreamCaPath(), `https://localhost:${upstream.port}/echo`])).stdout) as {
          headers: Record<string, string>;
        },
      5_000,
      'a blind tunnel to the unmapped host',
    );
    expect(unmapped.headers['x-api-key']).toBeUndefined();
    gw.send({ type: 'set-mappings', mappings: config().mappings });
  });

  test('a malformed launcher message is ignored and logged by field path only', async () => {
    gw.send({ type: 'resolved', requestId: 'x', result: { ok: true, value: SECRETS.value } } as never);
    const line = await waitFor(() => gw.lines.find((l) => l.includes('malformed launcher message')), 5_000, 'the malformed-message log line');
    expect(line).toContain('requestId');
    expect(gw.lines.join('\n')).not.toContain(SECRETS.value);
  });
});

function upstreamCaPath(): string {
  const file = path.join(path.dirname(caFile), `onecli-ipc-upca-${process.pid}.pem`);
  writeFileSync(file, upstreamCa.certPem);
  return file;
}

test('the gateway exits when its launcher dies (SIGKILL): no orphans', async () => {
  const cfg = JSON.stringify({ type: 'configure', config: { ...config(), logLevel: 'silent' } });
  const parent = spawn(process.execPath, [path.resolve(import.meta.dirname, '../fixtures/fork-parent.mjs'), GATEWAY_MAIN, cfg], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const gatewayPid = await new Promise<number>((resolve) => parent.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  expect(isAlive(gatewayPid)).toBe(true);
  parent.kill('SIGKILL');
  const deadline = Date.now() + 5_000;
  while (isAlive(gatewayPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(isAlive(gatewayPid)).toBe(false);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
