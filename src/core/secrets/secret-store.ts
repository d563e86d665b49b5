import type { SecretName } from './secret-names.js';

export type SecretStoreKind = 'keychain' | 'file' | 'memory' | 'none';

/**
 * Where the launcher keeps its secrets: the service-account token, the CA key, agent tokens,
 * local secrets and the control token (names in secret-names.ts). Every implementation
 * validates the name at run time too, and rejects with a `SecretStoreError`.
 */
export interface SecretStore {
  readonly kind: SecretStoreKind;
  /** The value, or `undefined` when there is no entry of that name. */
  get(name: SecretName): Promise<string | undefined>;
  /** Creates or replaces the entry. */
  set(name: SecretName, value: string): Promise<void>;
  /** True if an entry was removed, false if there was none. */
  delete(name: SecretName): Promise<boolean>;
}
