import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { run } from '../support/clients.js';
import { GATEWAY_MAIN } from '../support/gateway-process.js';
import { makeCa, type CaPem } from '../support/pki.js';

let dir: string;
let ca: CaPem;
beforeAll(async () => {
  ca = await makeCa('Local CA');
  const other = await makeCa('Other CA');
  dir = mkdtempSync(path.join(tmpdir(), 'onecli-cfg-'));
  writeFileSync(path.join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(path.join(dir, 'ca-key.pem'), ca.keyPem);
  writeFileSync(path.join(dir, 'other-key.pem'), other.keyPem);
  writeFileSync(path.join(dir, 'sec1-key.pem'), '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA==\n-----END EC PRIVATE KEY-----\n');
});

const valid = () => ({
  listen: '127.0.0.1:0',
  ca: { certFile: 'ca.pem', keyFile: 'ca-key.pem' },
  agentTokensEnv: 'PROXY_TOKEN',
  mappings: [{ host: 'localhost:18443', header: 'x-api-key', valueEnv: 'INJECT_VALUE' }],
});
const env = { PATH: process.env.PATH ?? '', PROXY_TOKEN: 'tok-0123456789abcdef', INJECT_VALUE: 'sk-config-test-value' };

async function start(config: unknown, extraEnv: Record<string, string | undefined> = {}) {
  const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return run(process.execPath, [GATEWAY_MAIN, '--config', file], { env: { ...env, ...extraEnv } as NodeJS.ProcessEnv, timeoutMs: 5_000 });
}

describe('a bad config file gets one clear line naming the field, and exit code 2', () => {
  test.each<[string, (c: ReturnType<typeof valid>) => unknown, RegExp]>([
    ['not JSON', () => '{ listen: ', /is not valid JSON/],
    ['missing listen', ({ listen: _, ...c }) => c, /: listen: /],
    ['a listen address off loopback', (c) => ({ ...c, listen: '0.0.0.0:10255' }), /listen: the gateway only listens on a loopback address/],
    ['a misspelt field', (c) => ({ ...c, mapings: [] }), /\(file\): .*mapings|mapings/],
    ['a bad host', (c) => ({ ...c, mappings: [{ host: 'exa mple.com', valueEnv: 'INJECT_VALUE' }] }), /mappings\[0\]\.host: expected a host name/],
    [
      'a template without {value}',
      (c) => ({ ...c, mappings: [{ host: 'a.example', template: 'Bearer x', valueEnv: 'INJECT_VALUE' }] }),
      /mappings\[0\]\.template: must contain \{value\}/,
    ],
    [
      'a bad header name',
      (c) => ({ ...c, mappings: [{ host: 'a.example', header: 'x key', valueEnv: 'INJECT_VALUE' }] }),
      /mappings\[0\]\.header: must be an HTTP header name/,
    ],
    [
      'a host mapped twice',
      (c) => ({
        ...c,
        mappings: [
          { host: 'A.example', valueEnv: 'INJECT_VALUE' },
          { host: 'a.example:443', valueEnv: 'INJECT_VALUE' },
        ],
      }),
      /mappings\[1\]\.host: a\.example:443 is mapped twice/,
    ],
    [
      'a route on a wildcard',
      (c) => ({ ...c, mappings: [{ host: '*.example.com', route: 'x', valueEnv: 'INJECT_VALUE' }] }),
      /mappings\[0\]\.route: a wildcard host cannot have a route/,
    ],
    [
      'a value variable that is not set',
      (c) => ({ ...c, mappings: [{ host: 'a.example', valueEnv: 'NOPE' }] }),
      /mappings\[0\]\.valueEnv: environment variable NOPE is empty or not set/,
    ],
    ['a missing CA file', (c) => ({ ...c, ca: { certFile: 'nope.pem', keyFile: 'ca-key.pem' } }), /ca\.certFile: cannot read .*nope\.pem \(ENOENT\)/],
    ['a CA key that is not PKCS#8', (c) => ({ ...c, ca: { certFile: 'ca.pem', keyFile: 'sec1-key.pem' } }), /ca: the CA key is not a PKCS#8 PEM private key/],
    ['a CA key of another CA', (c) => ({ ...c, ca: { certFile: 'ca.pem', keyFile: 'other-key.pem' } }), /ca: the CA key does not belong to the CA certificate/],
  ])('%s', async (_name, mutate, expected) => {
    const r = await start(mutate(valid()));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^onecli gateway: bad config /);
    expect(r.stderr).toMatch(expected);
    expect(r.stderr).not.toContain('sk-config-test-value');
  });

  test('an unset or short agent token variable', async () => {
    expect((await start(valid(), { PROXY_TOKEN: undefined })).stderr).toMatch(/agentTokensEnv: environment variable PROXY_TOKEN is empty or not set/);
    const short = await start(valid(), { PROXY_TOKEN: 'tok-0123456789abcdef,short' });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/agentTokensEnv: token 2 in PROXY_TOKEN is shorter than 16 characters/);
    expect(short.stderr).not.toContain('short,');
  });

  test('no --config and no launcher: usage, exit 2', async () => {
    const r = await run(process.execPath, [GATEWAY_MAIN], { env: env as NodeJS.ProcessEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/usage: node dist\/gateway\/main\.js --config FILE/);
  });
});

test('a port in use: one line, exit 3', async () => {
  const blocker = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => blocker.once('listening', r));
  const port = (blocker.address() as net.AddressInfo).port;
  const r = await start({ ...valid(), listen: `127.0.0.1:${port}` });
  blocker.close();
  expect(r.code).toBe(3);
  expect(r.stderr).toMatch(/cannot listen on 127\.0\.0\.1:\d+: the port is in use/);
});
