import type { ControlErrorCode } from '../shared/control-api.js';

/**
 * Exit codes, documented in the README. Scripts branch on these, so they never change meaning.
 */
export const EXIT = {
  ok: 0,
  /** Something failed; the one-line message says what to do. */
  failed: 1,
  /** Bad usage or invalid input (a host, a reference, a flag). */
  usage: 2,
  /** The gateway could not start (port in use, bad CA). */
  gateway: 3,
  /** 1Password or a secret could not be reached: locked, signed out, not found, rate-limited. */
  secret: 4,
  /** No keychain to keep a secret in (see --insecure-file-store). */
  noKeychain: 5,
} as const;

export function exitCodeFor(code: ControlErrorCode): number {
  switch (code) {
    case 'invalid_params':
    case 'unknown_method':
    case 'conflict':
    case 'bad_reference':
      return EXIT.usage;
    case 'not_found':
    case 'auth_required':
    case 'rate_limited':
    case 'unavailable':
      return EXIT.secret;
    case 'no_keychain':
      return EXIT.noKeychain;
    default:
      return EXIT.failed;
  }
}
