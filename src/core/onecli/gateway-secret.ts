import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes, as upstream's own setup makes it (`head -c 32 /dev/urandom | base64`), URL-safe so it pastes anywhere. */
export function newGatewaySecret(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** What compares two equal-length buffers; `timingSafeEqual` unless a test watches what it is given. */
export type Compare = (a: Buffer, b: Buffer) => boolean;

/**
 * A check of the `X-Gateway-Secret` header that keeps only the secret's SHA-256 digest. Every
 * comparison is of two 32-byte digests in constant time, so neither the time taken nor an early
 * length check says how long the secret is or where a guess first differs (upstream compares the
 * raw strings and returns early on a length mismatch: internal-auth.ts `safeEqual`). A missing
 * header is compared like any other wrong value.
 */
export function secretMatcher(secret: string, compare: Compare = timingSafeEqual): (given: string | undefined) => boolean {
  const expected = digest(secret);
  return (given) => compare(digest(given ?? ''), expected) && secret !== '';
}
