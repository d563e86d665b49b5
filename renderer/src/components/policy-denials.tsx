import { useState } from 'react';
import { policyFixCall, policyFixLabel, type PolicyDenial } from '../../../src/shared/policy-api.js';
import { useLive } from '../api/live-state.js';
import { useApi } from '../api/api-context.js';
import { asCallError, type ControlCallError } from '../transport/control-call-error.js';
import { timeAgo } from '../format/time.js';
import { ActionButton } from './action-button.js';
import { ErrorNote } from './notes.js';

const WHY: Record<PolicyDenial['decision'], string> = {
  egress_denied: 'not on its egress allowlist',
  not_permitted: 'outside its scope',
  rate_limited: 'over its rate limit',
  blocked: 'refused by a block rule',
};

function DenialRow({ denial }: { denial: PolicyDenial }) {
  const api = useApi();
  const { refreshStatus } = useLive();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ControlCallError>();
  const [done, setDone] = useState(false);
  const fix = denial.fix;
  const apply = async () => {
    if (!fix || busy) return;
    setBusy(true);
    setError(undefined);
    const call = policyFixCall(fix);
    try {
      await (call.method === 'agents.egress' ? api.call(call.method, call.params) : api.call(call.method, call.params));
      setDone(true);
      refreshStatus();
    } catch (err) {
      setError(asCallError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <li className="denial-row">
      <p className="small">
        <strong>{denial.agent}</strong> was refused <span className="mono">{denial.host}</span>: {WHY[denial.decision]}
        {denial.rule ? ` (${denial.rule})` : ''} · {denial.count > 1 ? `${denial.count} times, ` : ''}
        {timeAgo(denial.at)}
      </p>
      {fix && !done && (
        <ActionButton small busy={busy} busyLabel="Allowing…" onClick={() => void apply()}>
          {policyFixLabel(fix)}
        </ActionButton>
      )}
      {done && <p className="small muted">Done: its next request goes through.</p>}
      {!fix && <p className="small muted">Change its limits or the mapping’s block rules under Agents if this was wanted.</p>}
      <ErrorNote error={error} />
    </li>
  );
}

/**
 * Agents that policy refused in the last minutes (the tray's badge counts them), each with the
 * fix one click away where there is one. Announced politely: it never takes focus.
 */
export function PolicyDenials() {
  const { status } = useLive();
  const denials = status?.policyDenials ?? [];
  return (
    <section className="denials" aria-label="Recently refused by policy" aria-live="polite">
      {denials.length > 0 && (
        <ul className="denial-list">
          {denials.map((d) => (
            <DenialRow key={`${d.agent}\0${d.host}\0${d.decision}\0${d.mapping ?? ''}`} denial={d} />
          ))}
        </ul>
      )}
    </section>
  );
}
