import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { ConfigError, loadConfigFile } from '../../../src/gateway/config-file.js';
import { makeCa } from '../../support/pki.js';

let dir: string;
beforeAll(async () => {
  const ca = await makeCa('Local CA');
  dir = mkdtempSync(path.join(tmpdir(), 'onecli-cfg-paths-'));
  writeFileSync(path.join(dir, 'ca.pem'), ca.certPem);
  writeFileSync(path.join(dir, 'ca-key.pem'), ca.keyPem);
});

const load = (mappings: unknown[]) => {
  const file = path.join(dir, `c-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ listen: '127.0.0.1:0', ca: { certFile: 'ca.pem', keyFile: 'ca-key.pem' }, agentTokensEnv: 'T', mappings }));
  return loadConfigFile(file, { T: 'tok-0123456789abcdef', V: 'sk-one-000000000000', W: 'sk-two-000000000000' });
};

test('the standalone config file takes path and method rules: several mappings per host, named like the launcher names them', () => {
  const { runtime, values } = load([
    { host: 'api.github.com', valueEnv: 'V' },
    { host: 'api.github.com', path: 'repos/acme/', valueEnv: 'W' },
    { host: 'api.github.com', path: '/repos/acme', methods: ['head', 'GET'], valueEnv: 'V' },
  ]);
  expect(runtime.mappings.map((m) => [m.id, m.path, m.methods])).toEqual([
    ['api.github.com:443', undefined, undefined],
    ['api.github.com:443/repos/acme', '/repos/acme', undefined],
    ['api.github.com:443/repos/acme#GET,HEAD', '/repos/acme', ['GET', 'HEAD']],
  ]);
  expect(values.get('api.github.com:443/repos/acme')).toEqual(['sk-two-000000000000']);
});

test('the same host, path and methods twice is refused, naming the field', () => {
  expect(() =>
    load([
      { host: 'a.example', path: '/v1', valueEnv: 'V' },
      { host: 'a.example', path: '/v1/', valueEnv: 'W' },
    ]),
  ).toThrow(ConfigError);
  expect(() => load([{ host: 'a.example', path: '/a/../b', valueEnv: 'V' }])).toThrow(/mappings\.0\.path|mappings\[0\]\.path/);
});
