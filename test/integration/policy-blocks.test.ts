/**
 * Issue 14, block rules: a mapping's method + path-prefix rules refuse requests with 403
 * blocked_by_policy before anything is sent, matched on the path as the upstream would read it,
 * so dot segments, encodings, slashes, case and method overrides do not dodge them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { GATEWAY_ERROR_HEADER } from '../../src/shared/gateway-errors.js';
import { run } from '../support/clients.js';
import { forkGateway, type ForkedGateway } from '../support/launcher-double.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';
import { waitFor } from '../support/wait-for.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const TOKEN = 'tok-blocks-agent-000000000000';
let ca: CaPem;
let upstream: TlsUpstream;
let gw: ForkedGateway;
let caFile: string;
let host: string;

beforeAll(async () => {
  ca = await makeCa('Local CA');
  const upstreamCa = await makeCa('Upstream CA');
  upstream = await startTlsUpstream(await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']));
  host = `localhost:${upstream.port}`;
  caFile = path.join(mkdtempSync(path.join(tmpdir(), 'onecli-blocks-')), 'ca.pem');
  writeFileSync(caFile, ca.certPem);
  gw = await forkGateway(
    {
      listen: { host: '127.0.0.1', port: 0 },
      ca: { certPem: ca.certPem, keyPem: ca.keyPem },
      extraCaPem: upstreamCa.certPem,
      agents: [{ name: 'coder', token: TOKEN }],
      mappings: [
        {
          id: host,
          host: 'localhost',
          port: upstream.port,
          rule: { type: 'x-api-key' },
          route: 'up',
          blocks: [{ methods: ['POST'], path: '/v1/files' }, { methods: ['DELETE'] }],
        },
      ],
      logLevel: 'debug',
    },
    () => ({ ok: true, value: 'sk-blocks-value-00000000000' }),
  );
});
afterAll(async () => {
  await gw?.stop();
  await upstream?.close();
});

/** curl through the proxy door, the path sent exactly as written. */
async function curl(method: string, pathAsIs: string, extra: string[] = []) {
  const r = await run('curl', [
    '-sS',
    '--path-as-is',
    '-X',
    method,
    '--cacert',
    caFile,
    '-x',
    `http://x:${TOKEN}@127.0.0.1:${gw.port}`,
    '-w',
    '\n%{http_code}',
    ...extra,
    `https://${host}${pathAsIs}`,
  ]);
  const lines = r.stdout.split('\n');
  return { status: Number(lines.at(-1)), body: lines.slice(0, -1).join('\n') };
}

describe('block rules', () => {
  test('POST /v1/files is refused with 403 blocked_by_policy naming the rule, and never sent; GET passes', async () => {
    const before = upstream.requests.length;
    const r = await curl('POST', '/v1/files', ['-d', 'x=1']);
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).error).toMatchObject({ code: 'blocked_by_policy', mapping: host, agent: 'coder' });
    expect(JSON.parse(r.body).error.message).toContain('POST /v1/files');
    expect(upstream.requests.length).toBe(before);
    expect((await curl('GET', '/v1/files')).status).toBe(200);
    expect((await curl('POST', '/v1/chat')).status).toBe(200);
  });

  test.each([
    ['dot segments', 'POST', '/v1/../v1/files'],
    ['encoded dot segments', 'POST', '/v1/%2e%2e/v1/files'],
    ['an encoded letter', 'POST', '/v1/%66iles'],
    ['double encoding', 'POST', '/v1/%2566iles'],
    ['an encoded slash', 'POST', '/v1%2Ffiles'],
    ['repeated slashes', 'POST', '/v1//files'],
    ['a path parameter', 'POST', '/v1;a=b/files'],
    ['upper case', 'POST', '/V1/Files'],
    ['a query', 'POST', '/v1/files?purpose=fine-tune'],
    ['DELETE anywhere', 'DELETE', '/repos/acme'],
  ])('no way around a rule: %s', async (_, method, target) => {
    const before = upstream.requests.length;
    expect((await curl(method, target)).status).toBe(403);
    expect(upstream.requests.length).toBe(before);
  });

  test('a method override header naming a blocked method is refused', async () => {
    const before = upstream.requests.length;
    expect((await curl('POST', '/repos/acme', ['-H', 'X-HTTP-Method-Override: DELETE'])).status).toBe(403);
    expect(upstream.requests.length).toBe(before);
  });

  test('the base-URL door and undici follow the same rules', async () => {
    const before = upstream.requests.length;
    const route = await fetch(`http://127.0.0.1:${gw.port}/r/up/v1/files`, { method: 'POST', headers: { 'x-api-key': TOKEN }, body: 'x' });
    expect([route.status, route.headers.get(GATEWAY_ERROR_HEADER)]).toEqual([403, 'blocked_by_policy']);
    const dispatcher = new ProxyAgent({ uri: `http://x:${TOKEN}@127.0.0.1:${gw.port}`, requestTls: { ca: ca.certPem } });
    try {
      const res = await undiciFetch(`https://${host}/x`, { method: 'DELETE', dispatcher });
      expect(res.status).toBe(403);
      await res.text();
      // A refused request leaves the tunnel usable.
      expect((await undiciFetch(`https://${host}/echo`, { dispatcher })).status).toBe(200);
    } finally {
      await dispatcher.close();
    }
    expect(upstream.requests.length).toBe(before + 1);
  });

  test('the activity log shows the decision and the rule', async () => {
    const entry = await waitFor(() => gw.activity.find((e) => e.decision === 'blocked' && e.rule === 'block POST /v1/files'), 5_000, 'a blocked entry');
    expect(entry).toMatchObject({ agent: 'coder', mapping: host, status: 403, error: 'blocked_by_policy' });
  });
});
