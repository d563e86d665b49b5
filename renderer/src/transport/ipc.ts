import {
  CONTROL_METHODS,
  ControlErrorCode,
  ControlEvent,
  type ControlMethod,
  type ControlParams,
  type ControlResult,
  type ControlTransport,
} from '../../../src/shared/control-api.js';
import { ControlCallError, UNREADABLE_ANSWER, asCallError } from './control-call-error.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload (src/main/preload.ts); absent in a browser. */
    readonly onecli?: ControlTransport;
  }
}

/** Electron prefixes rejected `invoke`s with this; the rest is the main process's error message. */
const INVOKE_PREFIX = /^Error invoking remote method '[^']*': (?:\w*Error: )?/;
/**
 * Only an error's message survives IPC and the context bridge, so the bridge sends the code in
 * front of it: `<code>: <message>` (the message of a control error always says what to do).
 */
const CODED_MESSAGE = /^([a-z_]+): ([\s\S]+)$/;

function fromBridge(err: unknown): ControlCallError {
  const raw = (err as { message?: unknown } | null)?.message;
  if (typeof raw !== 'string') return asCallError(err);
  const message = raw.replace(INVOKE_PREFIX, '');
  const coded = CODED_MESSAGE.exec(message);
  const code = ControlErrorCode.safeParse(coded?.[1] ?? (err as { code?: unknown }).code);
  if (coded?.[2] && code.success) return new ControlCallError(code.data, coded[2]);
  return asCallError({ code: code.success ? code.data : undefined, message });
}

/**
 * The control API over the preload's IPC bridge (the Electron popover). Results and events are
 * parsed here, like any data entering the renderer; errors become ControlCallErrors.
 */
export function ipcTransport(bridge: ControlTransport): ControlTransport {
  return {
    async call<M extends ControlMethod>(method: M, params: ControlParams<M>): Promise<ControlResult<M>> {
      let raw: unknown;
      try {
        raw = await bridge.call(method, params);
      } catch (err) {
        throw fromBridge(err);
      }
      const parsed = CONTROL_METHODS[method].result.safeParse(raw);
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
