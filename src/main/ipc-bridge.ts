import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { ControlCall, IPC, isAppUrl, type ControlReply } from '../shared/ipc-channels.js';
import { invoke } from '../core/control/invoke.js';
import type { LauncherCore } from '../core/launcher-core.js';

/** Only our own popover page may call the core: a frame from anywhere else is refused. */
export function isOurFrame(frame: Pick<WebFrameMain, 'url'> | null | undefined): boolean {
  return frame ? isAppUrl(frame.url) : false;
}

/** The popover's words for a failure that is not a ControlError: it can point at its own Settings. */
const UNEXPECTED_IN_APP = 'The launcher failed to do that; see its log (Settings → Log).';

/**
 * Serves the control API over IPC: a sender check, then the same `invoke` as the HTTP server.
 * Errors come back as data ({ code, message, remedy }): Electron flattens thrown errors to a string.
 */
export async function handleControlCall(core: LauncherCore, event: Pick<IpcMainInvokeEvent, 'senderFrame'>, raw: unknown): Promise<ControlReply> {
  if (!isOurFrame(event.senderFrame)) return { ok: false, error: { code: 'unauthorized', message: 'IPC from a frame that is not the OneCLI popover.' } };
  const call = ControlCall.safeParse(raw);
  if (!call.success) return { ok: false, error: { code: 'invalid_params', message: 'Malformed control call.' } };
  const outcome = await invoke(core, call.data.method, call.data.params ?? {}, 'popover');
  if (outcome.ok) return { ok: true, result: outcome.result };
  return { ok: false, error: 'unexpected' in outcome ? { code: 'internal', message: UNEXPECTED_IN_APP } : outcome.error };
}

export function registerControlBridge(ipcMain: Pick<IpcMain, 'handle'>, core: LauncherCore): void {
  ipcMain.handle(IPC.call, (event, raw: unknown) => handleControlCall(core, event, raw));
}
