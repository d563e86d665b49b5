import { CONTROL_METHODS, ControlMethodName, isCliOnly, type ControlFailure } from '../../shared/control-api.js';
import type { LauncherCore } from '../launcher-core.js';
import { CONTROL_HANDLERS } from './control-handlers.js';
import { toControlError } from './to-control-error.js';

/** Who is calling: the CLI (bearer token, or in process), a browser session on the headless UI, or the app's popover. */
export type ControlCaller = 'cli' | 'browser' | 'popover';

/** The outcome of one call. `unexpected` is a failure that is not a ControlError: its text is for the log, never for the caller. */
export type InvokeOutcome =
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: ControlFailure; readonly unexpected?: unknown };

/** What every transport says for a failure that is not a ControlError (its own text could carry something a client should not see). */
export const UNEXPECTED_FAILURE = 'The launcher failed to do that; see its log.';

/**
 * One control-API call, the same for every transport (HTTP, IPC, in process): the method is
 * checked (and refused to callers it is not for), params are parsed with the shared schema,
 * the handler runs, and any failure becomes a code, a sentence and maybe a remedy. Never throws.
 */
export async function invoke(core: LauncherCore, method: string, raw: unknown, caller: ControlCaller): Promise<InvokeOutcome> {
  const name = ControlMethodName.safeParse(method);
  if (!name.success) return refuse('unknown_method', `No method "${method.slice(0, 100)}".`);
  if (caller !== 'cli' && isCliOnly(name.data)) return refuse('unauthorized', 'Only the CLI may call this.');
  const params = CONTROL_METHODS[name.data].params.safeParse(raw);
  if (!params.success) {
    const issue = params.error.issues[0];
    return refuse('invalid_params', `${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}`);
  }
  const handler = CONTROL_HANDLERS[name.data] as (core: LauncherCore, params: unknown) => Promise<unknown>;
  try {
    return { ok: true, result: await handler(core, params.data) };
  } catch (err) {
    const known = toControlError(err);
    if (known) return { ok: false, error: { code: known.code, message: known.message, ...(known.remedy ? { remedy: known.remedy } : {}) } };
    return { ok: false, error: { code: 'internal', message: UNEXPECTED_FAILURE }, unexpected: err };
  }
}

function refuse(code: ControlFailure['code'], message: string): InvokeOutcome {
  return { ok: false, error: { code, message } };
}
