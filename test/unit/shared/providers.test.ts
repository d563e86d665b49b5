import { describe, expect, test } from 'vitest';
import { HeaderRule } from '../../../src/shared/header-rule.js';
import { parseAuthority } from '../../../src/shared/host-authority.js';
import { RouteName } from '../../../src/shared/gateway-config.js';
import { PathPrefix } from '../../../src/shared/mapping-path.js';
import { PROVIDERS, PROVIDER_CATALOG, presetCredential, presetForHost, providerById, providerForHost } from '../../../src/shared/providers.js';

/** `owner/repo@<40 hex> path` of a source file, `owner/repo path (node_modules/… version)`, or an https URL. */
const SOURCE = /^([A-Za-z0-9-]+\/[A-Za-z0-9._-]+(@[0-9a-f]{40})? \S+( \(node_modules\/[^)]+\))?|https:\/\/\S+)$/;
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

test('the services issue 13 names are all in the catalog', () => {
  const names = PROVIDER_CATALOG.map((p) => p.name).join(' | ');
  for (const service of [
    'Anthropic',
    'OpenAI',
    'Gemini',
    'Mistral',
    'Groq',
    'OpenRouter',
    'xAI',
    'DeepSeek',
    'Together',
    'Fireworks',
    'Perplexity',
    'Cohere',
    'Hugging Face',
    'Replicate',
    'GitHub',
    'GitLab',
    'npm',
    'Slack',
    'Linear',
    'Notion',
    'Stripe',
    'Sentry',
    'Cloudflare',
  ])
    expect(names).toContain(service);
});

describe.each(PROVIDER_CATALOG.map((p) => [p.id, p] as const))('%s', (_, entry) => {
  test('its shape is a rule the settings and the gateway accept', () => {
    expect(HeaderRule.safeParse(entry.credential).success).toBe(true);
    for (const h of entry.hosts) if (h.credential) expect(HeaderRule.safeParse(h.credential).success).toBe(true);
    expect(entry.docs).toMatch(/^https:\/\/\S+$/);
  });

  test('hosts are lower-case host names without a port; a path is a mapping path prefix', () => {
    for (const { host, path } of entry.hosts) {
      const parsed = parseAuthority(host, 443);
      expect(parsed, host).toEqual({ host, port: 443 });
      expect(host).toMatch(/^[a-z0-9.-]+$/);
      if (path !== undefined) expect(PathPrefix.parse(path)).toBe(path);
    }
    // An entry with no hosts is a preset for --preset only; it must be something else than the default.
    if (entry.hosts.length === 0) expect(entry.credential.type).not.toBe('bearer');
  });

  test('every variable names the client that reads it and the source that says so', () => {
    for (const v of entry.env) {
      expect(v.name).toMatch(ENV_NAME);
      expect(v.client.length).toBeGreaterThan(0);
      expect(v.source, v.name).toMatch(SOURCE);
    }
    // Nothing verified at all: the entry says what is missing, and why.
    if (entry.env.length === 0) expect(entry.unverified ?? '').not.toBe('');
  });

  test('a route goes to one of its hosts, and env exports only variables that are sourced', () => {
    if (!entry.route) return;
    expect(RouteName.safeParse(entry.route.name).success).toBe(true);
    expect(entry.hosts.map((h) => h.host)).toContain(entry.route.host);
    expect(entry.route.basePath === '' || entry.route.basePath.startsWith('/')).toBe(true);
    for (const name of entry.route.baseUrlEnv)
      expect(
        entry.env.some((v) => v.name === name && v.role === 'base-url'),
        name,
      ).toBe(true);
    for (const name of entry.route.apiKeyEnv)
      expect(
        entry.env.some((v) => v.name === name && v.role === 'api-key'),
        name,
      ).toBe(true);
    // The base-URL door knows an agent by x-api-key, x-goog-api-key or Authorization: the route's shape must replace the one its SDK sends.
    const shape = presetCredential(entry, entry.route.host);
    expect(shape.type === 'x-api-key' || shape.type === 'bearer' || (shape.type === 'custom' && shape.header === 'x-goog-api-key')).toBe(true);
  });
});

test('no host (on one path), preset id or route is listed twice', () => {
  const hosts = PROVIDER_CATALOG.flatMap((p) => p.hosts.map((h) => `${h.host}${h.path ?? ''}`));
  expect(new Set(hosts).size).toBe(hosts.length);
  const ids = PROVIDER_CATALOG.map((p) => p.id);
  expect(new Set(ids).size).toBe(ids.length);
  const routes = PROVIDERS.map((p) => p.route);
  expect(new Set(routes).size).toBe(routes.length);
});

test('the base-URL door and agent env keep working: anthropic and openai routes as before', () => {
  expect(providerForHost('api.anthropic.com')).toMatchObject({
    route: 'anthropic',
    basePath: '',
    errorShape: 'anthropic',
    baseUrlEnv: ['ANTHROPIC_BASE_URL'],
    apiKeyEnv: ['ANTHROPIC_API_KEY'],
  });
  expect(providerForHost('api.openai.com')).toMatchObject({
    route: 'openai',
    basePath: '/v1',
    errorShape: 'openai',
    baseUrlEnv: ['OPENAI_BASE_URL'],
    apiKeyEnv: ['OPENAI_API_KEY'],
  });
});

test('the GitLab API sits next to git over HTTPS on gitlab.com, under /api', () => {
  expect(presetForHost('gitlab.com')).toMatchObject({ entry: { id: 'gitlab' }, credential: { type: 'basic', template: 'oauth2:{value}' } });
  expect(presetForHost('gitlab.com', '/')).toMatchObject({ entry: { id: 'gitlab' } });
  expect(presetForHost('gitlab.com', '/api')).toMatchObject({
    entry: { id: 'gitlab-api' },
    path: '/api',
    credential: { type: 'custom', header: 'private-token' },
  });
  expect(presetForHost('gitlab.com', '/api/v4/projects')).toMatchObject({ entry: { id: 'gitlab-api' }, path: '/api' });
  expect(presetForHost('gitlab.com', '/apis')).toMatchObject({ entry: { id: 'gitlab' } });
});

test('Gemini has a base-URL route: @google/genai reads GOOGLE_GEMINI_BASE_URL and sends its key as x-goog-api-key', () => {
  expect(providerForHost('generativelanguage.googleapis.com')).toMatchObject({
    route: 'gemini',
    basePath: '',
    baseUrlEnv: ['GOOGLE_GEMINI_BASE_URL'],
    apiKeyEnv: ['GEMINI_API_KEY'],
  });
});

test('a known host gets its own shape: git over HTTPS takes Basic, the API Bearer', () => {
  expect(presetForHost('github.com')?.credential).toEqual({ type: 'basic', template: 'x-access-token:{value}' });
  expect(presetForHost('api.github.com')?.credential).toEqual({ type: 'bearer' });
  expect(presetForHost('api.stripe.com')?.credential).toEqual({ type: 'basic', template: '{value}:' });
  expect(presetForHost('generativelanguage.googleapis.com')?.credential).toEqual({ type: 'custom', header: 'x-goog-api-key', template: '{value}' });
  expect(presetForHost('api.linear.app')?.credential).toEqual({ type: 'custom', header: 'authorization', template: '{value}' });
  expect(presetForHost('example.com')).toBeUndefined();
  // A preset on a host it does not list: the entry's shape (GitHub Enterprise: git and API on one name).
  const github = providerById('github');
  expect(github && presetCredential(github, 'ghe.example.com')).toEqual({ type: 'basic', template: 'x-access-token:{value}' });
});
