import type { KnownSecrets } from '../../shared/log-redaction.js';
import type { VaultSources } from '../core-deps.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { VaultSource } from '../vault/vault-source.js';

/**
 * A secret store that tells the log about every secret passing through it (the service-account
 * token, agent tokens, local secrets, the control token, the CA key), so none of them can be
 * written to a log line, whatever the line is made of.
 */
export function rememberingSecretStore(store: SecretStore, known: KnownSecrets): SecretStore {
  return {
    kind: store.kind,
    get: async (name) => {
      const value = await store.get(name);
      known.add(value);
      return value;
    },
    set: async (name, value) => {
      known.add(value);
      await store.set(name, value);
    },
    delete: (name) => store.delete(name),
  };
}

/** 1Password sources that tell the log about the token they are built with and each value they resolve. */
export function rememberingSources(sources: VaultSources, known: KnownSecrets): VaultSources {
  const remembering = (source: VaultSource): VaultSource => ({
    kind: source.kind,
    resolve: async (reference) => {
      const value = await source.resolve(reference);
      known.add(value);
      return value;
    },
    listVaults: () => source.listVaults(),
    listItems: (vaultId) => source.listItems(vaultId),
    listFields: (vaultId, itemId) => source.listFields(vaultId, itemId),
  });
  return {
    serviceAccount: (token) => {
      // Before the SDK sees it: its error messages are logged.
      known.add(token);
      return remembering(sources.serviceAccount(token));
    },
    desktop: (account) => remembering(sources.desktop(account)),
  };
}
