import type { ControlEvent } from '../shared/control-api.js';

export interface Notify {
  /** `opens`: a click on the notification opens the popover (where an approval card waits). */
  (title: string, body: string, opens?: 'popover'): void;
}

const MAPPING_NOTICE_EVERY_MS = 10 * 60_000;
/** Approvals already notified about: enough to cover every card that can wait at once. */
const APPROVALS_REMEMBERED = 100;

/**
 * Turns events into the few notifications worth an interruption: the gateway failed, a
 * mapping keeps failing (once per mapping per ten minutes), or an agent waits for approval
 * (once per request: the card in the popover is where it is answered). Never a value in the text.
 */
export function createNotifier(notify: Notify, now: () => number = Date.now) {
  let lastGatewayState = '';
  const lastMappingNotice = new Map<string, number>();
  const notifiedApprovals = new Set<string>();
  return (event: ControlEvent): void => {
    if (event.type === 'approvals') {
      for (const a of event.pending) {
        if (notifiedApprovals.has(a.id)) continue;
        notifiedApprovals.add(a.id);
        if (notifiedApprovals.size > APPROVALS_REMEMBERED) notifiedApprovals.delete(notifiedApprovals.values().next().value as string);
        notify(
          `${a.agent} wants to use ${a.service ?? a.mapping}`,
          `${a.service ? `${a.mapping}: ` : ''}open OneCLI in the menu bar to allow it for this session, always, or deny. Its request waits up to a minute.`,
          'popover',
        );
      }
      return;
    }
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
