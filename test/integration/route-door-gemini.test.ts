import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { GATEWAY_ERROR_HEADER } from '../../src/shared/gateway-errors.js';
import { MASKED_VALUE, SECRETS, startFixture, type Fixture } from '../support/fixture.js';

/**
 * Google Gemini's base-URL route. @google/genai (googleapis/js-genai@6e9b35c) builds its URLs
 * as `${GOOGLE_GEMINI_BASE_URL}/${apiVersion}/…` (src/_api_client.ts) and sends the key in
 * `x-goog-api-key` (src/node/_node_auth.ts). The SDK is not a dependency here, so the requests
 * below are the ones it makes, written out.
 */
let f: Fixture;
let base: string;
beforeAll(async () => {
  f = await startFixture((up) => [
    { host: up.authority, route: 'gemini', preset: 'gemini', value: SECRETS.value },
    // Google's ?key= APIs: the phantom key in x-goog-api-key must not travel beside the parameter.
    { host: `127.0.0.1:${up.port}`, route: 'gkey', query: 'key', value: SECRETS.value },
  ]);
  base = `http://127.0.0.1:${f.gateway.port}/r`;
});
afterAll(() => f?.stop());
beforeEach(() => {
  f.upstream.requests.length = 0;
});

const generate = (route: string, key: string | undefined) =>
  fetch(`${base}/${route}/v1beta/models/gemini-test:generateContent`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-goog-api-key': key } : {}) },
    body: JSON.stringify({ contents: [{ parts: [{ text: 'hi' }] }] }),
  });

describe('the gemini route: the agent token rides in x-goog-api-key', () => {
  test('swapped for the real key in x-goog-api-key, the path kept, the token sent nowhere', async () => {
    const res = await generate('gemini', SECRETS.agentToken);
    expect(res.status).toBe(200);
    const echo = (await res.json()) as { path: string; headers: Record<string, string> };
    expect(echo.path).toBe('/v1beta/models/gemini-test:generateContent');
    expect(echo.headers['x-goog-api-key']).toBe(MASKED_VALUE);
    const seen = f.upstream.requests.at(-1);
    expect(seen?.headers['x-goog-api-key']).toBe(SECRETS.value);
    expect(JSON.stringify(seen)).not.toContain(SECRETS.agentToken);
  });

  test('a wrong or missing key: 401, and nothing reaches the upstream', async () => {
    for (const key of ['AIza-not-an-agent-token-000', undefined]) {
      const res = await generate('gemini', key);
      expect(res.status).toBe(401);
      expect(res.headers.get(GATEWAY_ERROR_HEADER)).toBe('agent_auth_required');
    }
    expect(f.upstream.requests).toHaveLength(0);
  });

  test('on a ?key= route the phantom x-goog-api-key is dropped and the parameter carries the key', async () => {
    const res = await generate('gkey', SECRETS.agentToken);
    expect(res.status).toBe(200);
    const seen = f.upstream.requests.at(-1);
    expect(seen?.path).toBe(`/v1beta/models/gemini-test:generateContent?key=${SECRETS.value}`);
    expect(seen?.headers['x-goog-api-key']).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain(SECRETS.agentToken);
  });
});
