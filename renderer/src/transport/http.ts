import {
  CONTROL_METHODS,
  ControlErrorBody,
  ControlEvent,
  type ControlMethod,
  type ControlParams,
  type ControlResult,
  type ControlTransport,
} from '../../../src/shared/control-api.js';
import { ControlCallError, UNREADABLE_ANSWER } from './control-call-error.js';

const LOGIN_FRAGMENT = /^#login=([A-Za-z0-9_-]{1,200})$/;
/** Every event type the contract has (the SSE `event:` names): from the schema, so a new one is never missed. */
const EVENT_TYPES: readonly ControlEvent['type'][] = ControlEvent.options.map((o) => o.shape.type.value);
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 30_000;

/** Shown when the session cookie is missing or no longer known to the launcher (it restarted). */
export const SIGNED_OUT_MESSAGE = 'This window is signed out. Run onecli-launcher ui in a terminal and open the link it prints.';

const NOT_ANSWERING = new ControlCallError(
  'unavailable',
  'The launcher is not answering. Is onecli-launcher serve still running? Start it, then reload this page.',
);

async function errorFrom(res: Response): Promise<ControlCallError> {
  const body = ControlErrorBody.safeParse(await res.json().catch(() => undefined));
  if (body.success) return new ControlCallError(body.data.error.code, body.data.error.message, body.data.error.remedy);
  return new ControlCallError(res.status === 401 ? 'unauthorized' : 'internal', res.status === 401 ? SIGNED_OUT_MESSAGE : UNREADABLE_ANSWER);
}

/**
 * Trades the one-time code in `#login=…` for the launcher's HttpOnly session cookie. The code
 * leaves the address bar (and history) before anything else happens: it is single-use, and a
 * fragment is never sent to a server, but it should not linger where it can be copied.
 */
export async function signInFromFragment(): Promise<ControlCallError | undefined> {
  const code = LOGIN_FRAGMENT.exec(window.location.hash)?.[1];
  if (code === undefined) return undefined;
  history.replaceState(null, '', window.location.pathname + window.location.search);
  let res: Response;
  try {
    res = await fetch('/api/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code }),
    });
  } catch {
    return NOT_ANSWERING;
  }
  return res.ok ? undefined : errorFrom(res);
}

/**
 * The control API over HTTP + SSE, for the headless UI. The session cookie rides along
 * (same origin); a 401 means the session is gone, and `onSignedOut` says so once.
 */
export function httpTransport(onSignedOut: (err: ControlCallError) => void): ControlTransport {
  let signedOut = false;
  const signOut = (err: ControlCallError) => {
    if (signedOut) return;
    signedOut = true;
    onSignedOut(err);
  };

  async function call<M extends ControlMethod>(method: M, params: ControlParams<M>): Promise<ControlResult<M>> {
    let res: Response;
    try {
      res = await fetch(`/api/call/${method}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
      });
    } catch {
      throw NOT_ANSWERING;
    }
    if (!res.ok) {
      const err = await errorFrom(res);
      if (res.status === 401) signOut(err);
      throw err;
    }
    const body = (await res.json().catch(() => undefined)) as { result?: unknown } | undefined;
    const parsed = CONTROL_METHODS[method].result.safeParse(body?.result);
    if (!parsed.success) throw new ControlCallError('internal', UNREADABLE_ANSWER);
    return parsed.data as ControlResult<M>;
  }

  function subscribe(onEvent: (event: ControlEvent) => void): () => void {
    let source: EventSource | undefined;
    let retryMs = RECONNECT_MIN_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const deliver = (message: MessageEvent<string>) => {
      retryMs = RECONNECT_MIN_MS;
      const event = ControlEvent.safeParse(parseJson(message.data));
      if (event.success) onEvent(event.data);
    };
    const open = () => {
      source = new EventSource('/api/events'); // same origin: the session cookie goes along
      for (const type of EVENT_TYPES) source.addEventListener(type, deliver);
      source.onerror = () => {
        // The browser retries dropped connections by itself; it gives up (CLOSED) on an HTTP
        // error such as 401. Then a plain call tells a lost session from a launcher that is down.
        if (source?.readyState !== EventSource.CLOSED || stopped) return;
        source.close();
        timer = setTimeout(() => {
          call('status.get', {}).then(open, () => {
            if (!signedOut && !stopped) open();
          });
        }, retryMs);
        retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }

  return { call, subscribe };
}

/** An event whose data is not JSON is dropped like any other malformed event; the next status event replaces it. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
