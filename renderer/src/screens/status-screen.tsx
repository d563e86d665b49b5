import { useEffect } from 'react';
import type { StatusView } from '../../../src/shared/control-api.js';
import { useLive } from '../api/live-state.js';
import { useAction } from '../api/use-call.js';
import { ActionButton } from '../components/action-button.js';
import { BusyNote, ErrorNote } from '../components/notes.js';
import { RemedyAction } from '../components/remedy-action.js';
import { ShellNotices } from '../components/shell-notices.js';
import { StatusDot } from '../components/status-dot.js';
import { fixForGatewayError, gatewayDownFix } from '../format/fixes.js';
import { gatewayHealth, sourceCheck } from '../format/gateway-health.js';
import { timeAgo } from '../format/time.js';
import { ScreenHead } from './screen-head.js';
import type { ScreenProps } from './screen-props.js';

const SOURCE_NAMES: Record<StatusView['source']['kind'], string> = { none: 'Not connected', desktop: '1Password app', 'service-account': 'Service account' };
const STORE_NAMES: Record<StatusView['secretStore']['kind'], string> = { keychain: 'Keychain', file: 'File (0600)', none: 'Memory only' };
const STORE_NOTES = { file: 'In a 0600 file: no keychain. See Doctor.', none: 'Kept for this run only: no keychain. See Doctor.' } as const;
const ERRORS_SHOWN = 5;
const LATEST_SHOWN = 3;
/** Doctor results older than this are refreshed when Status opens (1Password may have locked since). */
const HEALTH_STALE_MS = 30_000;

/** Is the gateway up, where, with which 1Password source, and what went wrong lately. */
export function StatusScreen({ onNavigate }: ScreenProps) {
  const { status, statusError, doctor, runDoctor, refreshStatus, activity, settings } = useLive();
  const restart = useAction('gateway.restart');
  const state = status?.gateway.state;
  useEffect(() => refreshStatus(), [refreshStatus]);
  useEffect(() => {
    // The doctor knows whether 1Password answers: ask when Status opens with no fresh answer, and
    // when the gateway fails. Keyed on the state alone: new checks must not trigger another run.
    if (state !== undefined && (Date.now() - doctor.checkedAt > HEALTH_STALE_MS || state === 'failed')) void runDoctor();
  }, [state]);

  if (!status) return statusError ? <ErrorNote error={statusError} /> : <BusyNote>Loading status…</BusyNote>;
  const health = gatewayHealth(status, doctor.checks);
  const gw = status.gateway;
  const source = sourceCheck(doctor.checks);
  const errors = status.lastErrors.slice(-ERRORS_SHOWN).reverse();
  const latest = activity.slice(-LATEST_SHOWN).reverse();

  return (
    <>
      <ScreenHead title="Status" />
      <ShellNotices notices={status.notices} canOpenLinks={settings?.capabilities.openLinks ?? false} />
      <section className="card" aria-labelledby="gateway-title">
        <div className="row row-hero">
          <StatusDot tone={health.tone} />
          <div className="row-main">
            <h2 id="gateway-title" className="hero-title">
              Gateway {health.label.toLowerCase()}
            </h2>
            <span className="muted small">{gw.address ?? `port ${gw.port}`}</span>
          </div>
          <ActionButton small busy={restart.busy || state === 'starting'} busyLabel="Restarting…" onClick={() => void restart.run({})}>
            Restart
          </ActionButton>
        </div>
        {gw.reason && (
          <p className="row-note small">
            <span className="muted">Reason: </span>
            {gw.reason}
          </p>
        )}
        {gw.state === 'failed' && (
          <div className="row-note">
            <p className="note note-error" role="alert">
              {gatewayDownFix(gw.errno, gw.port)}
            </p>
            <button type="button" className="link-button" onClick={() => onNavigate('settings')}>
              Change the port in Settings
            </button>
          </div>
        )}
        {health.why.map((w) => (
          <p key={w} className="row-note small">
            {w}
          </p>
        ))}
        {gw.output && gw.output.length > 0 && (
          <details className="disclosure row-note">
            <summary>Gateway output</summary>
            <pre className="code" tabIndex={0}>
              {gw.output.join('\n')}
            </pre>
          </details>
        )}
        <ErrorNote error={restart.error} />
      </section>

      <section className="card" aria-label="Details">
        <dl className="facts">
          <div className="fact">
            <dt>1Password</dt>
            <dd>
              {SOURCE_NAMES[status.source.kind]}
              {status.source.detail ? ` (${status.source.detail})` : ''}
              {source && (
                <span className={`fact-sub ${source.status === 'ok' ? '' : 'text-fail'}`}>
                  {/* With a remedy, the button is the fix; the detail says what is wrong. */}
                  {source.status === 'ok' || source.remedy ? source.detail : (source.fix ?? source.detail)}
                </span>
              )}
              {source && source.status !== 'ok' && <RemedyAction remedy={source.remedy} />}
              {doctor.busy && !source && <span className="fact-sub muted">Checking…</span>}
            </dd>
          </div>
          <div className="fact">
            <dt>Secrets</dt>
            <dd>
              {STORE_NAMES[status.secretStore.kind]}
              {status.secretStore.kind !== 'keychain' && <span className="fact-sub muted">{STORE_NOTES[status.secretStore.kind]}</span>}
            </dd>
          </div>
          <div className="fact">
            <dt>Mappings</dt>
            <dd>
              <button type="button" className="link-button" onClick={() => onNavigate('mappings')}>
                {status.mappings} {status.mappings === 1 ? 'host' : 'hosts'}
              </button>
            </dd>
          </div>
          <div className="fact">
            <dt>Agents</dt>
            <dd>
              <button type="button" className="link-button" onClick={() => onNavigate('agents')}>
                {status.agents} {status.agents === 1 ? 'agent' : 'agents'}
              </button>
            </dd>
          </div>
        </dl>
      </section>

      <section className="card" aria-labelledby="latest-title">
        <div className="card-head card-title-row">
          <h2 id="latest-title" className="card-title">
            Latest requests
          </h2>
          <button type="button" className="link-button small" onClick={() => onNavigate('activity')}>
            See all
          </button>
        </div>
        {latest.length === 0 ? (
          <p className="row-note muted small">None yet. Agents’ requests show here as they happen.</p>
        ) : (
          <ul className="list" aria-label="Latest requests">
            {latest.map((e, i) => (
              <li key={`${e.at}-${i}`} className="list-row compact-row">
                <span className={`badge ${e.error || e.status >= 400 ? 'badge-fail' : 'badge-ok'}`}>{e.status}</span>
                <span className="compact-main">
                  <strong>{e.host}</strong>
                  <span className="muted"> · {e.agent ?? 'no agent'}</span>
                </span>
                <span className="muted small">{timeAgo(e.at)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-labelledby="errors-title">
        <h2 id="errors-title" className="card-title">
          Recent errors
        </h2>
        {errors.length === 0 ? (
          <p className="row-note muted small">None. Requests that fail show here with what to do.</p>
        ) : (
          <ul className="list">
            {errors.map((e) => (
              <li key={`${e.at}-${e.host}-${e.code}`} className="list-row">
                <div className="row-main">
                  <span>
                    <strong>{e.host}</strong> <span className="badge badge-fail">{e.code}</span>
                  </span>
                  <span className="small">{fixForGatewayError(e.code)}</span>
                  <span className="muted small">{timeAgo(e.at)}</span>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
