import { ControlErrorCode } from '../../../src/shared/control-api.js';
import type { Remedy } from '../../../src/shared/remedy.js';

/**
 * A failed control-API call as the UI sees it: the contract's stable code, its message (what is
 * wrong), and the remedy the UI offers as a button when there is one. Screens show `message` as is.
 */
export class ControlCallError extends Error {
  constructor(
    readonly code: ControlErrorCode,
    message: string,
    readonly remedy?: Remedy,
  ) {
    super(message);
    this.name = 'ControlCallError';
  }
}

/** What a transport reports when the launcher answered something this UI cannot read. */
export const UNREADABLE_ANSWER = 'The launcher answered in a form this UI does not understand: update OneCLI, then reopen this window.';

/** Any rejection, as a ControlCallError (unknown errors get a generic message, never their raw text). */
export function asCallError(err: unknown): ControlCallError {
  if (err instanceof ControlCallError) return err;
  const code = ControlErrorCode.safeParse((err as { code?: unknown } | null)?.code);
  const message = (err as { message?: unknown } | null)?.message;
  if (code.success && typeof message === 'string') return new ControlCallError(code.data, message);
  return new ControlCallError('internal', 'Something went wrong in the launcher; see its log (Settings → Log), then try again.');
}
