import { describe, expect, test } from 'vitest';
import { writeCredential } from '../../../src/gateway/header-rules.js';
import { PROVIDER_CATALOG, presetForHost, providerById } from '../../../src/shared/providers.js';

/**
 * What the gateway writes for every host of the catalog, spelled out by hand from each service's
 * documentation (the `docs` link of its entry), not derived from the catalog: a wrong header
 * name, template, Basic user or base64, or query parameter in src/shared/providers.ts fails here.
 * A host added to the catalog without a row here fails too. The value has non-ASCII characters
 * so Basic's UTF-8 (RFC 7617 §2.1) is checked, not only ASCII.
 */
const V = 'tök3n-Ä1';
const W = 'second-ref-value';

type Wire = { headers: [string, string][]; query?: { param: string; value: string } };
const header = (name: string, value: string): Wire => ({ headers: [[name, value]] });
const bearer = header('authorization', `Bearer ${V}`);

/** `host` or `host/path` → the request's credential, as the service documents it. */
const EXPECTED: Record<string, Wire> = {
  'api.anthropic.com': header('x-api-key', V),
  'api.openai.com': bearer,
  'generativelanguage.googleapis.com': header('x-goog-api-key', V),
  'maps.googleapis.com': { headers: [], query: { param: 'key', value: V } },
  'api.mistral.ai': bearer,
  'api.groq.com': bearer,
  'openrouter.ai': bearer,
  'api.x.ai': bearer,
  'api.deepseek.com': bearer,
  'api.together.ai': bearer,
  'api.together.xyz': bearer,
  'api.fireworks.ai': bearer,
  'api.perplexity.ai': bearer,
  'api.cohere.com': bearer,
  'huggingface.co': bearer,
  'router.huggingface.co': bearer,
  'api.replicate.com': bearer,
  // git over HTTPS: user x-access-token, the token as password (base64 of UTF-8 "x-access-token:tök3n-Ä1").
  'github.com': header('authorization', 'Basic eC1hY2Nlc3MtdG9rZW46dMO2azNuLcOEMQ=='),
  'api.github.com': bearer,
  'uploads.github.com': bearer,
  // GitLab over HTTPS with a token: user oauth2 ("oauth2:tök3n-Ä1").
  'gitlab.com': header('authorization', 'Basic b2F1dGgyOnTDtmszbi3DhDE='),
  'gitlab.com/api': header('private-token', V),
  'registry.npmjs.org': bearer,
  'slack.com': bearer,
  // Linear's personal API keys go in Authorization as they are, without "Bearer".
  'api.linear.app': header('authorization', V),
  'api.notion.com': bearer,
  // Stripe: the key as the Basic user name, an empty password ("tök3n-Ä1:").
  'api.stripe.com': header('authorization', 'Basic dMO2azNuLcOEMTo='),
  'files.stripe.com': header('authorization', 'Basic dMO2azNuLcOEMTo='),
  'sentry.io': bearer,
  'us.sentry.io': bearer,
  'de.sentry.io': bearer,
  'api.cloudflare.com': bearer,
};

const wire = (written: ReturnType<typeof writeCredential>): Wire => ({
  headers: written.headers.map(([n, v]) => [n, v]),
  ...(written.query ? { query: written.query } : {}),
});

const catalogHosts = PROVIDER_CATALOG.flatMap((p) => p.hosts.map((h) => `${h.host}${h.path ?? ''}`));

test('every catalog host has a row here, and every row is a catalog host', () => {
  expect([...catalogHosts].sort()).toEqual(Object.keys(EXPECTED).sort());
});

describe.each(Object.entries(EXPECTED))('%s', (name, expected) => {
  test('the preset writes exactly the documented credential', () => {
    const slash = name.indexOf('/');
    const [host, path] = slash < 0 ? [name, undefined] : [name.slice(0, slash), name.slice(slash)];
    const preset = presetForHost(host, path);
    expect(preset, `${name} is not a catalog host`).toBeDefined();
    expect(wire(writeCredential(preset!.credential, [V]))).toEqual(expected);
  });
});

test('Cloudflare Access (a --preset for any host): two headers from two references, each its own value', () => {
  const entry = providerById('cloudflare-access');
  expect(entry?.hosts).toEqual([]);
  expect(wire(writeCredential(entry!.credential, [V, W]))).toEqual({
    headers: [
      ['cf-access-client-id', V],
      ['cf-access-client-secret', W],
    ],
  });
});
