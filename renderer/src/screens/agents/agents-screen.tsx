import { useId, useState, type FormEvent } from 'react';
import { useLive } from '../../api/live-state.js';
import { useAction, useQuery } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { BusyNote, ErrorNote } from '../../components/notes.js';
import { SwitchField } from '../../components/switch-field.js';
import { TextField } from '../../components/text-field.js';
import { ScreenHead } from '../screen-head.js';
import { AgentRow } from './agent-row.js';
import { AgentSetup } from './agent-setup.js';

const AGENT_NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/;

/** Agent tokens: create one per agent, copy its setup, see what it used, revoke it. */
export function AgentsScreen() {
  const id = useId();
  const list = useQuery('agents.list', {});
  const { activity } = useLive();
  const mappings = useQuery('mappings.list', {});
  const create = useAction('agents.create');
  const [name, setName] = useState('');
  const [ask, setAsk] = useState(false);
  const [problem, setProblem] = useState<string>();
  const [created, setCreated] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (create.busy) return;
    const wanted = name.trim();
    const bad = AGENT_NAME.test(wanted) ? undefined : 'Use lower-case letters, digits, ".", "_" or "-" (up to 40), such as ci-bot.';
    setProblem(bad);
    if (bad) return;
    const agent = await create.run({ name: wanted, ...(ask ? { policy: 'ask' as const } : {}) });
    if (!agent) return;
    setName('');
    setAsk(false);
    setCreated(agent.name);
    list.reload();
  };

  return (
    <>
      <ScreenHead title="Agents" />
      <p className="lead">
        Each agent gets its own token, so you can see what it used and cut it off alone. Under Access, choose what it may use and whether it asks you first.
      </p>
      <form className="card card-padded" onSubmit={(e) => void submit(e)} noValidate>
        <div className="inline-form">
          <TextField id={`${id}-name`} label="New agent" value={name} onChange={setName} placeholder="ci-bot" problem={problem} verbatim />
          <ActionButton type="submit" variant="primary" busy={create.busy} busyLabel="Creating…">
            Create
          </ActionButton>
        </div>
        <SwitchField label="Ask before its first use of each mapping" checked={ask} onChange={setAsk} />
        <ErrorNote error={create.error} />
      </form>
      {created && (
        <div className="card card-padded">
          <p className="note note-ok" role="status">
            Created “{created}”. Copy its setup into the shell that runs it:
          </p>
          <AgentSetup agent={created} />
        </div>
      )}
      {list.loading && !list.data && <BusyNote>Loading agents…</BusyNote>}
      <ErrorNote error={list.error} />
      {list.data && list.data.length === 0 && <p className="empty">No agents yet.</p>}
      {list.data && list.data.length > 0 && (
        <ul className="card list" aria-label="Agents">
          {list.data.map((a) => (
            <AgentRow
              key={a.name}
              agent={a}
              mappings={mappings.data}
              activity={activity}
              onChanged={() => list.reload()}
              onRevoked={() => {
                if (created === a.name) setCreated(undefined);
                list.reload();
              }}
            />
          ))}
        </ul>
      )}
    </>
  );
}
