import { useState } from 'react';
import type { ControlResult, LogLine } from '../../../src/shared/control-api.js';
import { useAction } from '../api/use-call.js';
import { ActionButton } from '../components/action-button.js';
import { ErrorNote } from '../components/notes.js';
import { clockTime } from '../format/time.js';

/** How many records the section asks for: a popover's worth. */
export const RECENT_LOG_SHOWN = 50;

const LEVEL_WORDS: Record<LogLine['level'], string> = { trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', error: 'error', fatal: 'fatal' };
const LEVEL_BADGES: Record<LogLine['level'], string> = {
  trace: 'badge-quiet',
  debug: 'badge-quiet',
  info: 'badge-ok',
  warn: 'badge-warn',
  error: 'badge-fail',
  fatal: 'badge-fail',
};

/**
 * The launcher's last log records, the gateway's among them, when the user asks: why
 * something failed without opening the file. The launcher redacts them (twice); the UI shows
 * them as text, never as markup.
 */
export function RecentLogSection() {
  const recent = useAction('logs.recent');
  // Kept while a refresh runs: the list does not blink away under the reader.
  const [shown, setShown] = useState<ControlResult<'logs.recent'>>();
  const load = async () => {
    const result = await recent.run({ limit: RECENT_LOG_SHOWN });
    if (result) setShown(result);
  };
  const rows = shown ? [...shown.lines].reverse() : [];
  return (
    <section className="card card-padded" aria-labelledby="recent-log-title">
      <div className="card-head">
        <h2 id="recent-log-title">Recent log</h2>
        <ActionButton small busy={recent.busy} busyLabel="Loading…" onClick={() => void load()}>
          {shown ? 'Refresh log' : 'Show recent log'}
        </ActionButton>
      </div>
      <p className="small muted">What the launcher and the gateway did last, newest first: hosts, mappings and errors, never a key or a token.</p>
      <ErrorNote error={recent.error} />
      {shown && !shown.file && <p className="empty">This launcher keeps no log file.</p>}
      {shown?.file && rows.length === 0 && <p className="empty">Nothing logged yet.</p>}
      {rows.length > 0 && (
        <ol className="list log-lines" aria-label="Recent log, newest first">
          {rows.map((line, i) => (
            <LogRow key={`${line.at}:${rows.length - i}`} line={line} />
          ))}
        </ol>
      )}
    </section>
  );
}

function LogRow({ line }: { line: LogLine }) {
  const at = Date.parse(line.at);
  const fields = Object.entries(line.fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return (
    <li className="list-row log-line">
      <span className={`badge ${LEVEL_BADGES[line.level]}`}>{LEVEL_WORDS[line.level]}</span>
      <div className="row-main">
        <strong className="small">{line.message || '(no message)'}</strong>
        <span className="small muted">
          {Number.isNaN(at) ? line.at : clockTime(at)} · {line.component}
        </span>
        {fields.length > 0 && <span className="small mono log-fields">{fields.join(', ')}</span>}
      </div>
    </li>
  );
}
