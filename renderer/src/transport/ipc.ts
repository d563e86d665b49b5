import {
  CONTROL_METHODS,
  ControlEvent,
  type ControlMethod,
  type ControlParams,
  type ControlResult,
  type ControlTransport,
} from '../../../src/shared/control-api.js';
import { ControlReply, type ControlBridge } from '../../../src/shared/ipc-channels.js';
import { ControlCallError, UNREADABLE_ANSWER, asCallError } from './control-call-error.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload (src/main/preload.cts); absent in a browser. */
    readonly onecli?: ControlBridge;
  }
}

/**
 * The control API over the preload's IPC bridge (the Electron popover). Replies, results and
 * events are parsed here, like any data entering the renderer; a failure arrives as data
 * ({ code, message, remedy }) and becomes a ControlCallError.
 */
export function ipcTransport(bridge: ControlBridge): ControlTransport {
  return {
    async call<M extends ControlMethod>(method: M, params: ControlParams<M>): Promise<ControlResult<M>> {
      let raw: unknown;
      try {
        raw = await bridge.call(method, params);
      } catch (err) {
        // The bridge answers failures as data; a rejection means IPC itself broke.
        throw asCallError(err);
      }
      const reply = ControlReply.safeParse(raw);
      if (!reply.success) throw new ControlCallError('internal', UNREADABLE_ANSWER);
      if (!reply.data.ok) throw new ControlCallError(reply.data.error.code, reply.data.error.message, reply.data.error.remedy);
      const parsed = CONTROL_METHODS[method].result.safeParse(reply.data.result);
      if (!parsed.success) throw new ControlCallError('internal', UNREADABLE_ANSWER);
      return parsed.data as ControlResult<M>;
    },
    subscribe(onEvent) {
      return bridge.subscribe((raw) => {
        const event = ControlEvent.safeParse(raw);
        if (event.success) onEvent(event.data);
      });
    },
  };
}
