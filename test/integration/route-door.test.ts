import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { GATEWAY_ERROR_HEADER } from '../../src/shared/gateway-errors.js';
import { MASKED_VALUE, SECRETS, startFixture, type Fixture } from '../support/fixture.js';

let f: Fixture;
let base: string;
beforeAll(async () => {
  // Both providers point at the local upstream; the route name says which SDK speaks to it.
  f = await startFixture((up) => [
    { host: up.authority, route: 'anthropic', header: 'x-api-key', value: SECRETS.value },
    { host: `127.0.0.1:${up.port}`, route: 'openai', value: SECRETS.value },
  ]);
  base = `http://127.0.0.1:${f.gateway.port}/r`;
});
afterAll(() => f?.stop());
beforeEach(() => {
  f.upstream.requests.length = 0;
});

describe('base-URL door: /r/<route>/… with the agent token as a phantom API key', () => {
  test('the real @anthropic-ai/sdk: token swapped for the real key, over verified TLS', async () => {
    const client = new Anthropic({ baseURL: `${base}/anthropic`, apiKey: SECRETS.agentToken, maxRetries: 0 });
    const echo = (await client.messages.create({ model: 'claude-test', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] })) as unknown as {
      path: string;
      headers: Record<string, string>;
    };
    expect(echo.path).toBe('/v1/messages');
    expect(echo.headers['x-api-key']).toBe(MASKED_VALUE);
    expect(f.upstream.requests.at(-1)?.headers['x-api-key']).toBe(SECRETS.value);
    expect(echo.headers.host).toBe(f.upstream.authority);
    expect(JSON.stringify(echo.headers)).not.toContain(SECRETS.agentToken);
  });

  test('the real openai SDK: Authorization Bearer token swapped for the real key', async () => {
    const client = new OpenAI({ baseURL: `${base}/openai/v1`, apiKey: SECRETS.agentToken, maxRetries: 0 });
    const echo = (await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] })) as unknown as {
      path: string;
      headers: Record<string, string>;
    };
    expect(echo.path).toBe('/v1/chat/completions');
    expect(echo.headers.authorization).toBe(`Bearer ${MASKED_VALUE}`);
    expect(f.upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SECRETS.value}`);
    expect(JSON.stringify(echo.headers)).not.toContain(SECRETS.agentToken);
  });

  test("a wrong token gets 401 in the provider's own error shape, which its SDK understands", async () => {
    const anthropic = new Anthropic({ baseURL: `${base}/anthropic`, apiKey: 'sk-ant-not-a-token-000', maxRetries: 0 });
    const err = await anthropic.messages.create({ model: 'm', max_tokens: 1, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.AuthenticationError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    const openai = new OpenAI({ baseURL: `${base}/openai/v1`, apiKey: 'sk-not-a-token-0000', maxRetries: 0 });
    const err2 = await openai.models.list().catch((e: unknown) => e);
    expect(err2).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err2 as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    expect(f.upstream.requests).toHaveLength(0);
  });

  test('a missing token → 401 with x-onecli-error, never an unauthenticated upstream request', async () => {
    const res = await fetch(`${base}/anthropic/v1/messages`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get(GATEWAY_ERROR_HEADER)).toBe('agent_auth_required');
    expect(f.upstream.requests).toHaveLength(0);
  });

  test('an unknown route → 404 that says how to fix it', async () => {
    const res = await fetch(`${base}/nope/v1/x`, { headers: { 'x-api-key': SECRETS.agentToken } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'unknown_route',
      message: expect.stringMatching(/route "nope"/),
    });
  });

  test('streams: SSE through the route door arrives event by event', async () => {
    const t0 = Date.now();
    const res = await fetch(`${base}/anthropic/sse?n=3&gap=400`, { headers: { 'x-api-key': SECRETS.agentToken } });
    const reader = res.body!.getReader();
    const first = await reader.read();
    const firstAt = Date.now() - t0;
    expect(new TextDecoder().decode(first.value)).toContain('"i":0');
    while (!(await reader.read()).done);
    expect(Date.now() - t0 - firstAt).toBeGreaterThanOrEqual(700);
  });

  test('query strings and request bodies pass through', async () => {
    const res = await fetch(`${base}/openai/v1/files?limit=2&after=x`, {
      method: 'POST',
      body: 'a'.repeat(70_000),
      headers: { authorization: `Bearer ${SECRETS.agentToken}` },
    });
    const echo = (await res.json()) as { path: string; bodyLength: number };
    expect(echo).toMatchObject({ path: '/v1/files?limit=2&after=x', bodyLength: 70_000 });
  });
});
