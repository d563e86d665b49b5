import { describe, expect, test } from 'vitest';
import { ServiceAccountSource } from '../../src/core/vault/service-account-source.js';
import { classifySdkFailure } from '../../src/core/vault/sdk-failure.js';
import { VaultError } from '../../src/core/vault/vault-error.js';

// The real @1password/sdk, offline: these are its real errors for malformed tokens.
const BAD_TOKENS = {
  garbage: 'garbage-token-value-123',
  badBase64: 'ops_garbage-token-value-456',
  wrongShape: `ops_${Buffer.from(JSON.stringify({ nope: 1 })).toString('base64')}`,
};

describe('service account via the real @1password/sdk (offline errors)', () => {
  test.each(Object.entries(BAD_TOKENS))('a malformed token (%s) → auth_required with a fix, and the token is nowhere in the error', async (_name, token) => {
    const source = new ServiceAccountSource(token);
    const err = await source.listVaults().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).code).toBe('auth_required');
    expect((err as VaultError).fix).toMatch(/pair again/);
    expect((err as VaultError).remedy).toBe('connect-1password');
    expect((err as VaultError).message).not.toContain(token);
    expect(JSON.stringify(err)).not.toContain(token);
  });

  test("the SDK's reference validation error (a thrown string) → bad_reference", async () => {
    const { Secrets } = await import('@1password/sdk');
    let thrown: unknown;
    try {
      Secrets.validateSecretReference('op://only/two');
    } catch (e) {
      thrown = e;
    }
    expect(typeof thrown).toBe('string');
    expect(classifySdkFailure(thrown).code).toBe('bad_reference');
  });
});

describe('SDK failure classification', () => {
  test.each([
    ['rate limit exceeded', 'rate_limited'],
    ['Too many requests. Your client has been rate-limited. Try again in  seconds', 'rate_limited'],
    ['bad service account token, please rotate it: x', 'auth_required'],
    ['you are not authenticated', 'auth_required'],
    ['no vault matched the secret reference query', 'not_found'],
    ['no item matched the secret reference query', 'not_found'],
    ['the specified field cannot be found within the item', 'not_found'],
    ['more than one item matched the secret reference query', 'not_found'],
    ['error sending request', 'unavailable'],
    ['something nobody has seen', 'unavailable'],
  ])('%s → %s', (message, code) => {
    expect(classifySdkFailure(new Error(message)).code).toBe(code);
  });

  test("the SDK's typed errors", async () => {
    const sdk = await import('@1password/sdk');
    expect(classifySdkFailure(new sdk.RateLimitExceededError('x')).code).toBe('rate_limited');
    expect(classifySdkFailure(new sdk.AuthExpiredError('x')).code).toBe('auth_required');
  });

  test('a network failure hidden in err.cause is still seen', () => {
    expect(classifySdkFailure(new Error('request failed', { cause: new Error('getaddrinfo ENOTFOUND my.1password.com') })).code).toBe('unavailable');
  });
});

test('one SDK client per token, reused, never built from a failed attempt', async () => {
  let built = 0;
  const fakeClient = { vaults: { list: async () => [{ id: 'v1', title: 'API Keys' }] } } as never;
  const source = new ServiceAccountSource('ops_token-for-cache-test', async () => {
    built++;
    return fakeClient;
  });
  expect(await source.listVaults()).toEqual([{ id: 'v1', name: 'API Keys' }]);
  await source.listVaults();
  await new ServiceAccountSource('ops_token-for-cache-test', async () => {
    built++;
    return fakeClient;
  }).listVaults();
  expect(built).toBe(1);
});
