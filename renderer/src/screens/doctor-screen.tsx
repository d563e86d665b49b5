import { useEffect } from 'react';
import { SYSTEM_LINKS, type DoctorCheck } from '../../../src/shared/control-api.js';
import { useLive } from '../api/live-state.js';
import { useAction } from '../api/use-call.js';
import { ActionButton } from '../components/action-button.js';
import { Icon } from '../components/icons.js';
import { BusyNote, ErrorNote } from '../components/notes.js';
import { RemedyAction } from '../components/remedy-action.js';
import { RecentLogSection } from './recent-log-section.js';
import { ScreenHead } from './screen-head.js';

const STATUS_WORDS: Record<DoctorCheck['status'], string> = { ok: 'OK', warn: 'Warning', fail: 'Problem', skip: 'Skipped' };
const ICONS = { ok: 'check', warn: 'warn', fail: 'cross', skip: 'warn' } as const;

/** The SYSTEM_LINKS key for a check's deep link: the shell opens constants only, never a URL from data. */
function linkKey(url: string | undefined): keyof typeof SYSTEM_LINKS | undefined {
  return (Object.keys(SYSTEM_LINKS) as (keyof typeof SYSTEM_LINKS)[]).find((k) => SYSTEM_LINKS[k] === url);
}

/** Every check the launcher knows, with its fix; Open for the ones with a settings pane; the recent log on request. */
export function DoctorScreen() {
  const { doctor, runDoctor, settings } = useLive();
  useEffect(() => {
    if (!doctor.checks && !doctor.busy) void runDoctor();
    // Once, when the screen opens; Run again is the user's.
  }, []);
  const checks = doctor.checks ?? [];
  const problems = checks.filter((c) => c.status === 'fail').length;
  const warnings = checks.filter((c) => c.status === 'warn').length;
  return (
    <>
      <ScreenHead title="Doctor">
        <ActionButton small busy={doctor.busy} busyLabel="Checking…" onClick={() => void runDoctor()}>
          Run again
        </ActionButton>
      </ScreenHead>
      <ErrorNote error={doctor.error} />
      {doctor.busy && !doctor.checks && <BusyNote>Running checks…</BusyNote>}
      {doctor.checks && (
        <p className="summary" role="status">
          {problems === 0 && warnings === 0
            ? 'Everything checks out.'
            : [problems ? `${problems} problem${problems === 1 ? '' : 's'}` : '', warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '']
                .filter(Boolean)
                .join(', ')}
        </p>
      )}
      {checks.length > 0 && (
        <ul className="card list" aria-label="Checks">
          {checks.map((c) => (
            <CheckRow key={c.id} check={c} canOpen={Boolean(settings?.capabilities.openLinks)} />
          ))}
        </ul>
      )}
      <RecentLogSection />
    </>
  );
}

function CheckRow({ check, canOpen }: { check: DoctorCheck; canOpen: boolean }) {
  const open = useAction('system.openLink');
  const link = linkKey(check.link);
  return (
    <li className={`list-row check check-${check.status}`} data-check={check.id}>
      <span className={`check-icon check-icon-${check.status}`}>
        <Icon name={ICONS[check.status]} />
        <span className="visually-hidden">{STATUS_WORDS[check.status]}: </span>
      </span>
      <div className="row-main">
        <strong>{check.title}</strong>
        <span className="small muted detail">{check.detail}</span>
        {check.fix && <span className="small fix">{check.fix}</span>}
        {check.status !== 'ok' && <RemedyAction remedy={check.remedy} />}
        {link && canOpen && (
          <span>
            <ActionButton small busy={open.busy} busyLabel="Opening…" onClick={() => void open.run({ link })}>
              Open
            </ActionButton>
          </span>
        )}
        <ErrorNote error={open.error} />
      </div>
    </li>
  );
}
