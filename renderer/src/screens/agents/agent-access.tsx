import { useId, useState, type FormEvent } from 'react';
import type { AgentView, MappingView } from '../../../../src/shared/control-api.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { FieldProblem } from '../../components/field.js';
import { ErrorNote } from '../../components/notes.js';
import { SwitchField } from '../../components/switch-field.js';

/** "every mapping", "api.anthropic.com", "2 mappings": what an agent may use, in a few words. */
export function scopeSummary(agent: Pick<AgentView, 'allow'>): string {
  if (agent.allow === 'all') return 'every mapping';
  if (agent.allow.length === 0) return 'no mapping';
  return agent.allow.length <= 2 ? agent.allow.join(', ') : `${agent.allow.length} mappings`;
}

interface Props {
  readonly agent: AgentView;
  readonly mappings: readonly MappingView[] | undefined;
  onSaved(agent: AgentView): void;
  onCancel(): void;
}

/**
 * What an agent may use (authority) and whether it asks first (consent): every mapping or a
 * chosen few, "ask before first use", and the mappings allowed "always" (each can be forgotten).
 */
export function AgentAccess({ agent, mappings, onSaved, onCancel }: Props) {
  const id = useId();
  const save = useAction('agents.update');
  const [every, setEvery] = useState(agent.allow === 'all');
  const [chosen, setChosen] = useState<readonly string[]>(agent.allow === 'all' ? [] : agent.allow);
  const [ask, setAsk] = useState(agent.policy === 'ask');
  const [approved, setApproved] = useState<readonly string[]>(agent.approved);
  const [problem, setProblem] = useState<string>();
  const toggle = (name: string, on: boolean) => setChosen((list) => (on ? [...list, name] : list.filter((m) => m !== name)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (save.busy) return;
    const bad = !every && chosen.length === 0 ? `Choose at least one mapping, or “Every mapping”. To stop ${agent.name} altogether, revoke it.` : undefined;
    setProblem(bad);
    if (bad) return;
    const saved = await save.run({ name: agent.name, allow: every ? 'all' : [...chosen], policy: ask ? 'ask' : 'allow', approved: [...approved] });
    if (saved) onSaved(saved);
  };

  return (
    <form className="form access-form" onSubmit={(e) => void submit(e)} noValidate aria-label={`Access for ${agent.name}`}>
      <fieldset className="fieldset">
        <legend>May use</legend>
        <label className="choice">
          <input type="radio" name={`${id}-scope`} checked={every} onChange={() => setEvery(true)} />
          <span>Every mapping, those added later too</span>
        </label>
        <label className="choice">
          <input type="radio" name={`${id}-scope`} checked={!every} onChange={() => setEvery(false)} aria-describedby={problem ? `${id}-problem` : undefined} />
          <span>Only these</span>
        </label>
        {!every && (
          <ul className="choice-list" aria-label={`Mappings ${agent.name} may use`}>
            {(mappings ?? []).map((m) => (
              <li key={m.name}>
                <label className="choice">
                  <input type="checkbox" checked={chosen.includes(m.name)} onChange={(e) => toggle(m.name, e.target.checked)} />
                  <span className="mono">{m.name}</span>
                  {m.methods && <span className="small muted">{m.methods.join(', ')}</span>}
                </label>
              </li>
            ))}
            {mappings && mappings.length === 0 && <li className="small muted">No mappings yet: add one under Mappings.</li>}
          </ul>
        )}
        <FieldProblem id={`${id}-problem`} problem={problem} />
      </fieldset>
      <SwitchField label="Ask before its first use of each mapping" checked={ask} onChange={setAsk} />
      {ask && approved.length > 0 && (
        <div className="fieldset">
          <p className="small">Allowed always, without asking:</p>
          <ul className="choice-list" aria-label={`Mappings ${agent.name} may use without asking`}>
            {approved.map((m) => (
              <li key={m} className="choice">
                <span className="mono">{m}</span>
                <ActionButton small variant="plain" aria-label={`Ask again for ${m}`} onClick={() => setApproved((list) => list.filter((x) => x !== m))}>
                  Ask again
                </ActionButton>
              </li>
            ))}
          </ul>
        </div>
      )}
      <ErrorNote error={save.error} />
      <div className="form-actions">
        <ActionButton onClick={onCancel}>Cancel</ActionButton>
        <ActionButton type="submit" variant="primary" busy={save.busy} busyLabel="Saving…">
          Save access
        </ActionButton>
      </div>
    </form>
  );
}
