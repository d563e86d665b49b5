import type { VaultErrorCode } from '../../shared/vault-errors.js';

/**
 * An expected failure to get a secret: a stable code from the shared vocabulary and a `fix`
 * sentence for the user. The message never holds a value, a token or raw tool output; the
 * `cause` is for logs that know how to describe it safely.
 */
export class VaultError extends Error {
  constructor(
    readonly code: VaultErrorCode,
    readonly fix: string,
    options?: ErrorOptions,
  ) {
    super(fix, options);
    this.name = 'VaultError';
  }
}
