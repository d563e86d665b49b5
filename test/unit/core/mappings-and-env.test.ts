import { describe, expect, test } from 'vitest';
import { agentEnv, shellExports } from '../../../src/core/agents/agent-env.js';
import { importSuggestions, bestKeyField } from '../../../src/core/mappings/import-suggestions.js';
import { MappingInputError, buildMapping, maskValue, parseMappingName, toGatewayMapping } from '../../../src/core/mappings/mapping-rules.js';
import type { VaultSource } from '../../../src/core/vault/vault-source.js';

const now = new Date('2026-11-25T00:00:00Z');

describe('buildMapping', () => {
  test('known providers get their default header and their base-URL route', () => {
    expect(buildMapping({ host: 'API.Anthropic.com', reference: 'op://API Keys/Anthropic/credential' }, now)).toEqual({
      host: 'api.anthropic.com',
      reference: 'op://API Keys/Anthropic/credential',
      rule: { type: 'x-api-key' },
      route: 'anthropic',
      createdAt: now.toISOString(),
    });
    expect(buildMapping({ host: 'https://api.openai.com/v1', reference: 'local://openai' }, now)).toMatchObject({
      host: 'api.openai.com',
      rule: { type: 'bearer' },
      route: 'openai',
    });
  });

  test('other hosts: bearer by default, ports and wildcards kept in the key, custom rules', () => {
    expect(buildMapping({ host: 'localhost:8443', reference: 'local://k' }, now)).toMatchObject({ host: 'localhost:8443', rule: { type: 'bearer' } });
    expect(buildMapping({ host: '*.example.com', reference: 'local://k', header: 'X-Key' }, now)).toMatchObject({
      host: '*.example.com',
      rule: { type: 'custom', header: 'x-key', template: '{value}' },
    });
    expect(toGatewayMapping(buildMapping({ host: 'localhost:8443', reference: 'local://k' }, now))).toEqual({
      id: 'localhost:8443',
      host: 'localhost',
      port: 8443,
      rule: { type: 'bearer' },
    });
  });

  test.each([
    [{ host: 'not a host', reference: 'local://k' }, /is not a host name/],
    [{ host: 'a.example', reference: 'op://vault/item' }, /vault, an item and a field/],
    [{ host: 'a.example', reference: 'op://v/it(em)/f' }, /use the vault's or item's ID/],
    [{ host: 'a.example', reference: 'sk-live-123' }, /must be a 1Password reference/],
    [{ host: 'a.example', reference: 'local://k', template: 'Bearer' }, /must contain \{value\}/],
    [{ host: 'a.example', reference: 'local://k', header: 'x y' }, /^the header must be an HTTP header name such as x-api-key/],
    [
      { host: 'a.example', reference: 'local://k', template: 'Bearer {value}\r\nX-Injected: 1' },
      /^the template must be sendable in an HTTP header as written, but it contains a line break \(CR\/LF\) at position 15 of 29$/,
    ],
  ])('refuses %j with a sentence that says what to do', (input, message) => {
    expect(() => buildMapping(input, now)).toThrow(MappingInputError);
    expect(() => buildMapping(input, now)).toThrow(message);
  });
});

test('maskValue never shows a short value, and only 6 characters of a long one', () => {
  expect(maskValue('short-secret')).toBe('•••••••••••• (12 chars)');
  expect(maskValue('sk-ant-api03-abcdefghijklmnopqrstuvwxyz-XY')).toBe('sk-a…XY (42 chars)');
});

describe('agent env', () => {
  const mappings = [
    buildMapping({ host: 'api.anthropic.com', reference: 'local://a' }, now),
    buildMapping({ host: 'api.openai.com', reference: 'local://o' }, now),
  ];
  const vars = agentEnv({ port: 10255, token: 'tok-agent-0123456789', caFile: '/d/ca.pem', bundleFile: '/d/ca-bundle.pem', mappings });

  test('both doors, trust that adds vs trust that replaces, and phantom keys', () => {
    expect(vars).toMatchObject({
      HTTPS_PROXY: 'http://x:tok-agent-0123456789@127.0.0.1:10255',
      NO_PROXY: 'localhost,127.0.0.1,::1',
      NODE_EXTRA_CA_CERTS: '/d/ca.pem',
      SSL_CERT_FILE: '/d/ca-bundle.pem',
      REQUESTS_CA_BUNDLE: '/d/ca-bundle.pem',
      CURL_CA_BUNDLE: '/d/ca-bundle.pem',
      GIT_SSL_CAINFO: '/d/ca-bundle.pem',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:10255/r/anthropic',
      ANTHROPIC_API_KEY: 'tok-agent-0123456789',
      OPENAI_BASE_URL: 'http://127.0.0.1:10255/r/openai/v1',
      OPENAI_API_KEY: 'tok-agent-0123456789',
    });
  });

  test('Gemini mapped: @google/genai gets its base URL and the agent token as GEMINI_API_KEY', () => {
    const gemini = agentEnv({
      port: 10255,
      token: 'tok-agent-0123456789',
      caFile: 'c',
      bundleFile: 'b',
      mappings: [buildMapping({ host: 'generativelanguage.googleapis.com', reference: 'local://g' }, now)],
    });
    expect(gemini).toMatchObject({ GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:10255/r/gemini', GEMINI_API_KEY: 'tok-agent-0123456789' });
    expect(gemini).not.toHaveProperty('GOOGLE_API_KEY');
  });

  test('no mapped loopback host: loopback is direct, and plain HTTP is not proxied', () => {
    expect(vars).not.toHaveProperty('HTTP_PROXY');
    expect(vars).not.toHaveProperty('http_proxy');
  });

  describe('a mapped loopback host goes through the gateway (NO_PROXY would send it around, to a 401)', () => {
    const env = (...hosts: string[]) =>
      agentEnv({ port: 10255, token: 'tok', caFile: 'c', bundleFile: 'b', mappings: hosts.map((host) => buildMapping({ host, reference: 'local://k' }, now)) });
    test.each([
      ['localhost:4000', '127.0.0.1,::1'],
      ['LOCALHOST:4000', '127.0.0.1,::1'],
      ['litellm.localhost:4000', '127.0.0.1,::1'],
      ['*.localhost', '127.0.0.1,::1'],
      ['127.0.0.1:4000', 'localhost,::1'],
      ['[::1]:4000', 'localhost,127.0.0.1'],
      ['127.0.0.2:4000', 'localhost,127.0.0.1,::1'], // not covered by NO_PROXY anyway, but plain HTTP to it needs HTTP_PROXY
    ])('%s → NO_PROXY=%s, and HTTP_PROXY is set', (host, noProxy) => {
      const v = env(host);
      expect(v.NO_PROXY).toBe(noProxy);
      expect(v.no_proxy).toBe(noProxy);
      expect(v.HTTP_PROXY).toBe('http://x:tok@127.0.0.1:10255');
      expect(v.http_proxy).toBe(v.HTTP_PROXY);
    });

    test("all three names mapped: NO_PROXY is set, and empty, so a NO_PROXY in the agent's shell cannot let one bypass", () => {
      const v = env('localhost:1', '127.0.0.1:2', '[::1]:3');
      expect(v).toHaveProperty('NO_PROXY', '');
      expect(v).toHaveProperty('no_proxy', '');
    });

    test('a host that only looks loopback is not: nothing changes', () => {
      for (const host of ['localhost.example.com', 'mylocalhost', '127.0.0.1.nip.io']) expect(env(host)).toMatchObject({ NO_PROXY: 'localhost,127.0.0.1,::1' });
      expect(env('localhost.example.com')).not.toHaveProperty('HTTP_PROXY');
    });
  });

  test('no provider variables without a mapping for the provider', () => {
    expect(agentEnv({ port: 1, token: 't', caFile: 'c', bundleFile: 'b', mappings: [] })).not.toHaveProperty('ANTHROPIC_API_KEY');
  });

  test('shell exports quote safely', () => {
    expect(shellExports({ A: "it's $HOME" })).toBe(`export A='it'\\''s $HOME'`);
  });
});

describe('import suggestions', () => {
  const source: VaultSource = {
    kind: 'desktop',
    resolve: async () => 'x',
    listVaults: async () => [{ id: 'v1', name: 'API Keys' }],
    listItems: async () => [
      { id: 'i1', title: 'Anthropic', category: 'API_CREDENTIAL', urls: ['https://api.anthropic.com'] },
      { id: 'i2', title: 'GitHub', category: 'LOGIN', urls: ['https://github.com/login', 'http://insecure.example'] },
      { id: 'i3', title: 'Wifi', category: 'PASSWORD', urls: ['https://router.local'] },
      { id: 'i4', title: 'OpenAI', category: 'LOGIN', urls: ['api.openai.com'] },
      { id: 'i5', title: 'GitLab', category: 'API_CREDENTIAL', urls: ['https://gitlab.com/api/v4/projects'] },
      { id: 'i6', title: 'Internal', category: 'API_CREDENTIAL', urls: ['https://api.internal.example:8443/v1'] },
    ],
    listFields: async (_v, itemId) => [
      { id: 'u', label: 'username', type: 'STRING', reference: `op://API Keys/${itemId}/username` },
      { id: 'p', label: 'password', type: 'CONCEALED', reference: `op://API Keys/${itemId}/password` },
      { id: 'c', label: 'credential', type: 'CONCEALED', reference: `op://API Keys/${itemId}/credential` },
    ],
  };

  test('suggests hosts from LOGIN and API_CREDENTIAL items, https only, never an existing mapping; a catalog host brings its preset', async () => {
    expect(await importSuggestions(source, new Set(['api.openai.com']))).toEqual([
      {
        host: 'api.anthropic.com',
        reference: 'op://API Keys/i1/credential',
        item: 'Anthropic',
        vault: 'API Keys',
        preset: 'anthropic',
        service: 'Anthropic',
        rule: { type: 'x-api-key' },
        route: 'anthropic',
      },
      {
        host: 'github.com',
        reference: 'op://API Keys/i2/credential',
        item: 'GitHub',
        vault: 'API Keys',
        preset: 'github',
        service: 'GitHub',
        rule: { type: 'basic', template: 'x-access-token:{value}' },
      },
      // The URL lies under the catalog's path for the GitLab API: that mapping, on that path.
      {
        host: 'gitlab.com',
        path: '/api',
        reference: 'op://API Keys/i5/credential',
        item: 'GitLab',
        vault: 'API Keys',
        preset: 'gitlab-api',
        service: 'GitLab API',
        rule: { type: 'custom', header: 'private-token', template: '{value}' },
      },
      // Not in the catalog: OneCLI's default, on the host and port.
      { host: 'api.internal.example:8443', reference: 'op://API Keys/i6/credential', item: 'Internal', vault: 'API Keys', rule: { type: 'bearer' } },
    ]);
  });

  test('an existing mapping is known by its name, HOST or HOST/PREFIX: gitlab.com/api mapped, the GitLab item suggests nothing', async () => {
    const hosts = (await importSuggestions(source, new Set(['gitlab.com/api', 'api.anthropic.com', 'github.com']))).map((s) => `${s.host}${s.path ?? ''}`);
    expect(hosts).toEqual(['api.openai.com', 'api.internal.example:8443']);
  });

  test('the key field: credential over password; none when nothing is concealed', () => {
    expect(
      bestKeyField([
        { id: 'a', label: 'password', type: 'CONCEALED', reference: 'r1' },
        { id: 'b', label: 'API Key', type: 'CONCEALED', reference: 'r2' },
      ])?.reference,
    ).toBe('r2');
    expect(bestKeyField([{ id: 'a', label: 'username', type: 'STRING', reference: 'r' }])).toBeUndefined();
  });
});

describe('path and method rules (issue 12)', () => {
  test('a path prefix and methods are normalised and reach the gateway under the mapping name', () => {
    const m = buildMapping({ host: 'api.github.com', reference: 'local://gh', path: 'repos/acme/', methods: ['get,head', 'GET'] }, now);
    expect(m).toMatchObject({ host: 'api.github.com', path: '/repos/acme', methods: ['GET', 'HEAD'] });
    expect(toGatewayMapping(m)).toEqual({
      id: 'api.github.com/repos/acme',
      host: 'api.github.com',
      port: 443,
      rule: { type: 'bearer' },
      path: '/repos/acme',
      methods: ['GET', 'HEAD'],
    });
    expect(buildMapping({ host: 'api.github.com/repos/acme', reference: 'local://gh' }, now)).toMatchObject({ host: 'api.github.com', path: '/repos/acme' });
    expect(() => buildMapping({ host: 'api.github.com/repos', reference: 'local://gh', path: '/user' }, now)).toThrow(/give the path once/);
    // "/" and no methods: every request to the host, as a v2 mapping.
    expect(buildMapping({ host: 'api.github.com', reference: 'local://gh', path: '/', methods: [] }, now)).not.toHaveProperty('path');
  });

  test.each([
    ['HOST', 'api.github.com', { name: 'api.github.com', key: 'api.github.com', path: undefined }],
    ['HOST/PREFIX', 'API.github.com/repos/acme/', { name: 'api.github.com/repos/acme', key: 'api.github.com', path: '/repos/acme' }],
    ['a port and a prefix', 'localhost:8443/v1', { name: 'localhost:8443/v1', key: 'localhost:8443', path: '/v1' }],
    ['a URL', 'https://api.github.com/', { name: 'api.github.com', key: 'api.github.com', path: undefined }],
  ])('a mapping is named %s', (_what, raw, parsed) => {
    expect(parseMappingName(raw)).toEqual(parsed);
  });

  test.each([
    [{ path: '/a/../b' }, /^the path must not contain/],
    [{ path: '/v1?x=1' }, /^the path must be a plain path/],
    [{ methods: ['GET', 'PO ST'] }, /"PO ST" is not an HTTP method/],
  ])('refuses %j with what to do', (extra, message) => {
    expect(() => buildMapping({ host: 'a.example', reference: 'local://k', ...extra }, now)).toThrow(message);
  });
});
