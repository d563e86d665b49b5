import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const CODE_TTL_MS = 5 * 60_000;
export const SESSION_COOKIE = 'onecli_session';

/**
 * How long a browser session lasts: it ends after {@link SESSION_IDLE_MS} without a call, and
 * {@link SESSION_MAX_MS} after sign-in whatever happens (1Password's CLI: 10 minutes / 12 hours;
 * the UI is a settings page, not a credential, so it gets a longer idle time). The cookie's
 * Max-Age is the absolute limit, so the browser forgets it then too.
 */
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_MAX_MS = 12 * 60 * 60_000;
/** The session cookie's Max-Age, in seconds: the absolute limit. */
export const SESSION_COOKIE_MAX_AGE_S = Math.floor(SESSION_MAX_MS / 1000);
/** Sign-in links are minted by the CLI only; this bounds memory if a script mints many. */
const SESSIONS_KEPT = 32;

const digest = (s: string) => createHash('sha256').update(s).digest();
const matches = (given: string, known: Buffer) => timingSafeEqual(digest(given), known);

interface Session {
  readonly digest: Buffer;
  readonly startedAt: number;
  lastUsedAt: number;
}

/**
 * How a browser gets into the headless UI without a token in a URL query (history, logs,
 * Referer): `serve` (or `onecli-launcher ui`) prints a URL whose *fragment* holds a one-time
 * code; the page trades it for an HttpOnly, SameSite=Strict session cookie and drops the
 * fragment. A used or expired code is worthless; a session ends when idle or too old.
 */
export class BrowserSessions {
  #codes: { digest: Buffer; expiresAt: number }[] = [];
  #sessions: Session[] = [];

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
    this.#sessions = [...this.#live(now), { digest: digest(session), startedAt: now, lastUsedAt: now }].slice(-SESSIONS_KEPT);
    return session;
  }

  /** True for a live session's cookie; a call counts as use, so it also restarts the idle time. */
  isSession(cookieHeader: string | undefined): boolean {
    const session = this.#find(cookieHeader);
    if (session) session.lastUsedAt = this.now();
    return session !== undefined;
  }

  /** True while the session is live, without counting as use (an open event stream asks this). */
  isLive(cookieHeader: string | undefined): boolean {
    return this.#find(cookieHeader) !== undefined;
  }

  #find(cookieHeader: string | undefined): Session | undefined {
    const value = cookieHeader
      ?.split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${SESSION_COOKIE}=`))
      ?.slice(SESSION_COOKIE.length + 1);
    this.#sessions = this.#live(this.now());
    return value === undefined ? undefined : this.#sessions.find((s) => matches(value, s.digest));
  }

  #live(now: number): Session[] {
    return this.#sessions.filter((s) => now - s.startedAt < SESSION_MAX_MS && now - s.lastUsedAt < SESSION_IDLE_MS);
  }
}
