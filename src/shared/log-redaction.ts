/**
 * Redaction for every log in the product, from the one list in redact-paths.ts. Three layers,
 * because a record can carry a secret in three ways:
 *  - in a field (`token`, `headers.authorization`, at any depth): censored by name;
 *  - in text (a message, an SDK's error text, a host name, a URL): censored by shape
 *    (`ops_…`, `Bearer …`, `x-api-key: …`, a PEM key, `user:pass@`);
 *  - as a value the process knows (agent tokens, the service-account token, resolved
 *    credentials): censored wherever it appears, whatever its shape, by `KnownSecrets`.
 * The last two run over the finished line too, so nothing a logger writes escapes them.
 * No pino import: src/shared imports nothing; the returned options are pino's shape.
 */
import { CENSOR, SECRET_FIELDS, SECRET_FIELD_SUFFIXES, SECRET_TEXT_PATTERNS } from './redact-paths.js';

/** Shorter values are not searched for in text: a 4-letter value would censor ordinary words. Patterns still apply. */
export const KNOWN_SECRET_MIN_LENGTH = 8;
/** Longer ones (a CA key) are left to the patterns: the search would cost more than it guards. */
const KNOWN_SECRET_MAX_LENGTH = 16_384;
/** A bound on the forms kept, oldest dropped first: tokens are revoked and values rotate, the set must not grow forever. */
const KNOWN_FORMS_KEPT = 4_096;
/** How deep the field walk goes; deeper objects are written as a marker (log records are flat). */
const MAX_DEPTH = 8;
/** What an error contributes to a record: its code and a short message, never a stack or a cause. */
const ERROR_MESSAGE_CHARS = 200;

const FIELDS: ReadonlySet<string> = new Set(SECRET_FIELDS);
const FIELD_VERDICTS = new Map<string, boolean>();

/** True when a record field of this name holds a secret (`token`, `x-api-key`, `serviceAccountToken`, …). */
export function isSecretField(key: string): boolean {
  let secret = FIELD_VERDICTS.get(key);
  if (secret === undefined) {
    const k = key.toLowerCase().replace(/[-_]/g, '');
    secret = FIELDS.has(k) || SECRET_FIELD_SUFFIXES.some((s) => k.endsWith(s));
    // Records reuse a few dozen keys; the cache is bounded all the same.
    if (FIELD_VERDICTS.size < 1_000) FIELD_VERDICTS.set(key, secret);
  }
  return secret;
}

/**
 * Secrets this process holds, searched for in every log line. Each is kept in the forms it
 * takes in text: as is, lower-cased, JSON-escaped, percent-encoded, and base64 (alone and as
 * `x:<token>`, the Proxy-Authorization Basic form).
 */
export class KnownSecrets {
  readonly #forms = new Set<string>();
  #pattern: RegExp | undefined;

  add(secret: string | undefined): void {
    if (!secret || secret.length < KNOWN_SECRET_MIN_LENGTH || secret.length > KNOWN_SECRET_MAX_LENGTH) return;
    for (const form of formsOf(secret)) {
      if (this.#forms.has(form)) continue;
      this.#forms.add(form);
      this.#pattern = undefined;
    }
    for (const oldest of this.#forms) {
      if (this.#forms.size <= KNOWN_FORMS_KEPT) break;
      this.#forms.delete(oldest);
    }
  }

  get size(): number {
    return this.#forms.size;
  }

  redact(text: string): string {
    if (this.#forms.size === 0) return text;
    // Longest first, so a secret is censored whole, not around a shorter one inside it.
    this.#pattern ??= new RegExp(
      [...this.#forms]
        .sort((a, b) => b.length - a.length)
        .map(escapeRegExp)
        .join('|'),
      'g',
    );
    return text.replace(this.#pattern, CENSOR);
  }
}

function formsOf(secret: string): string[] {
  // Lower-case too: a token that reaches a host name is lower-cased on the way (CONNECT authorities are).
  const forms = [secret, secret.toLowerCase(), JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), base64(secret), base64(`x:${secret}`)];
  return [...new Set(forms.map((f) => f.replace(/=+$/, '')).filter((f) => f.length >= KNOWN_SECRET_MIN_LENGTH))];
}

function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Text with known secrets and secret-shaped substrings censored. Safe on a serialised JSON line. */
export function redactText(text: string, known?: KnownSecrets): string {
  let out = known ? known.redact(text) : text;
  for (const { pattern, replacement } of SECRET_TEXT_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A copy of a log record with secret-named fields censored, at any depth. Strings are left to
 * `redactText`, which a logger runs over the finished line (one pass, not one per field).
 * Errors are left whole for the `err` serializer.
 */
export function redactFields(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v: unknown) => redactFields(v, depth + 1));
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    return typeof toJSON === 'function' ? redactFields(toJSON.call(value), depth + 1) : value;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    // A flag (`hasToken: false`) says nothing secret; anything else under a secret name goes.
    out[key] = isSecretField(key) && v !== null && v !== undefined && typeof v !== 'boolean' ? CENSOR : redactFields(v, depth + 1);
  }
  return out;
}

/** What may be logged of an error: its code and a short, redacted message; never its stack or cause chain. */
export function describeError(err: unknown, known?: KnownSecrets): { code?: string; message: string } {
  const raw = err instanceof Error ? err.message : typeof err === 'string' ? err : (err as { message?: unknown } | null | undefined)?.message;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  // Redacted before it is cut: a secret cut in half would no longer match.
  const message = typeof raw === 'string' ? redactText(raw, known).slice(0, ERROR_MESSAGE_CHARS) : 'non-error thrown';
  return typeof code === 'string' ? { code, message } : { message };
}

/**
 * pino options every logger in the product is built with: the field walk (by name, any depth),
 * errors as code and message, and a pass over each finished line (messages included). No pino
 * `redact` paths: the walk covers them, and wildcard paths cost ~100 µs a line, ten times pino's own.
 */
export function logRedaction(known?: KnownSecrets) {
  return {
    serializers: { err: (err: unknown) => describeError(err, known) },
    formatters: { log: (record: Record<string, unknown>) => redactFields(record) as Record<string, unknown> },
    hooks: { streamWrite: (line: string) => redactText(line, known) },
  };
}
