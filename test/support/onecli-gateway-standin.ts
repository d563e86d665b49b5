/**
 * A stand-in for upstream OneCLI's gateway as a client of the 1Password API: exactly the calls of
 * onecli/onecli @ ff7a192 apps/gateway/src/vault/onepassword_api.rs (URL, headers, JSON body, 15 s
 * timeout, how a status is classified) and the cache of onepassword.rs `resolve_ref` (60 s values,
 * 30 s misses, a 60 s cooldown of the whole session after a transient failure). Written from the
 * Rust, line by line; what reqwest sends by default (`accept: *\/*`, no user-agent) is sent too.
 */
import http from 'node:http';

/** onepassword_api.rs `OpError`. */
export type OpError = { kind: 'NotFound' | 'BadRequest' | 'Transient'; message: string };
export type OpResult<T> = { ok: true; value: T } | { ok: false; error: OpError };

const REQUEST_TIMEOUT_MS = 15_000;
const INTERNAL_API_URL_DEFAULT = 'http://localhost:10256';
const RESOLVE_CACHE_TTL_MS = 60_000;
const NEGATIVE_CACHE_TTL_MS = 30_000;
const ERROR_COOLDOWN_MS = 60_000;

/** `resolve_internal_api_url`: trimmed, empty means the default, no trailing slash. */
export function resolveInternalApiUrl(explicit: string | undefined): string {
  const url = explicit?.trim() || INTERNAL_API_URL_DEFAULT;
  return url.replace(/\/+$/, '');
}

interface Sent {
  status: number;
  body: string;
}

/** The Rust client's wire calls: `send`, `classify`, and the five operations. */
export class OnepasswordApiStandin {
  readonly #base: string;
  readonly #agent = new http.Agent({ keepAlive: true }); // reqwest pools connections

  constructor(
    env: { INTERNAL_API_URL?: string; GATEWAY_INTERNAL_SECRET?: string },
    private readonly secret = env.GATEWAY_INTERNAL_SECRET ?? '',
  ) {
    this.#base = resolveInternalApiUrl(env.INTERNAL_API_URL);
  }

  close(): void {
    this.#agent.destroy();
  }

  /** `send`: POST `{base}/v1/internal/onepassword/{op}` with `X-Gateway-Secret` and `.json(body)`; any transport failure is Transient. */
  send(op: string, body: unknown): Promise<OpResult<Sent>> {
    const payload = Buffer.from(JSON.stringify(body));
    const url = new URL(`${this.#base}/v1/internal/onepassword/${op}`);
    return new Promise((resolve) => {
      const req = http.request(url, {
        method: 'POST',
        agent: this.#agent,
        headers: { 'x-gateway-secret': this.secret, 'content-type': 'application/json', accept: '*/*', 'content-length': payload.length },
      });
      const timer = setTimeout(() => req.destroy(new Error('operation timed out')), REQUEST_TIMEOUT_MS);
      req.once('error', (err) => {
        clearTimeout(timer);
        resolve({ ok: false, error: { kind: 'Transient', message: `internal 1Password API unreachable: ${err.message}` } });
      });
      req.once('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('end', () => {
          clearTimeout(timer);
          resolve({ ok: true, value: { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') } });
        });
        res.once('error', (err) => {
          clearTimeout(timer);
          resolve({ ok: false, error: { kind: 'Transient', message: `internal 1Password API unreachable: ${err.message}` } });
        });
      });
      req.end(payload);
    });
  }

  /** `classify`: `error.message` from the body, else "returned {status}"; 404 NotFound, 400 BadRequest, anything else Transient. */
  static classify(sent: Sent): OpError {
    let message = `internal 1Password API returned ${sent.status}`;
    try {
      const m = (JSON.parse(sent.body) as { error?: { message?: unknown } }).error?.message;
      if (typeof m === 'string') message = m;
    } catch {
      // not JSON: the status says it
    }
    return { kind: sent.status === 404 ? 'NotFound' : sent.status === 400 ? 'BadRequest' : 'Transient', message };
  }

  async validate(token: string): Promise<OpResult<undefined>> {
    const sent = await this.send('validate', { token });
    if (!sent.ok) return sent;
    return sent.value.status >= 200 && sent.value.status < 300
      ? { ok: true, value: undefined }
      : { ok: false, error: OnepasswordApiStandin.classify(sent.value) };
  }

  async resolve(token: string, opRef: string): Promise<OpResult<string>> {
    const sent = await this.send('resolve', { token, op_ref: opRef });
    if (!sent.ok) return sent;
    if (sent.value.status < 200 || sent.value.status >= 300) return { ok: false, error: OnepasswordApiStandin.classify(sent.value) };
    try {
      const value = (JSON.parse(sent.value.body) as { value?: unknown }).value;
      if (typeof value !== 'string') throw new Error('missing field `value`');
      return { ok: true, value };
    } catch (err) {
      return { ok: false, error: { kind: 'Transient', message: `invalid resolve response: ${(err as Error).message}` } };
    }
  }

  listVaults(token: string) {
    return this.#list('list-vaults', { token });
  }

  listItems(token: string, vaultId: string) {
    return this.#list('list-items', { token, vaultId });
  }

  listFields(token: string, vaultId: string, itemId: string) {
    return this.#list('list-fields', { token, vaultId, itemId });
  }

  async #list(op: string, body: unknown): Promise<OpResult<unknown>> {
    const sent = await this.send(op, body);
    if (!sent.ok) return sent;
    if (sent.value.status < 200 || sent.value.status >= 300) return { ok: false, error: OnepasswordApiStandin.classify(sent.value) };
    try {
      return { ok: true, value: JSON.parse(sent.value.body) as unknown };
    } catch (err) {
      return { ok: false, error: { kind: 'Transient', message: `invalid ${op} response: ${(err as Error).message}` } };
    }
  }
}

/** onepassword.rs `VaultError` as `resolve_ref` returns it. */
export type VaultError = { kind: 'NotFound' | 'BadRequest' | 'Internal'; message: string };

/** One workspace's session of onepassword.rs: the token it holds, its ref cache and its cooldown. */
export class OnepasswordSessionStandin {
  readonly #cache = new Map<string, { value: string | undefined; expiresAt: number }>();
  #errorUntil = 0;
  /** How many resolves reached the API (the rest came from the cache or the cooldown). */
  calls = 0;

  constructor(
    private readonly api: OnepasswordApiStandin,
    private readonly token: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** `resolve_ref`. */
  async resolveRef(opRef: string): Promise<{ ok: true; value: string } | { ok: false; error: VaultError }> {
    const cached = this.#cache.get(opRef);
    if (cached) {
      if (cached.expiresAt > this.now())
        return cached.value !== undefined
          ? { ok: true, value: cached.value }
          : { ok: false, error: { kind: 'BadRequest', message: `cannot resolve ${opRef}` } };
      this.#cache.delete(opRef);
    }
    if (this.now() < this.#errorUntil) return { ok: false, error: { kind: 'Internal', message: '1Password temporarily unavailable (cooldown)' } };
    this.calls++;
    const r = await this.api.resolve(this.token, opRef);
    if (r.ok && r.value !== '') {
      this.#cache.set(opRef, { value: r.value, expiresAt: this.now() + RESOLVE_CACHE_TTL_MS });
      return { ok: true, value: r.value };
    }
    if (r.ok) {
      this.#negative(opRef);
      return { ok: false, error: { kind: 'BadRequest', message: `${opRef} resolved to an empty value` } };
    }
    if (r.error.kind === 'NotFound' || r.error.kind === 'BadRequest') {
      this.#negative(opRef);
      return { ok: false, error: { kind: 'BadRequest', message: r.error.message } };
    }
    this.#errorUntil = this.now() + ERROR_COOLDOWN_MS;
    return { ok: false, error: { kind: 'Internal', message: r.error.message } };
  }

  #negative(opRef: string): void {
    this.#cache.set(opRef, { value: undefined, expiresAt: this.now() + NEGATIVE_CACHE_TTL_MS });
  }
}
