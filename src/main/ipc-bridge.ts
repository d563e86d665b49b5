import type { IpcMain, IpcMainInvokeEvent, WebFrameMain } from 'electron';
import { ControlCall, IPC, isAppUrl, type ControlReply } from '../shared/ipc-channels.js';
import { invoke } from '../core/control/invoke.js';
import type { LauncherCore } from '../core/launcher-core.js';
import type { CoreLogger } from '../core/logging/core-logger.js';

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
export async function handleControlCall(
  core: LauncherCore,
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  raw: unknown,
  log?: Pick<CoreLogger, 'error'>,
): Promise<ControlReply> {
  if (!isOurFrame(event.senderFrame)) return { ok: false, error: { code: 'unauthorized', message: 'IPC from a frame that is not the OneCLI popover.' } };
  const call = ControlCall.safeParse(raw);
  if (!call.success) return { ok: false, error: { code: 'invalid_params', message: 'Malformed control call.' } };
  const outcome = await invoke(core, call.data.method, call.data.params ?? {}, 'popover');
  if (outcome.ok) return { ok: true, result: outcome.result };
  if (!('unexpected' in outcome)) return { ok: false, error: outcome.error };
  // "see its log" must find it there (code + redacted message; the popover gets the sentence only).
  log?.error({ method: call.data.method, err: outcome.unexpected }, 'control call failed');
  return { ok: false, error: { code: 'internal', message: UNEXPECTED_IN_APP } };
}

export function registerControlBridge(ipcMain: Pick<IpcMain, 'handle'>, core: LauncherCore, log?: Pick<CoreLogger, 'error'>): void {
  ipcMain.handle(IPC.call, (event, raw: unknown) => handleControlCall(core, event, raw, log));
}
