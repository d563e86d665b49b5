import { useState } from 'react';
import type { ControlResult } from '../../../../src/shared/control-api.js';
import { mappingName } from '../../../../src/shared/mapping-path.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ErrorNote } from '../../components/notes.js';
import { ShapeLine } from './shape-line.js';

type Suggestion = ControlResult<'import.suggestions'>[number];

/** 1Password items whose website is an unmapped host: one click maps each, with its service's preset when the catalog knows the host. */
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
            <SuggestionRow key={`${mappingName(s.host, s.path)} ${s.reference}`} suggestion={s} onAdded={onAdded} />
          ))}
        </ul>
      )}
    </section>
  );
}

function SuggestionRow({ suggestion: s, onAdded }: { suggestion: Suggestion; onAdded(host: string): void }) {
  const add = useAction('mappings.add');
  const [done, setDone] = useState(false);
  const name = mappingName(s.host, s.path);
  return (
    <li className="list-row">
      <div className="row-main">
        <strong className="host">{name}</strong>
        <span className="small muted">
          {s.vault} › {s.item}
        </span>
        <span className="mono small muted">{s.reference}</span>
        <ShapeLine before={s.service} rule={s.rule} route={s.route} />
        <ErrorNote error={add.error} />
      </div>
      <ActionButton
        small
        busy={add.busy}
        busyLabel="Adding…"
        aria-disabled={done || undefined}
        aria-label={`Add ${name}`}
        onClick={() =>
          // The shape shown is the shape saved: the service's preset for a catalog host, else the default.
          void add.run({ host: s.host, reference: s.reference, rule: s.rule, ...(s.path ? { path: s.path } : {}) }).then((m) => {
            if (!m) return;
            setDone(true);
            onAdded(m.name);
          })
        }
      >
        {done ? 'Added' : 'Add'}
      </ActionButton>
    </li>
  );
}
