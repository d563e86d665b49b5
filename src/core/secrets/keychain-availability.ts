import { randomUUID } from 'node:crypto';
import { APP_ID } from '../../shared/product.js';
import { withDeadline } from './keychain-deadline.js';
import { classifyKeychainError, keychainBackendFor, keychainFix, type KeychainBackend, type KeychainProblem } from './keychain-problems.js';
import type { KeyringPort } from './keyring-port.js';

/** Long enough for a cold gnome-keyring activation (~0.3 s here), short enough not to stall a start. */
export const KEYCHAIN_PROBE_TIMEOUT_MS = 5_000;

export type KeychainAvailability =
  | { readonly available: true; readonly backend: KeychainBackend }
  | {
      readonly available: false;
      readonly backend: KeychainBackend;
      readonly reason: KeychainProblem;
      /** What the user can do about it. */
      readonly fix: string;
      /** The platform's own words (a D-Bus or Security.framework message), for the doctor. */
      readonly detail?: string;
    };

export type KeychainUnavailable = Extract<KeychainAvailability, { available: false }>;

export interface KeychainProbeDeps {
  readonly keyring: KeyringPort;
  readonly platform: NodeJS.Platform;
  readonly service?: string;
  readonly timeoutMs?: number;
  /** The probe entry's value; random so a stale or shared entry can't pass for ours. */
  readonly randomValue?: () => string;
}

/** Native messages are about the platform, never the value; the cap keeps doctor output readable. */
const MAX_DETAIL_CHARS = 300;

export function unavailable(platform: NodeJS.Platform, reason: KeychainProblem, detail?: string): KeychainUnavailable {
  return {
    available: false,
    backend: keychainBackendFor(platform),
    reason,
    fix: keychainFix(reason, platform),
    ...(detail ? { detail: detail.slice(0, MAX_DETAIL_CHARS) } : {}),
  };
}

/**
 * Is the OS keychain reachable *and usable*? Writes, reads back and deletes a probe entry,
 * because a reachable but locked keyring, or one without a default collection, only fails
 * on use. Never rejects, and answers within `timeoutMs`.
 *
 * The probe's account is unique per call: two processes probing at once (the app and a CLI
 * `status`) must not read each other's value and call the keychain broken.
 */
export async function keychainAvailability(deps: KeychainProbeDeps): Promise<KeychainAvailability> {
  const service = deps.service ?? APP_ID;
  const account = `availability-probe:${randomUUID()}`;
  const value = (deps.randomValue ?? randomUUID)();
  try {
    const roundTrip = await withDeadline(deps.timeoutMs ?? KEYCHAIN_PROBE_TIMEOUT_MS, async (signal) => {
      await deps.keyring.setPassword(service, account, value, signal);
      const readBack = await deps.keyring.getPassword(service, account, signal);
      const deleted = await deps.keyring.deletePassword(service, account, signal);
      return readBack === value && deleted;
    });
    return roundTrip ? { available: true, backend: keychainBackendFor(deps.platform) } : unavailable(deps.platform, 'mismatch');
  } catch (err) {
    return unavailable(deps.platform, classifyKeychainError(err), err instanceof Error ? err.message : undefined);
  }
}
