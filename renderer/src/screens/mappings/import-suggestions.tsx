import { useState } from 'react';
import type { ControlResult } from '../../../../src/shared/control-api.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ErrorNote } from '../../components/notes.js';

type Suggestion = ControlResult<'import.suggestions'>[number];

/** 1Password items whose website is an unmapped host: one click maps each. */
export function ImportSuggestions({ onAdded }: { onAdded(host: string): void }) {
  const find = useAction('import.suggestions');
  return (
    <section className="card card-padded" aria-labelledby="suggestions-title">
      <div className="card-head">
        <h2 id="suggestions-title">Suggestions from 1Password</h2>
        <ActionButton small busy={find.busy} busyLabel="Looking…" onClick={() => void find.run({})}>
          {find.result ? 'Look again' : 'Find'}
        </ActionButton>
      </div>
      {!find.result && <p className="small muted">Items with an API website you have not mapped yet.</p>}
      <ErrorNote error={find.error} />
      {find.result && find.result.length === 0 && <p className="small muted">No suggestions: every item with a website is mapped, or none has one.</p>}
      {find.result && find.result.length > 0 && (
        <ul className="list list-flush">
          {find.result.map((s) => (
            <SuggestionRow key={`${s.host} ${s.reference}`} suggestion={s} onAdded={onAdded} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SuggestionRow({ suggestion, onAdded }: { suggestion: Suggestion; onAdded(host: string): void }) {
  const add = useAction('mappings.add');
  const [done, setDone] = useState(false);
  return (
    <li className="list-row">
      <div className="row-main">
        <strong className="host">{suggestion.host}</strong>
        <span className="small muted">
          {suggestion.vault} › {suggestion.item}
        </span>
        <span className="mono small muted">{suggestion.reference}</span>
        <ErrorNote error={add.error} />
      </div>
      <ActionButton
        small
        busy={add.busy}
        busyLabel="Adding…"
        aria-disabled={done || undefined}
        aria-label={`Add ${suggestion.host}`}
        onClick={() =>
          void add.run({ host: suggestion.host, reference: suggestion.reference }).then((m) => {
            if (!m) return;
            setDone(true);
            onAdded(m.host);
          })
        }
      >
        {done ? 'Added' : 'Add'}
      </ActionButton>
    </li>
  );
}
