/**
 * What the launcher needs of an OS keychain: one password per (service, account). The real
 * one is `napiKeyring()`; tests pass a Map or one that fails like a real keychain does.
 * `signal` aborts a call that is taking too long (the native call may still finish later).
 */
export interface KeyringPort {
  getPassword(service: string, account: string, signal: AbortSignal): Promise<string | undefined>;
  setPassword(service: string, account: string, password: string, signal: AbortSignal): Promise<void>;
  /** True if an entry was removed, false if there was none. */
  deletePassword(service: string, account: string, signal: AbortSignal): Promise<boolean>;
}
