import { z } from 'zod';

/**
 * Why a credential could not be had. One vocabulary for every 1Password source, the
 * gateway's 502 bodies, the CLI and the UI.
 * - `not_found`: the vault, item or field does not exist (or the account cannot see it).
 * - `bad_reference`: the reference itself is malformed.
 * - `auth_required`: 1Password is locked, signed out, the prompt was dismissed, or the token is bad.
 * - `rate_limited`: 1Password refused for now; retry later.
 * - `unavailable`: anything transient: network, timeout, `op` missing or crashing.
 */
export const VaultErrorCode = z.enum(['not_found', 'bad_reference', 'auth_required', 'rate_limited', 'unavailable']);
export type VaultErrorCode = z.infer<typeof VaultErrorCode>;

/** Failures that may clear by themselves: the gateway backs off (cooldown) instead of retrying at once. */
export const TRANSIENT_VAULT_ERRORS: ReadonlySet<VaultErrorCode> = new Set(['rate_limited', 'unavailable']);

/**
 * The outcome of resolving one mapping. `message` never holds a value, a token or raw tool output.
 * `more`: the values of the rule's other references (a several-header rule), in its order.
 */
export const ResolveResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.string().min(1), more: z.array(z.string().min(1)).max(7).optional() }),
  z.object({ ok: z.literal(false), code: VaultErrorCode, message: z.string().max(500) }),
]);
export type ResolveResult = z.infer<typeof ResolveResult>;
