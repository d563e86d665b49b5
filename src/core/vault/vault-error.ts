import type { Remedy } from '../../shared/remedy.js';
import type { VaultErrorCode } from '../../shared/vault-errors.js';

/**
 * An expected failure to get a secret: a stable code from the shared vocabulary and a `fix`
 * sentence for the user. The message never holds a value, a token or raw tool output; the
 * `cause` is for logs that know how to describe it safely.
 */
export class VaultError extends Error {
  /** What the user can do, for each surface to say its own way (src/shared/remedy.ts). */
  readonly remedy: Remedy | undefined;

  constructor(
    readonly code: VaultErrorCode,
    readonly fix: string,
    options?: ErrorOptions & { remedy?: Remedy },
  ) {
    super(fix, options);
    this.name = 'VaultError';
    this.remedy = options?.remedy;
  }
}
