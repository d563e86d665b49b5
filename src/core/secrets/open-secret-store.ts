import { keychainAvailability, type KeychainAvailability, type KeychainUnavailable } from './keychain-availability.js';
import { INSECURE_FILE_STORE_FLAG, type KeychainBackend } from './keychain-problems.js';
import { KeychainStore } from './keychain-store.js';
import type { KeyringPort } from './keyring-port.js';
import { FileSecretStore, type FileStoreHealth, type SecretFileFs, type SetAsideReport } from './file-secret-store.js';
import { RefusingSecretStore } from './refusing-secret-store.js';
import type { SecretStore } from './secret-store.js';

export interface OpenSecretStoreOptions {
  readonly dataDir: string;
  /** The user's opt-in (`--insecure-file-store`) to a 0600 file when no keychain is reachable. */
  readonly allowFileStore: boolean;
  /** `napiKeyring()` in the shells; a fake in tests. */
  readonly keyring: KeyringPort;
  readonly platform?: NodeJS.Platform;
  /** Keychain service; `APP_ID` unless a test needs its own. */
  readonly service?: string;
  readonly probeTimeoutMs?: number;
  /** Replaces the probe (tests; or a doctor that has just run it). Default: `keychainAvailability`. */
  readonly checkKeychain?: () => Promise<KeychainAvailability>;
  readonly fs?: SecretFileFs;
  readonly now?: () => Date;
  /** Told when the file store sets a corrupt file aside (also reported in the description). */
  readonly onSetAside?: (report: SetAsideReport) => void;
}

/** Which store is in use and why, for `status` and the doctor. Holds no secret. */
export type SecretStoreDescription =
  | { readonly kind: 'keychain'; readonly backend: KeychainBackend; readonly summary: string }
  | { readonly kind: 'file'; readonly path: string; readonly health: FileStoreHealth; readonly keychain: KeychainUnavailable; readonly summary: string }
  | { readonly kind: 'none'; readonly keychain: KeychainUnavailable; readonly summary: string };

export interface OpenedSecretStore {
  readonly store: SecretStore;
  readonly description: SecretStoreDescription;
}

const BACKEND_LABEL: Record<KeychainBackend, string> = {
  'macos-keychain': 'the macOS Keychain',
  'secret-service': 'the Secret Service (gnome-keyring)',
  'windows-credential-manager': 'the Windows Credential Manager',
};

/** The decision alone: the keychain whenever it works; the file only with the opt-in. */
export type SecretStoreChoice =
  { readonly kind: 'keychain'; readonly backend: KeychainBackend } | { readonly kind: 'file' | 'none'; readonly keychain: KeychainUnavailable };

export function chooseSecretStore(keychain: KeychainAvailability, allowFileStore: boolean): SecretStoreChoice {
  if (keychain.available) return { kind: 'keychain', backend: keychain.backend };
  return { kind: allowFileStore ? 'file' : 'none', keychain };
}

/**
 * Probes the keychain and opens the store the launcher will use. Never rejects for a missing
 * keychain: without the opt-in it returns a store that refuses writes, and the description
 * carries the fix text.
 */
export async function openSecretStore(options: OpenSecretStoreOptions): Promise<OpenedSecretStore> {
  const platform = options.platform ?? process.platform;
  const probe =
    options.checkKeychain ?? (() => keychainAvailability({ keyring: options.keyring, platform, service: options.service, timeoutMs: options.probeTimeoutMs }));
  const availability = await probe();
  const choice = chooseSecretStore(availability, options.allowFileStore);
  if (choice.kind === 'keychain') {
    const store = new KeychainStore({ keyring: options.keyring, platform, service: options.service });
    return { store, description: { kind: 'keychain', backend: choice.backend, summary: `Secrets are kept in ${BACKEND_LABEL[choice.backend]}.` } };
  }
  const { keychain } = choice;
  if (choice.kind === 'none') {
    const summary = `No keychain (${keychain.reason}), so no secret can be stored. ${keychain.fix}`;
    return { store: new RefusingSecretStore(keychain), description: { kind: 'none', keychain, summary } };
  }
  const store = new FileSecretStore({ dataDir: options.dataDir, fs: options.fs, now: options.now, onSetAside: options.onSetAside });
  // Read it now, so a corrupt file is set aside and reported at start, not at first use.
  const health = await store.check();
  const setAside = health.state === 'set-aside' ? ` A corrupt file was set aside as ${health.movedTo} (${health.reason}).` : '';
  const summary = `No keychain (${keychain.reason}); because ${INSECURE_FILE_STORE_FLAG} was given, secrets are kept in ${store.path} (mode 0600), readable by anything that can read your files.${setAside}`;
  return { store, description: { kind: 'file', path: store.path, health, keychain, summary } };
}
