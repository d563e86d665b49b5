import { z } from 'zod';
import { ControlFailure, ControlMethodName, type ControlMethod } from './control-api.js';

/**
 * The Electron IPC channels between the popover and the main process: one place, so the
 * preload and the bridge can never drift apart.
 */
export const IPC = {
  /** renderer → main (invoke): one control-API call. */
  call: 'onecli:control-call',
  /** main → renderer: a ControlEvent. */
  event: 'onecli:control-event',
  /** renderer → main: the page is ready for events (sent again after each reload). */
  ready: 'onecli:renderer-ready',
} as const;

/** What the renderer may send on `IPC.call`; params are then parsed with the method's own schema. */
export const ControlCall = z.object({ method: ControlMethodName, params: z.unknown() }).strict();
export type ControlCall = z.infer<typeof ControlCall>;

/**
 * The result of an invoke, and what the preload hands the page: errors travel as data
 * ({ code, message, remedy }), because Electron and the context bridge flatten thrown errors
 * to their message.
 */
export const ControlReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: ControlFailure }),
]);
export type ControlReply = z.infer<typeof ControlReply>;

/** What the preload exposes as `window.onecli`: calls answer with a ControlReply (never a thrown error), events as they come. */
export interface ControlBridge {
  call(method: ControlMethod, params: unknown): Promise<ControlReply>;
  subscribe(onEvent: (event: unknown) => void): () => void;
}

/** The popover's origin: the custom protocol the shell serves the renderer from. */
export const APP_ORIGIN = 'app://onecli';

/**
 * True for URLs of the popover's own origin. Compared by scheme and host, not `URL.origin`:
 * WHATWG URL gives custom schemes an opaque ("null") origin, though Electron treats `app:` as standard.
 */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'app:' && parsed.host === 'onecli';
  } catch {
    return false;
  }
}
