import type { GatewayErrorCode } from '../../shared/gateway-errors.js';

/** Why the OneCLI door refused or failed, in the vocabulary of the gateway's own answers. */
export type DoorFailureCode = Extract<
  GatewayErrorCode,
  'not_found' | 'bad_reference' | 'auth_required' | 'rate_limited' | 'unavailable' | 'not_permitted' | 'denied' | 'not_approved' | 'rate_limited_by_policy'
>;

export interface DoorFailure {
  readonly code: DoorFailureCode;
  /** Our sentence: what is wrong and what to do. Never a value, a token or raw tool output. */
  readonly message: string;
  /** It holds for every reference, not only this one (no `onecli` agent; browsing is off): OneCLI may as well back off. */
  readonly everyReference?: boolean;
  /** Seconds until a rate-limited call may be retried (`Retry-After`). */
  readonly retryAfter?: number;
}

export type DoorResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly failure: DoorFailure };

export const refuse = (failure: DoorFailure): { ok: false; failure: DoorFailure } => ({ ok: false, failure });

/**
 * The HTTP status and upstream error `type` of a failure, chosen for what upstream's gateway does
 * with the status (apps/gateway/src/vault/onepassword.rs `resolve_ref`, onepassword_api.rs
 * `classify`): 404 and 400 concern this reference only (cached as a miss for 30 s; other
 * references go on), any other status is an outage of the whole source (a 60 s cooldown for
 * every reference). So a refusal of one reference is a 400, and a locked 1Password a 503.
 */
export function statusOf(failure: DoorFailure): { status: number; type: string } {
  switch (failure.code) {
    case 'not_found':
      return { status: 404, type: 'not_found_error' };
    case 'bad_reference':
    case 'denied':
    case 'not_approved':
      return { status: 400, type: 'invalid_request_error' };
    case 'not_permitted':
      return failure.everyReference ? { status: 403, type: 'authentication_error' } : { status: 400, type: 'invalid_request_error' };
    case 'rate_limited':
    case 'rate_limited_by_policy':
      return { status: 429, type: 'rate_limit_error' };
    case 'auth_required':
    case 'unavailable':
      return { status: 503, type: 'api_error' };
  }
}
