import { DeadlineExceeded } from './keychain-deadline.js';

/** The command-line opt-in to the 0600 file store, named once so fix texts and the CLI agree. */
export const INSECURE_FILE_STORE_FLAG = '--insecure-file-store';

export type KeychainBackend = 'macos-keychain' | 'secret-service' | 'windows-credential-manager';

/**
 * Why the keychain can't be used:
 * - `no_session_bus`: Linux, no D-Bus session bus to find a Secret Service on.
 * - `no_secret_service`: a bus, but nothing owns org.freedesktop.secrets (gnome-keyring not running).
 * - `no_default_keyring`: a Secret Service without a default collection (keyring never unlocked/created).
 * - `locked`: the keyring is locked and no one answered the unlock prompt.
 * - `timeout`: no answer within the time limit.
 * - `mismatch`: the probe entry read back differently from what was written.
 * - `no_native_module`: @napi-rs/keyring has no binary for this platform.
 * - `failed`: anything else.
 */
export type KeychainProblem = 'no_session_bus' | 'no_secret_service' | 'no_default_keyring' | 'locked' | 'timeout' | 'mismatch' | 'no_native_module' | 'failed';

export function keychainBackendFor(platform: NodeJS.Platform): KeychainBackend {
  if (platform === 'darwin') return 'macos-keychain';
  if (platform === 'win32') return 'windows-credential-manager';
  return 'secret-service';
}

/**
 * @napi-rs/keyring rejects every failure with code `GenericFailure`, so the message text is
 * all there is to go on. These are the texts seen from v2 on Linux (libdbus + gnome-keyring):
 * - no bus:   "Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at
 *              compile time, set your DBUS_SESSION_BUS_ADDRESS instead"
 * - dead bus: "Platform failure: DBus error: Failed to connect to socket /path: No such file or directory"
 * - no daemon: "Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files"
 * - no login keyring: "Couldn't access platform storage: Secret Service: no result found"
 * - locked, no prompter: "Couldn't access platform storage: Secret Service: unlock prompt was dismissed"
 */
const PATTERNS: ReadonlyArray<readonly [RegExp, KeychainProblem]> = [
  [/Cannot find native binding|Failed to load native binding/i, 'no_native_module'],
  [/DBUS_SESSION_BUS_ADDRESS|autolaunch|Failed to connect to socket|Connection refused/i, 'no_session_bus'],
  [/org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service files/i, 'no_secret_service'],
  [/no result found/i, 'no_default_keyring'],
  [/locked|prompt was dismissed|User interaction is not allowed|user canceled|errSecAuthFailed|passphrase/i, 'locked'],
];

export function classifyKeychainError(err: unknown): KeychainProblem {
  if (err instanceof DeadlineExceeded) return 'timeout';
  const text = err instanceof Error ? `${err.message} ${err.cause instanceof Error ? err.cause.message : ''}` : String(err);
  return PATTERNS.find(([pattern]) => pattern.test(text))?.[1] ?? 'failed';
}

const LINUX_FIXES: Record<KeychainProblem, string> = {
  no_session_bus: `No Secret Service: no D-Bus session bus could be reached (DBUS_SESSION_BUS_ADDRESS is unset or points to a bus that is gone). Run inside a desktop login, or start a session with dbus-run-session, with gnome-keyring installed and unlocked; or pass ${INSECURE_FILE_STORE_FLAG}.`,
  no_secret_service: `No Secret Service on the session bus: install and unlock gnome-keyring, or pass ${INSECURE_FILE_STORE_FLAG}.`,
  no_default_keyring: `The Secret Service has no default keyring: unlock gnome-keyring once (gnome-keyring-daemon --unlock creates the login keyring), or pass ${INSECURE_FILE_STORE_FLAG}.`,
  locked: `The keyring is locked: unlock gnome-keyring (log in to the desktop, or gnome-keyring-daemon --unlock), then retry; or pass ${INSECURE_FILE_STORE_FLAG}.`,
  timeout: `The Secret Service did not answer in time: check that gnome-keyring is running and unlocked, or pass ${INSECURE_FILE_STORE_FLAG}.`,
  mismatch: `The Secret Service returned a different value than was stored: check which keyring daemon owns org.freedesktop.secrets, or pass ${INSECURE_FILE_STORE_FLAG}.`,
  no_native_module: `The keychain module has no build for this system: reinstall onecli-launcher, or pass ${INSECURE_FILE_STORE_FLAG}.`,
  failed: `The Secret Service refused a test entry: check that gnome-keyring is running and unlocked, or pass ${INSECURE_FILE_STORE_FLAG}.`,
};

const MACOS_FIXES: Record<KeychainProblem, string> = {
  ...LINUX_FIXES,
  locked: 'The login keychain is locked or access was denied: unlock it (Keychain Access, or `security unlock-keychain` over SSH), then retry.',
  timeout: 'The macOS Keychain did not answer in time (it may be waiting on a password prompt): unlock the login keychain, then retry.',
  mismatch: 'The macOS Keychain returned a different value than was stored: check the login keychain in Keychain Access, then retry.',
  failed: 'The macOS Keychain refused a test entry: check the login keychain in Keychain Access, then retry.',
};

/** The sentence the doctor, status and errors show for a problem. */
export function keychainFix(problem: KeychainProblem, platform: NodeJS.Platform): string {
  return (platform === 'darwin' ? MACOS_FIXES : LINUX_FIXES)[problem];
}
