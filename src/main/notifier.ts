import type { ControlEvent } from '../shared/control-api.js';

export interface Notify {
  (title: string, body: string): void;
}

const MAPPING_NOTICE_EVERY_MS = 10 * 60_000;

/**
 * Turns events into the few notifications worth an interruption: the gateway failed, or a
 * mapping keeps failing (once per mapping per ten minutes). Never a value in the text.
 */
export function createNotifier(notify: Notify, now: () => number = Date.now) {
  let lastGatewayState = '';
  const lastMappingNotice = new Map<string, number>();
  return (event: ControlEvent): void => {
    if (event.type === 'status') {
      const state = event.status.gateway.state;
      if (state === 'failed' && lastGatewayState !== 'failed') notify('OneCLI gateway stopped', event.status.gateway.reason ?? 'Open OneCLI for details.');
      lastGatewayState = state;
      return;
    }
    if (event.type !== 'activity') return;
    for (const entry of event.entries) {
      if (!entry.error || !entry.mapping || entry.status !== 502) continue;
      const last = lastMappingNotice.get(entry.mapping);
      if (last !== undefined && now() - last < MAPPING_NOTICE_EVERY_MS) continue;
      lastMappingNotice.set(entry.mapping, now());
      notify(`OneCLI: ${entry.mapping} is failing`, `Requests get ${entry.error}. Open OneCLI to see what to do.`);
    }
  };
}
