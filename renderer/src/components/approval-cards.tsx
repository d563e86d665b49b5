import { useEffect, useState } from 'react';
import type { ApprovalAnswer, ApprovalView } from '../../../src/shared/control-api.js';
import { useLive } from '../api/live-state.js';
import { useAction } from '../api/use-call.js';
import { ActionButton } from './action-button.js';
import { ErrorNote } from './notes.js';

/** "Anthropic · api.anthropic.com", or the mapping's name when it is no known service. */
export function approvalTarget(a: Pick<ApprovalView, 'service' | 'host' | 'mapping'>): string {
  return a.service ? `${a.service} · ${a.mapping}` : a.mapping;
}

/** Seconds left, ticking once a second while a card shows. */
function useSecondsLeft(until: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.ceil((until - now) / 1000));
}

function ApprovalCard({ approval }: { approval: ApprovalView }) {
  const decide = useAction('approvals.decide');
  const { dropApproval } = useLive();
  const [answering, setAnswering] = useState<ApprovalAnswer>();
  const left = useSecondsLeft(approval.expiresAt);
  const titleId = `approval-${approval.id}-title`;
  const answer = async (decision: ApprovalAnswer) => {
    if (decide.busy) return;
    setAnswering(decision);
    if (await decide.run({ id: approval.id, decision })) dropApproval(approval.id);
  };
  return (
    <li className="approval-card" aria-labelledby={titleId}>
      <p className="approval-title" id={titleId}>
        <strong>{approval.agent}</strong> wants to use <strong>{approvalTarget(approval)}</strong>
      </p>
      <p className="small muted">
        Its request waits for your answer{left > 0 ? ` (${left} s left)` : ''}. Allow for this session lasts until 10 minutes without use, 12 hours at most.
      </p>
      <div className="approval-actions" role="group" aria-label={`Answer ${approval.agent}`}>
        <ActionButton small variant="primary" busy={decide.busy && answering === 'session'} busyLabel="Allowing…" onClick={() => void answer('session')}>
          Allow for this session
        </ActionButton>
        <ActionButton small busy={decide.busy && answering === 'always'} busyLabel="Allowing…" onClick={() => void answer('always')}>
          Always
        </ActionButton>
        <ActionButton small variant="danger" busy={decide.busy && answering === 'deny'} busyLabel="Denying…" onClick={() => void answer('deny')}>
          Deny
        </ActionButton>
      </div>
      <ErrorNote error={decide.error} />
    </li>
  );
}

/**
 * Requests held for the user's approval, above every screen. A new card is announced (polite:
 * it never takes focus from what the user is doing), and each is answered with a button.
 */
export function ApprovalCards() {
  const { approvals } = useLive();
  return (
    <section className="approvals" aria-label="Waiting for your approval" aria-live="polite">
      {approvals.length > 0 && (
        <ul className="approval-list">
          {approvals.map((a) => (
            <ApprovalCard key={a.id} approval={a} />
          ))}
        </ul>
      )}
    </section>
  );
}
