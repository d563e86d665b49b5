import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { CONTROL_METHODS } from '../shared/control-api.js';
import { ControlCall, IPC, isAppUrl, type ControlReply } from '../shared/ipc-channels.js';
import { CONTROL_HANDLERS } from '../core/control/control-handlers.js';
import { toControlError } from '../core/control/to-control-error.js';
import type { LauncherCore } from '../core/launcher-core.js';

/** Only our own popover page may call the core: a frame from anywhere else is refused. */
export function isOurFrame(frame: Pick<WebFrameMain, 'url'> | null | undefined): boolean {
  return frame ? isAppUrl(frame.url) : false;
}

/** Methods the popover may not call (they exist for the CLI). */
const SHELL_REFUSED = new Set(['ui.loginUrl']);

/**
 * Serves the control API over IPC: the same handlers as the HTTP server, behind a sender check
 * and the same schemas. Errors come back as data with their code and fix.
 */
export async function handleControlCall(core: LauncherCore, event: Pick<IpcMainInvokeEvent, 'senderFrame'>, raw: unknown): Promise<ControlReply> {
  if (!isOurFrame(event.senderFrame)) return { ok: false, error: { code: 'unauthorized', message: 'IPC from a frame that is not the OneCLI popover.' } };
  const call = ControlCall.safeParse(raw);
  if (!call.success) return { ok: false, error: { code: 'invalid_params', message: 'Malformed control call.' } };
  if (SHELL_REFUSED.has(call.data.method)) return { ok: false, error: { code: 'unauthorized', message: 'Not available in the app.' } };
  const params = CONTROL_METHODS[call.data.method].params.safeParse(call.data.params ?? {});
  if (!params.success) {
    const issue = params.error.issues[0];
    return { ok: false, error: { code: 'invalid_params', message: `${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}` } };
  }
  try {
    const handler = CONTROL_HANDLERS[call.data.method] as (c: LauncherCore, p: unknown) => Promise<unknown>;
    return { ok: true, result: await handler(core, params.data) };
  } catch (err) {
    const known = toControlError(err);
    return {
      ok: false,
      error: known
        ? { code: known.code, message: known.message }
        : { code: 'internal', message: 'The launcher failed to do that; see its log (Settings → Log).' },
    };
  }
}

export function registerControlBridge(ipcMain: Pick<IpcMain, 'handle'>, core: LauncherCore): void {
  ipcMain.handle(IPC.call, (event, raw: unknown) => handleControlCall(core, event, raw));
}
