import { z } from 'zod';
import { ControlMethodName } from './control-api.js';

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

/** The result of an invoke: errors travel as data, because Electron flattens thrown errors to a string. */
export const ControlReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ code: z.string(), message: z.string() }) }),
]);
export type ControlReply = z.infer<typeof ControlReply>;

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
