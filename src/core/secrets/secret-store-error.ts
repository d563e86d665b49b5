/**
 * Stable codes for secret-store failures. Kept here until a surface needs them on the wire;
 * then they move to src/shared like `VaultErrorCode`.
 * - `invalid_name`: not one of the names in secret-names.ts.
 * - `no_secret_store`: no keychain is reachable and the user did not opt into the file store.
 * - `keychain_failed`: the keychain answered with an error (locked, no Secret Service, …).
 * - `keychain_timeout`: the keychain did not answer in time.
 * - `file_store_failed`: the opt-in file could not be read or written.
 */
export type SecretStoreErrorCode = 'invalid_name' | 'no_secret_store' | 'keychain_failed' | 'keychain_timeout' | 'file_store_failed';

/**
 * An expected secret-store failure: a stable code and a `fix` sentence for the user (also the
 * message). Never holds a secret value; the `cause` (a native or fs error) is for logs.
 */
export class SecretStoreError extends Error {
  constructor(
    readonly code: SecretStoreErrorCode,
    readonly fix: string,
    options?: ErrorOptions,
  ) {
    super(fix, options);
    this.name = 'SecretStoreError';
  }
}
