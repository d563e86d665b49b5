import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const CODE_TTL_MS = 5 * 60_000;
export const SESSION_COOKIE = 'onecli_session';

const digest = (s: string) => createHash('sha256').update(s).digest();
const matches = (given: string, known: Buffer) => timingSafeEqual(digest(given), known);

/**
 * How a browser gets into the headless UI without a token in a URL query (history, logs,
 * Referer): `serve` (or `onecli-launcher ui`) prints a URL whose *fragment* holds a one-time
 * code; the page trades it for an HttpOnly, SameSite=Strict session cookie and drops the
 * fragment. A used or expired code is worthless.
 */
export class BrowserSessions {
  #codes: { digest: Buffer; expiresAt: number }[] = [];
  #sessions: Buffer[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  issueCode(): string {
    const code = randomBytes(18).toString('base64url');
    this.#codes = [...this.#codes.filter((c) => c.expiresAt > this.now()), { digest: digest(code), expiresAt: this.now() + CODE_TTL_MS }];
    return code;
  }

  /** Consumes a code; returns a new session id, or undefined. */
  redeem(code: string): string | undefined {
    const now = this.now();
    const hit = this.#codes.find((c) => c.expiresAt > now && matches(code, c.digest));
    if (!hit) return undefined;
    this.#codes = this.#codes.filter((c) => c !== hit);
    const session = randomBytes(24).toString('base64url');
    this.#sessions.push(digest(session));
    return session;
  }

  isSession(cookieHeader: string | undefined): boolean {
    const value = cookieHeader
      ?.split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
      ?.slice(SESSION_COOKIE.length + 1);
    return value !== undefined && this.#sessions.some((s) => matches(value, s));
  }
}
