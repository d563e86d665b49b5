import { ControlError } from '../control-error.js';
import { SecretStoreError } from '../secrets/secret-store-error.js';
import { VaultError } from '../vault/vault-error.js';

/**
 * Every expected failure, as the control API reports it: a stable code and the sentence that
 * says what to do. Anything else is `internal`, with a generic message (its text could carry
 * something a client should not see).
 */
export function toControlError(err: unknown): ControlError | undefined {
  if (err instanceof ControlError) return err;
  if (err instanceof VaultError) return new ControlError(err.code, err.fix, { remedy: err.remedy });
  if (err instanceof SecretStoreError) {
    const code = err.code === 'no_secret_store' ? 'no_keychain' : err.code === 'invalid_name' ? 'invalid_params' : 'unavailable';
    return new ControlError(code, err.fix);
  }
  return undefined;
}
