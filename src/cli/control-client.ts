import {
  ControlErrorBody,
  ControlEvent,
  type ControlMethod,
  type ControlParams,
  type ControlResult,
  type ControlTransport,
  CONTROL_METHODS,
} from '../shared/control-api.js';
import { ControlError } from '../core/control-error.js';

/** The control API over HTTP: what CLI commands use while `serve` (or the app) runs. */
export function httpTransport(baseUrl: string, token: string): ControlTransport {
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  return {
    async call<M extends ControlMethod>(method: M, params: ControlParams<M>): Promise<ControlResult<M>> {
      let res: Response;
      try {
        res = await fetch(`${baseUrl}/api/call/${method}`, { method: 'POST', headers, body: JSON.stringify(params) });
      } catch {
        throw new ControlError('unavailable', `The running launcher at ${baseUrl} did not answer; is it still running?`);
      }
      const body: unknown = await res.json().catch(() => ({}));
      if (!res.ok) {
        const err = ControlErrorBody.safeParse(body);
        throw err.success
          ? new ControlError(err.data.error.code, err.data.error.message, { remedy: err.data.error.remedy })
          : new ControlError('internal', `The launcher answered ${res.status}.`);
      }
      return CONTROL_METHODS[method].result.parse((body as { result: unknown }).result) as ControlResult<M>;
    },
    subscribe(onEvent) {
      const controller = new AbortController();
      void (async () => {
        const res = await fetch(`${baseUrl}/api/events`, { headers, signal: controller.signal });
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) !== -1) {
            const data = buffer
              .slice(0, end)
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            buffer = buffer.slice(end + 2);
            const event = data ? ControlEvent.safeParse(JSON.parse(data)) : undefined;
            if (event?.success) onEvent(event.data);
          }
        }
      })().catch(() => undefined);
      return () => controller.abort();
    },
  };
}
