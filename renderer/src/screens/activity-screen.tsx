import type { ActivityEntry } from '../../../src/shared/gateway-messages.js';
import { useLive } from '../api/live-state.js';
import { ErrorNote } from '../components/notes.js';
import { fixForGatewayError } from '../format/fixes.js';
import { clockTime } from '../format/time.js';
import { ScreenHead } from './screen-head.js';

const DOOR_NOTES: Record<ActivityEntry['door'], string> = {
  proxy: '',
  route: 'base URL',
  tunnel: 'tunnel, not mapped',
  http: 'plain HTTP',
  onecli: 'for OneCLI',
};

/** What the gateway decided about the credential, in a few words (never a value). */
const DECISIONS: Record<NonNullable<ActivityEntry['decision']>, string> = {
  injected: 'injected',
  resolved: 'resolved',
  no_rule: 'no rule for this path: sent without a credential',
  not_permitted: 'not permitted',
  awaiting_approval: 'awaiting approval',
  denied: 'denied',
  not_approved: 'not approved in time',
  egress_denied: 'host not allowed for this agent',
  rate_limited: 'over its rate limit',
  blocked: 'blocked by a rule of the mapping',
};

/** Recent requests through the gateway, live: who, where, which mapping, how it went. Never a value. */
export function ActivityScreen() {
  const { activity, activityError } = useLive();
  const rows = [...activity].reverse();
  return (
    <>
      <ScreenHead title="Activity">
        <span className="live">
          <span className="live-dot" aria-hidden="true" />
          Live
        </span>
      </ScreenHead>
      <ErrorNote error={activityError} />
      <p className="visually-hidden" role="status">
        {activity.length} recent request{activity.length === 1 ? '' : 's'}
      </p>
      {rows.length === 0 ? (
        <p className="empty">No requests yet. Start an agent with its setup (Agents), or run onecli-launcher run -- &lt;command&gt;.</p>
      ) : (
        <ol className="card list activity" aria-label="Recent requests, newest first">
          {rows.map((e, i) => (
            <li key={`${e.at}:${e.host}:${e.ms}:${rows.length - 1 - i}`} className="list-row activity-row">
              <span className={`badge ${e.error || e.status >= 400 ? 'badge-fail' : 'badge-ok'}`}>{e.status}</span>
              <div className="row-main">
                <span className="activity-line">
                  <span className="mono small">{e.method}</span> <strong>{e.host}</strong>
                </span>
                <span className="small muted">
                  {clockTime(e.at)} · {e.agent ?? 'no agent'} · {e.mapping ? `mapping ${e.mapping}` : 'no mapping'}
                  {e.decision ? ` · ${DECISIONS[e.decision]}` : ''}
                  {DOOR_NOTES[e.door] ? ` · ${DOOR_NOTES[e.door]}` : ''}
                </span>
                {e.error && (
                  <span className="small text-fail">
                    {e.error}: {fixForGatewayError(e.error)}
                  </span>
                )}
              </div>
              <span className="small muted latency">{Math.round(e.ms)} ms</span>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
