import { useState } from 'react';
import type { AgentView, MappingView } from '../../../../src/shared/control-api.js';
import { describeLimit } from '../../../../src/shared/agent-policy.js';
import type { ActivityEntry } from '../../../../src/shared/gateway-messages.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { calendarDay, timeAgo } from '../../format/time.js';
import { AgentAccess, scopeSummary } from './agent-access.js';
import { AgentPolicy, egressSummary } from './agent-policy.js';
import { AgentSetup } from './agent-setup.js';

/** Hosts this agent reached lately, newest first, with how many requests and when. */
function usage(activity: readonly ActivityEntry[], agent: string) {
  const byHost = new Map<string, { count: number; last: number; failed: number }>();
  for (const e of activity) {
    if (e.agent !== agent) continue;
    const u = byHost.get(e.host) ?? { count: 0, last: 0, failed: 0 };
    byHost.set(e.host, { count: u.count + 1, last: Math.max(u.last, e.at), failed: u.failed + (e.error || e.status >= 400 ? 1 : 0) });
  }
  return [...byHost.entries()].sort((a, b) => b[1].last - a[1].last);
}

interface Props {
  readonly agent: AgentView;
  readonly mappings: readonly MappingView[] | undefined;
  readonly activity: readonly ActivityEntry[];
  onRevoked(): void;
  onChanged(): void;
}

export function AgentRow({ agent, mappings, activity, onRevoked, onChanged }: Props) {
  const revoke = useAction('agents.revoke');
  const [confirming, setConfirming] = useState(false);
  const [showSetup, setShowSetup] = useState(false);
  const [editing, setEditing] = useState(false);
  const [policy, setPolicy] = useState(false);
  const used = usage(activity, agent.name);
  return (
    <li className="list-row agent-row">
      <div className="row-main">
        <strong>{agent.name}</strong>
        <span className="small muted">
          Created {calendarDay(agent.createdAt)} · {agent.lastUsed ? `last used ${timeAgo(agent.lastUsed)}` : 'not used yet'}
        </span>
        <span className="small">
          May use {scopeSummary(agent)} · {agent.policy === 'ask' ? 'asks before first use' : 'never asks'}
        </span>
        <span className="small">
          {egressSummary(agent).replace(/^./, (c) => c.toUpperCase())} ·{' '}
          {agent.limits.length ? `at most ${agent.limits.map(describeLimit).join(', ')}` : 'no rate limits'}
        </span>
        {used.length > 0 && (
          <ul className="usage" aria-label={`Hosts ${agent.name} used`}>
            {used.map(([host, u]) => (
              <li key={host} className="small">
                {host}: {u.count} request{u.count === 1 ? '' : 's'}
                {u.failed ? `, ${u.failed} failed` : ''}, {timeAgo(u.last)}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="row-actions" role="group" aria-label={`Actions for ${agent.name}`}>
        <ActionButton small aria-expanded={editing} onClick={() => setEditing((e) => !e)}>
          Access
        </ActionButton>
        <ActionButton small aria-expanded={policy} onClick={() => setPolicy((p) => !p)}>
          Policy
        </ActionButton>
        <ActionButton small aria-expanded={showSetup} onClick={() => setShowSetup((s) => !s)}>
          {showSetup ? 'Hide setup' : 'Setup'}
        </ActionButton>
        <ActionButton small variant="danger" onClick={() => setConfirming(true)}>
          Revoke
        </ActionButton>
      </div>
      {editing && (
        <div className="row-result">
          <AgentAccess
            agent={agent}
            mappings={mappings}
            onCancel={() => setEditing(false)}
            onSaved={() => {
              setEditing(false);
              onChanged();
            }}
          />
        </div>
      )}
      {policy && (
        <div className="row-result">
          <AgentPolicy agent={agent} mappings={mappings} onChanged={() => onChanged()} />
        </div>
      )}
      {showSetup && (
        <div className="row-result">
          <AgentSetup agent={agent.name} />
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Revoke “${agent.name}”?`}
          confirmLabel="Revoke"
          busyLabel="Revoking…"
          busy={revoke.busy}
          error={revoke.error}
          onClose={() => {
            revoke.reset();
            setConfirming(false);
          }}
          onConfirm={() =>
            void revoke.run({ name: agent.name }).then((r) => {
              if (!r) return;
              setConfirming(false);
              onRevoked();
            })
          }
        >
          <p>The gateway refuses its token from now on. Anything still using it gets 407 until you give it a new agent’s setup.</p>
        </ConfirmDialog>
      )}
    </li>
  );
}
