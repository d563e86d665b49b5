import { useId, useState, type FormEvent } from 'react';
import { useLive } from '../../api/live-state.js';
import { useAction, useQuery } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { BusyNote, ErrorNote } from '../../components/notes.js';
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
  const create = useAction('agents.create');
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<string>();
  const [created, setCreated] = useState<string>();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (create.busy) return;
    const wanted = name.trim();
    const bad = AGENT_NAME.test(wanted) ? undefined : 'Use lower-case letters, digits, ".", "_" or "-" (up to 40), such as ci-bot.';
    setProblem(bad);
    if (bad) return;
    const agent = await create.run({ name: wanted });
    if (!agent) return;
    setName('');
    setCreated(agent.name);
    list.reload();
  };

  return (
    <>
      <ScreenHead title="Agents" />
      <p className="lead">Each agent gets its own token, so you can see what it used and cut it off alone.</p>
      <form className="card card-padded" onSubmit={(e) => void submit(e)} noValidate>
        <div className="inline-form">
          <TextField
            id={`${id}-name`}
            label="New agent"
            value={name}
            onChange={setName}
            placeholder="ci-bot"
            problem={problem}
            autoComplete="off"
            spellCheck={false}
          />
          <ActionButton type="submit" variant="primary" busy={create.busy} busyLabel="Creating…">
            Create
          </ActionButton>
        </div>
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
              activity={activity}
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
