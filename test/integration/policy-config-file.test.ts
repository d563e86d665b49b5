/**
 * Issue 14 without the launcher: the standalone gateway's --config file takes the same policy
 * (egress and limits per agent, blocks per mapping), so policy can be tested and benchmarked
 * on its own; a bad policy is one line naming the field, exit 2.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { basicAuth, rawRequest, run } from '../support/clients.js';
import { startConnectionRecorder, type ConnectionRecorder } from '../support/connection-recorder.js';
import { GATEWAY_MAIN, startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';

const TOKENS = ['tok-cfg-policy-one-00000000', 'tok-cfg-policy-two-00000000'];
let ca: CaPem;
let upstream: TlsUpstream;
let denied: ConnectionRecorder;
let gw: GatewayProcess;
let caFile: string;

beforeAll(async () => {
  ca = await makeCa('Local CA');
  const upstreamCa = await makeCa('Upstream CA');
  upstream = await startTlsUpstream(await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']));
  denied = await startConnectionRecorder();
  caFile = path.join(mkdtempSync(path.join(tmpdir(), 'onecli-cfgpol-')), 'ca.pem');
  writeFileSync(caFile, ca.certPem);
  gw = await startGatewayProcess({
    ca,
    upstreamCaPem: upstreamCa.certPem,
    tokens: TOKENS,
    mappings: [
      { host: `localhost:${upstream.port}`, header: 'x-api-key', value: 'sk-cfg-policy-value-000000', blocks: [{ methods: ['POST'], path: '/v1/files' }] },
    ],
    raw: {
      agents: {
        'agent-1': {
          egress: { mode: 'allowlist', hosts: ['registry.npmjs.org', '*.githubusercontent.com'] },
          limits: [{ mapping: `LOCALHOST:${upstream.port}`, max: 1, per: 'day' }],
        },
      },
    },
  });
});
afterAll(async () => {
  await gw?.stop();
  await Promise.all([upstream?.close(), denied?.close()]);
});

const curl = (token: string, url: string, extra: string[] = []) =>
  run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_connect} %{http_code}', '--cacert', caFile, '-x', gw.proxyUrl(token), ...extra, url]);

describe('the standalone gateway enforces the policy in its config file', () => {
  test('egress: agent-1 is fenced (nothing opened to the denied host), agent-2 is open', async () => {
    const authority = `127.0.0.1:${denied.port}`;
    const connect = (token: string) =>
      rawRequest(gw.port, `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nProxy-Authorization: ${basicAuth(token)}\r\n\r\n`);
    const fenced = await connect(TOKENS[0]!);
    fenced.socket.destroy();
    expect([fenced.status, fenced.headers['x-onecli-error']]).toEqual([403, 'egress_denied']);
    expect(denied.connections).toBe(0);
    const open = await connect(TOKENS[1]!);
    open.socket.destroy();
    expect(open.status).toBe(200);
  });

  test('limits: the mapping named by its host, in any spelling; block rules apply to every agent', async () => {
    const url = `https://localhost:${upstream.port}/echo`;
    expect((await curl(TOKENS[0]!, url)).stdout).toBe('200 200');
    expect((await curl(TOKENS[0]!, url)).stdout).toBe('200 429');
    expect((await curl(TOKENS[1]!, url)).stdout).toBe('200 200');
    const before = upstream.requests.length;
    expect((await curl(TOKENS[1]!, `https://localhost:${upstream.port}/v1/files`, ['-d', 'x'])).stdout).toBe('200 403');
    expect(upstream.requests.length).toBe(before);
  });
});

describe('a bad policy is one line naming the field, exit 2', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'onecli-cfgbad-'));
    writeFileSync(path.join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(path.join(dir, 'ca-key.pem'), ca.keyPem);
  });
  const base = {
    listen: '127.0.0.1:0',
    ca: { certFile: 'ca.pem', keyFile: 'ca-key.pem' },
    agentTokensEnv: 'PROXY_TOKEN',
    mappings: [{ host: 'api.example.com', valueEnv: 'V' }],
  };
  test.each<[string, Record<string, unknown>, RegExp]>([
    [
      'an agent name no token has',
      { agents: { claude: { limits: [] } } },
      /agents\.claude: no agent is named claude: the tokens in agentTokensEnv are named agent/,
    ],
    [
      'an egress host that is not one',
      { agents: { agent: { egress: { mode: 'allowlist', hosts: ['http://x/y'] } } } },
      /agents\.agent\.egress\.hosts\[0\]: must be a host/,
    ],
    ['an unknown egress mode', { agents: { agent: { egress: { mode: 'closed' } } } }, /agents\.agent\.egress\.mode/],
    [
      'a limit on no mapping',
      { agents: { agent: { limits: [{ mapping: 'api.other.com', max: 1, per: 'day' }] } } },
      /agents\.agent\.limits\[0\]\.mapping: must be the host of one of the mappings/,
    ],
    ['a limit per week', { agents: { agent: { limits: [{ max: 1, per: 'week' }] } } }, /agents\.agent\.limits\[0\]\.per: Invalid option/],
    [
      'a block rule with neither method nor path',
      { mappings: [{ host: 'api.example.com', valueEnv: 'V', blocks: [{}] }] },
      /mappings\[0\]\.blocks\[0\]: a block rule needs methods, a path, or both/,
    ],
  ])('%s', async (_, patch, message) => {
    const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify({ ...base, ...patch }));
    const r = await run(process.execPath, [GATEWAY_MAIN, '--config', file], {
      env: { PATH: process.env.PATH ?? '', PROXY_TOKEN: 'tok-0123456789abcdef', V: 'sk-value' },
      timeoutMs: 5_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});
