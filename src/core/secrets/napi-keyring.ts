import type { EntryOptions } from '@napi-rs/keyring';
import type { KeyringPort } from './keyring-port.js';

/**
 * On Linux, @napi-rs/keyring silently falls back to the kernel keyutils store when no Secret
 * Service answers. That store lives in kernel memory: secrets vanish at reboot, and in
 * containers the keyctl calls are often denied anyway ("AccessDenied"). Pinning the Secret
 * Service makes "no keychain" an error we can report instead of a quiet loss of the CA key.
 */
const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

type NapiModule = typeof import('@napi-rs/keyring');
let loading: Promise<NapiModule> | undefined;

/**
 * Loaded on first use, not at import: the native binding throws at load time on a platform
 * without a prebuilt binary, and that must surface as "keychain unavailable", not a crash.
 */
function loadNapi(): Promise<NapiModule> {
  loading ??= import('@napi-rs/keyring');
  return loading;
}

async function entry(service: string, account: string) {
  const { AsyncEntry } = await loadNapi();
  return new AsyncEntry(service, account, ENTRY_OPTIONS);
}

/**
 * The OS keychain through @napi-rs/keyring: the macOS Keychain, the Secret Service on Linux.
 *
 * Linux: libdbus reads DBUS_SESSION_BUS_ADDRESS (or falls back to $XDG_RUNTIME_DIR/bus) at the
 * process's first D-Bus call and keeps that address for the life of the process; setting the
 * variable later changes nothing. A process that must talk to another bus needs a child process.
 */
export function napiKeyring(): KeyringPort {
  return {
    async getPassword(service, account, signal) {
      return (await (await entry(service, account)).getPassword(signal)) ?? undefined;
    },
    async setPassword(service, account, password, signal) {
      await (await entry(service, account)).setPassword(password, signal);
    },
    async deletePassword(service, account, signal) {
      return (await entry(service, account)).deleteCredential(signal);
    },
  };
}
