import type { HeaderRule } from '../../../src/shared/header-rule.js';
import { describe, expect, test } from 'vitest';
import { buildMapping, toGatewayMapping } from '../../../src/core/mappings/mapping-rules.js';
import { headerFlags, mappingAddParams } from '../../../src/cli/mapping-flags.js';

const now = new Date('2026-11-25T00:00:00Z');
const add = (input: Parameters<typeof buildMapping>[0]) => buildMapping(input, now);

describe('mappings add picks the catalog preset for a known host', () => {
  test.each([
    ['github.com', { type: 'basic', template: 'x-access-token:{value}' }],
    ['api.github.com', { type: 'bearer' }],
    ['api.stripe.com', { type: 'basic', template: '{value}:' }],
    ['generativelanguage.googleapis.com', { type: 'custom', header: 'x-goog-api-key', template: '{value}' }],
    ['api.anthropic.com', { type: 'x-api-key' }],
    ['unknown.example.com', { type: 'bearer' }],
  ])('%s', (host, rule) => {
    expect(add({ host, reference: 'local://k' }).rule).toEqual(rule);
  });

  test('a routed provider gets its route', () => {
    expect(add({ host: 'api.groq.com', reference: 'local://k' }).route).toBe('groq');
    expect(add({ host: 'api.cloudflare.com', reference: 'local://k' }).route).toBe('cloudflare');
    expect(add({ host: 'generativelanguage.googleapis.com', reference: 'local://k' }).route).toBe('gemini');
    expect(add({ host: 'api.mistral.ai', reference: 'local://k' }).route).toBeUndefined();
  });

  test('a host listed on a path: gitlab.com is git over HTTPS (Basic), gitlab.com/api the REST API (PRIVATE-TOKEN)', () => {
    const privateToken = { type: 'custom', header: 'private-token', template: '{value}' };
    expect(add({ host: 'gitlab.com', reference: 'local://k' }).rule).toEqual({ type: 'basic', template: 'oauth2:{value}' });
    expect(add({ host: 'gitlab.com', reference: 'local://k', path: '/api' }).rule).toEqual(privateToken);
    expect(add({ host: 'gitlab.com/api/v4', reference: 'local://k' }).rule).toEqual(privateToken);
    expect(add({ host: 'gitlab.com', reference: 'local://k', path: '/apix' }).rule).toEqual({ type: 'basic', template: 'oauth2:{value}' });
    expect(add({ host: 'gitlab.corp.example', reference: 'local://k', path: '/api', preset: 'gitlab-api' }).rule).toEqual(privateToken);
  });
});

describe('a rule given whole (the UI form sends the shape as data)', () => {
  test('is kept as given, whatever the host’s preset', () => {
    expect(add({ host: 'api.anthropic.com', reference: 'local://k', rule: { type: 'bearer' } }).rule).toEqual({ type: 'bearer' });
    expect(add({ host: 'github.com', reference: 'local://k', rule: { type: 'query', param: 'key' } }).rule).toEqual({ type: 'query', param: 'key' });
  });

  test('several headers carry their own references, one per header after the first', () => {
    const rule: HeaderRule = {
      type: 'headers',
      headers: [
        { header: 'cf-access-client-id', template: '{value}' },
        { header: 'cf-access-client-secret', template: '{value}', reference: 'local://cf-secret' },
      ],
    };
    expect(add({ host: 'app.example.com', reference: 'local://cf-id', rule }).rule).toEqual(rule);
    const unreferenced: HeaderRule = {
      type: 'headers',
      headers: [
        { header: 'a', template: '{value}' },
        { header: 'b', template: '{value}' },
      ],
    };
    expect(() => add({ host: 'app.example.com', reference: 'local://cf-id', rule: unreferenced })).toThrow(/header 2 \(b\) needs its own reference/);
    expect(() => add({ host: 'app.example.com', reference: 'local://cf-id', rule, references: ['local://x'] })).toThrow(/give a rule's references once/);
    expect(() => add({ host: 'h.example', reference: 'local://k', rule: { type: 'basic', template: 'nocolon{value}' } })).toThrow(/the rule must separate/);
    expect(() => add({ host: 'h.example', reference: 'local://k', rule: { type: 'bearer' }, basic: 'u:{value}' })).toThrow(
      /one credential shape per mapping: --basic and a rule/,
    );
  });
});

describe('shapes from flags', () => {
  test('--preset applies a catalog entry to any host (GitHub Enterprise, self-hosted GitLab)', () => {
    expect(add({ host: 'ghe.corp.example', reference: 'local://k', preset: 'github' }).rule).toEqual({ type: 'basic', template: 'x-access-token:{value}' });
    expect(add({ host: 'gitlab.corp.example', reference: 'local://k', preset: 'gitlab' }).rule).toEqual({ type: 'basic', template: 'oauth2:{value}' });
    expect(() => add({ host: 'h.example', reference: 'local://k', preset: 'nope' })).toThrow(/no preset named "nope"; onecli-launcher providers list/);
  });

  test('--basic, --query', () => {
    expect(add({ host: 'h.example', reference: 'local://k', basic: 'u:{value}' }).rule).toEqual({ type: 'basic', template: 'u:{value}' });
    expect(add({ host: 'h.example', reference: 'local://k', query: 'key' }).rule).toEqual({ type: 'query', param: 'key' });
    expect(() => add({ host: 'h.example', reference: 'local://k', basic: '{value}' })).toThrow(/the Basic template must separate/);
    expect(() => add({ host: 'h.example', reference: 'local://k', query: 'k&y' })).toThrow(/the query parameter must be/);
  });

  test('several headers take one reference each; the gateway is told the shape without references', () => {
    const m = add({
      host: 'app.example.com',
      reference: 'local://cf-id',
      references: ['local://cf-secret'],
      headers: [{ header: 'CF-Access-Client-Id' }, { header: 'CF-Access-Client-Secret' }],
    });
    expect(m.rule).toEqual({
      type: 'headers',
      headers: [
        { header: 'cf-access-client-id', template: '{value}' },
        { header: 'cf-access-client-secret', template: '{value}', reference: 'local://cf-secret' },
      ],
    });
    expect(JSON.stringify(toGatewayMapping(m))).not.toContain('local://');
    expect(add({ host: 'app.example.com', reference: 'local://a', references: ['local://b'], preset: 'cloudflare-access' }).rule.type).toBe('headers');
  });

  test('what one mapping cannot express is a clear error', () => {
    expect(() => add({ host: 'h.example', reference: 'local://k', basic: 'u:{value}', query: 'key' })).toThrow(
      /one credential shape per mapping: --basic and --query/,
    );
    expect(() => add({ host: 'h.example', reference: 'local://k', header: 'x-k', preset: 'github' })).toThrow(/one credential shape per mapping/);
    expect(() => add({ host: 'h.example', reference: 'local://k', references: ['local://b'] })).toThrow(/takes one reference, and 2 were given/);
    expect(() => add({ host: 'h.example', reference: 'local://a', headers: [{ header: 'a' }, { header: 'b' }] })).toThrow(
      /writes 2 headers, one reference each: give 2 references \(1 were given\)/,
    );
    expect(() => add({ host: 'h.example', reference: 'local://a', references: ['nope'], headers: [{ header: 'a' }, { header: 'b' }] })).toThrow(
      /reference 2 must be/,
    );
    expect(() => add({ host: 'h.example', reference: 'local://a', references: ['local://b'], headers: [{ header: 'a' }, { header: 'A' }] })).toThrow(
      /each header once/,
    );
  });
});

describe('CLI flags', () => {
  const tok = (...pairs: [string, string][]) => pairs.map(([name, value]) => ({ kind: 'option', name, value }));
  test('each --template belongs to the --header before it', () => {
    expect(headerFlags(tok(['header', 'a'], ['header', 'b'], ['template', 'Bearer {value}']))).toEqual([
      { header: 'a' },
      { header: 'b', template: 'Bearer {value}' },
    ]);
    expect(headerFlags(tok(['template', 'token {value}']))).toEqual([{ template: 'token {value}' }]);
    expect(headerFlags(tok(['template', 't {value}'], ['header', 'x']))).toEqual([{ header: 'x', template: 't {value}' }]);
    expect(() => headerFlags(tok(['header', 'a'], ['template', '1 {value}'], ['template', '2 {value}']))).toThrow(/at most one --template/);
  });

  test('positional references after the host go to the headers in order', () => {
    expect(mappingAddParams(['h', 'local://a', 'local://b'], {}, [{ header: 'a' }, { header: 'b' }])).toEqual({
      host: 'h',
      reference: 'local://a',
      references: ['local://b'],
      headers: [{ header: 'a' }, { header: 'b' }],
    });
    expect(mappingAddParams(['h', 'local://a'], { basic: 'x-access-token:{value}', replace: true }, [])).toEqual({
      host: 'h',
      reference: 'local://a',
      basic: 'x-access-token:{value}',
      replace: true,
    });
    expect(() => mappingAddParams(['h'], {}, [])).toThrow(/usage: onecli-launcher mappings add/);
  });
});

test('env exports the base-URL variables of every mapped provider that has a route, and only those', async () => {
  const { agentEnv } = await import('../../../src/core/agents/agent-env.js');
  const mappings = ['api.groq.com', 'api.cloudflare.com', 'github.com'].map((host) => add({ host, reference: 'local://k' }));
  const vars = agentEnv({ port: 10255, token: 'tok-agent-0123456789', caFile: '/ca.pem', bundleFile: '/bundle.pem', mappings });
  expect(vars.GROQ_BASE_URL).toBe('http://127.0.0.1:10255/r/groq');
  expect(vars.GROQ_API_KEY).toBe('tok-agent-0123456789');
  expect(vars.CLOUDFLARE_BASE_URL).toBe('http://127.0.0.1:10255/r/cloudflare/client/v4');
  expect(vars.CLOUDFLARE_API_TOKEN).toBe('tok-agent-0123456789');
  expect(vars.OPENAI_BASE_URL).toBeUndefined();
  // GitHub has no route: git uses the proxy door. github.com (git) alone is not where gh sends
  // GH_TOKEN, so no phantom is set: it would reach api.github.com through the blind tunnel.
  expect(vars.GH_TOKEN).toBeUndefined();
});

test('gh, which will not start without GH_TOKEN, gets the agent token as a phantom once the hosts gh sends it to are mapped', async () => {
  const { agentEnv } = await import('../../../src/core/agents/agent-env.js');
  const env = (hosts: string[], rule: { path?: string; methods?: string[] } = {}) =>
    agentEnv({
      port: 10255,
      token: 'tok-agent-0123456789',
      caFile: '/ca.pem',
      bundleFile: '/bundle.pem',
      mappings: hosts.map((host) => add({ host, reference: 'local://k', ...rule })),
    });
  expect(env(['api.github.com', 'uploads.github.com']).GH_TOKEN).toBe('tok-agent-0123456789');
  // gh uploads release assets to uploads.github.com with the same token: unmapped, it would go there as it is.
  expect(env(['api.github.com']).GH_TOKEN).toBeUndefined();
  // gh's /graphql or a POST would match no rule and go out unchanged: the phantom would reach GitHub.
  expect(env(['api.github.com', 'uploads.github.com'], { path: '/repos' }).GH_TOKEN).toBeUndefined();
  expect(env(['api.github.com', 'uploads.github.com'], { methods: ['GET'] }).GH_TOKEN).toBeUndefined();
  expect(env(['github.com', 'uploads.github.com']).GH_TOKEN).toBeUndefined();
  // Not the other names gh reads: GITHUB_TOKEN is read by many tools that may send it anywhere.
  expect(env(['api.github.com', 'uploads.github.com']).GITHUB_TOKEN).toBeUndefined();
});
