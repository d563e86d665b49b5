import { useEffect, useRef, useState } from 'react';
import type { MappingView } from '../../../../src/shared/control-api.js';
import { useQuery } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { Icon } from '../../components/icons.js';
import { BusyNote, ErrorNote, SuccessNote } from '../../components/notes.js';
import { ScreenHead } from '../screen-head.js';
import { ImportSuggestions } from './import-suggestions.js';
import { MappingForm } from './mapping-form.js';
import { MappingRow } from './mapping-row.js';

type View = { kind: 'list' } | { kind: 'add' } | { kind: 'edit'; mapping: MappingView };

/** Hosts mapped to secrets: list, add, edit, test, remove, and suggestions from 1Password. */
export function MappingsScreen() {
  const list = useQuery('mappings.list', {});
  const [view, setView] = useState<View>({ kind: 'list' });
  const [saved, setSaved] = useState<string>();
  const formHeading = useRef<HTMLHeadingElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (view.kind !== 'list') formHeading.current?.focus();
  }, [view.kind]);

  const backToList = (message?: string) => {
    setSaved(message);
    setView({ kind: 'list' });
    list.reload();
    // Back where the user started: the Add button.
    requestAnimationFrame(() => addButton.current?.focus());
  };

  if (view.kind !== 'list') {
    const editing = view.kind === 'edit' ? view.mapping : undefined;
    return (
      <>
        <div className="screen-head">
          <button type="button" className="icon-button" onClick={() => backToList()} aria-label="Back to mappings">
            <Icon name="back" />
          </button>
          <h1 ref={formHeading} tabIndex={-1}>
            {editing ? `Edit ${editing.name}` : 'Add a mapping'}
          </h1>
        </div>
        <MappingForm
          key={editing?.name ?? 'new'}
          {...(editing ? { editing } : {})}
          submitLabel={editing ? 'Save' : 'Add mapping'}
          onSaved={(m) => backToList(editing ? `Saved ${m.name}.` : `Mapped ${m.name}: requests to it get the ${m.header} header.`)}
          onCancel={() => backToList()}
        />
      </>
    );
  }

  return (
    <>
      <ScreenHead title="Mappings">
        <ActionButton
          ref={addButton}
          small
          variant="primary"
          onClick={() => {
            setSaved(undefined);
            setView({ kind: 'add' });
          }}
        >
          Add
        </ActionButton>
      </ScreenHead>
      {saved && <SuccessNote>{saved}</SuccessNote>}
      {list.loading && !list.data && <BusyNote>Loading mappings…</BusyNote>}
      <ErrorNote error={list.error} />
      {list.data && list.data.length === 0 && <p className="empty">No mappings yet. Add one, or pick from the suggestions below.</p>}
      {list.data && list.data.length > 0 && (
        <ul className="card list" aria-label="Mappings">
          {list.data.map((m) => (
            <MappingRow key={m.name} mapping={m} onEdit={() => setView({ kind: 'edit', mapping: m })} onRemoved={() => backToList(`Removed ${m.name}.`)} />
          ))}
        </ul>
      )}
      <ImportSuggestions onAdded={(host) => backToList(`Mapped ${host}.`)} />
    </>
  );
}
