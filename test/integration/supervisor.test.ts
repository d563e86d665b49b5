import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { GatewaySupervisor, type GatewayStatus, type SupervisorDeps } from '../../src/core/supervisor/gateway-supervisor.js';
import { forkSpawner, gatewayEnv } from '../../src/core/supervisor/spawner.js';
import { GatewayRuntimeConfig } from '../../src/shared/gateway-config.js';
import { waitFor } from '../support/wait-for.js';
import { memoryLog } from '../support/memory-log.js';
import { run } from '../support/clients.js';
import { MASKED_VALUE, SECRETS } from '../support/fixture.js';
import { GATEWAY_MAIN } from '../support/gateway-process.js';
import { makeCa, makeServerCert } from '../support/pki.js';
import { startTlsUpstream } from '../support/upstream.js';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const fixture = (name: string) => path.resolve(import.meta.dirname, '../fixtures', name);
const supervisors: GatewaySupervisor[] = [];
afterEach(async () => {
  await Promise.all(supervisors.splice(0).map((s) => s.stop()));
});

async function supervisor(overrides: Partial<SupervisorDeps> = {}, port = 0) {
  const ca = await makeCa('Local CA');
  const statuses: GatewayStatus[] = [];
  const s = new GatewaySupervisor({
    spawn: forkSpawner,
    entry: GATEWAY_MAIN,
    env: gatewayEnv(process.env),
    buildConfig: async () =>
      GatewayRuntimeConfig.parse({
        listen: { host: '127.0.0.1', port },
        ca: { certPem: ca.certPem, keyPem: ca.keyPem },
        agents: [{ name: 'a', token: SECRETS.agentToken }],
        mappings: [],
        logLevel: 'warn',
      }),
    resolve: async () => ({ ok: true, value: SECRETS.value }),
    onStatus: (st) => statuses.push(st),
    ...overrides,
  });
  supervisors.push(s);
  return { s, statuses, ca };
}

async function until(check: () => boolean, ms = 8_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('gateway supervisor (real processes)', () => {
  test('a gateway killed with SIGKILL is restarted', async () => {
    const { s } = await supervisor();
    await s.start();
    const first = s.status as Extract<GatewayStatus, { state: 'running' }>;
    expect(first.state).toBe('running');
    process.kill(first.pid!, 'SIGKILL');
    await until(() => s.status.state === 'running' && (s.status as typeof first).pid !== first.pid);
    const r = await run('curl', ['-sS', `http://127.0.0.1:${(s.status as typeof first).port}/healthz`]);
    expect(r.stdout).toBe('{"ok":true}');
  });

  test('a crash loop stops the restarts and reports the last output, redacted', async () => {
    const { s, statuses } = await supervisor({ entry: fixture('crashing-gateway.mjs') });
    await expect(s.start()).rejects.toThrow(/exited with code 1/);
    await until(() => s.status.state === 'failed', 10_000);
    const failed = s.status as Extract<GatewayStatus, { state: 'failed' }>;
    expect(failed.reason).toMatch(/crashed 5 times in a minute/);
    expect(failed.output.join('\n')).toContain('Error: boom while starting');
    expect(failed.output.join('\n')).not.toContain('ABCDEFGHIJKLMNOPQRSTUVWX');
    expect(statuses.filter((st) => st.state === 'restarting')).toHaveLength(4);
  });

  test("the gateway's own lines go into the launcher's log: its records with their level, other output as text, redacted", async () => {
    const memory = memoryLog();
    memory.known.add(SECRETS.agentToken); // as openCore does for the tokens it reads
    const { s } = await supervisor({ log: memory.log });
    await s.start();
    const port = (s.status as Extract<GatewayStatus, { state: 'running' }>).port;
    await run('curl', ['-sS', '-x', `http://x:${SECRETS.agentToken}-wrong@127.0.0.1:${port}`, 'http://api.example/']);
    const refused = await waitFor(
      () => memory.records.find((r) => r.component === 'gateway' && r.msg === 'request failed' && r.status === 407),
      8_000,
      'the 407 in the log',
    );
    expect(refused).toMatchObject({ level: 'warn', error: 'proxy_auth_required', host: 'api.example:80' });

    const crashing = memoryLog();
    const { s: crashes } = await supervisor({ entry: fixture('crashing-gateway.mjs'), log: crashing.log });
    await expect(crashes.start()).rejects.toThrow(/exited with code 1/);
    await until(() => crashes.status.state === 'failed', 10_000);
    const output = crashing.records.filter((r) => r.component === 'gateway' && r.msg === 'gateway output');
    expect(output.map((r) => r.text)).toContain('Error: boom while starting');
    expect(output.every((r) => r.level === 'warn' && r.stream === 'stderr')).toBe(true);
    const all = [...memory.lines, ...crashing.lines].join('');
    expect(all).toContain('token=[redacted]');
    for (const secret of [SECRETS.agentToken, 'ABCDEFGHIJKLMNOPQRSTUVWX']) expect(all).not.toContain(secret);
  });

  test('a port in use fails at once with the reason, without a restart loop', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const { s, statuses } = await supervisor({}, (blocker.address() as net.AddressInfo).port);
    await expect(s.start()).rejects.toThrow(/EADDRINUSE/);
    expect(s.status).toMatchObject({ state: 'failed', reason: expect.stringMatching(/cannot listen on port \d+ \(EADDRINUSE\)/) });
    expect(statuses.some((st) => st.state === 'restarting')).toBe(false);
    blocker.close();
  });

  test('stop is graceful, and forceful when the gateway ignores it', async () => {
    const { s } = await supervisor();
    await s.start();
    const pid = (s.status as Extract<GatewayStatus, { state: 'running' }>).pid!;
    await s.stop();
    expect(alive(pid)).toBe(false);

    const stubborn = (await supervisor({ entry: fixture('stubborn-gateway.mjs'), stopGraceMs: 300 })).s;
    await stubborn.start();
    const stubbornPid = (stubborn.status as Extract<GatewayStatus, { state: 'running' }>).pid!;
    const t0 = Date.now();
    await stubborn.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    await until(() => !alive(stubbornPid), 2_000);
    expect(stubborn.status.state).toBe('stopped');
  });

  test('resolve requests are answered, and updates reach the running gateway', async () => {
    const upstreamCa = await makeCa('Upstream CA');
    const upstream = await startTlsUpstream(await makeServerCert(upstreamCa, ['localhost']));
    const ca = await makeCa('Local CA');
    const resolved: string[] = [];
    const { s } = await supervisor({
      buildConfig: async () =>
        GatewayRuntimeConfig.parse({
          listen: { host: '127.0.0.1', port: 0 },
          ca: { certPem: ca.certPem, keyPem: ca.keyPem },
          extraCaPem: upstreamCa.certPem,
          agents: [{ name: 'a', token: SECRETS.agentToken }],
          mappings: [],
          logLevel: 'warn',
        }),
      resolve: async (id) => {
        resolved.push(id);
        return { ok: true, value: SECRETS.value };
      },
    });
    await s.start();
    s.send({ type: 'set-mappings', mappings: [{ id: 'up', host: 'localhost', port: upstream.port, rule: { type: 'x-api-key' } }] });
    const caFile = path.join(tmpdir(), `onecli-sup-ca-${process.pid}.pem`);
    writeFileSync(caFile, ca.certPem);
    const port = (s.status as Extract<GatewayStatus, { state: 'running' }>).port;
    // Until the mapping applies, the host is a blind tunnel to the upstream, whose certificate this curl does not trust.
    const echoed = await waitFor(
      async () =>
        JSON.parse(
          (await run('curl', ['-sS', '-x', `http://x:${SECRETS.agentToken}@127.0.0.1:${port}`, '--cacert', caFile, `https://localhost:${upstream.port}/echo`]))
            .stdout,
        ) as { headers: Record<string, string> },
      5_000,
      'the mapping to apply',
    );
    expect(echoed.headers['x-api-key']).toBe(MASKED_VALUE);
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(SECRETS.value);
    expect(resolved).toEqual(['up']);
    await upstream.close();
  });
});
