import { timingSafeEqual } from 'node:crypto';
import { expect, test } from 'vitest';
import { newGatewaySecret, secretMatcher } from '../../../src/core/onecli/gateway-secret.js';

test('a secret is 32 random bytes, URL-safe, new each time', () => {
  const a = newGatewaySecret();
  expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(Buffer.from(a, 'base64url')).toHaveLength(32);
  expect(newGatewaySecret()).not.toBe(a);
});

test('timing cannot tell a near miss from a far one, by construction: every guess is two 32-byte digests compared in constant time', () => {
  const secret = newGatewaySecret();
  const seen: [number, number][] = [];
  const matches = secretMatcher(secret, (a, b) => {
    seen.push([a.length, b.length]);
    return timingSafeEqual(a, b);
  });
  const guesses = [
    undefined,
    '',
    'x',
    secret.slice(0, -1),
    `${secret}x`,
    `y${secret.slice(1)}`,
    `${secret.slice(0, -1)}y`,
    secret.repeat(100),
    secret.toUpperCase(),
  ];
  for (const guess of guesses) expect(matches(guess)).toBe(false);
  expect(matches(secret)).toBe(true);
  // Nothing about a guess's length or content changes what is compared: no early exit on length.
  expect(seen).toEqual(Array.from({ length: guesses.length + 1 }, () => [32, 32]));
});

test('an empty secret matches nothing, not even an empty or missing header', () => {
  const matches = secretMatcher('');
  expect(matches('')).toBe(false);
  expect(matches(undefined)).toBe(false);
});
