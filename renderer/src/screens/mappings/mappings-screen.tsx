import { useEffect, useRef, useState } from 'react';
import type { MappingView } from '../../../../src/shared/control-api.js';
import { describeRule } from '../../../../src/shared/header-rule.js';
import { useQuery } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { Icon } from '../../components/icons.js';
import { BusyNote, ErrorNote, SuccessNote } from '../../components/notes.js';
import { ScreenHead } from '../screen-head.js';
import { ImportSuggestions } from './import-suggestions.js';
import { MappingForm } from './mapping-form.js';
import { MappingRow } from './mapping-row.js';

type View = { kind: 'list' } | { kind: 'add' } | { kind: 'edit'; mapping: MappingView };

/** "Mapped github.com: requests to it get Basic x-access-token:<value>.", "Mapped github.com, api.github.com.", "Saved …". */
function savedMessage(saved: readonly MappingView[], edited: boolean): string {
  const names = saved.map((m) => m.name).join(', ');
  if (edited) return `Saved ${names}.`;
  const [only] = saved;
  return saved.length === 1 && only ? `Mapped ${only.name}: requests to it get ${describeRule(only.rule)}.` : `Mapped ${names}.`;
}

/** Hosts mapped to secrets: list, add, edit, test, remove, and suggestions from 1Password. */
export function MappingsScreen() {
  const list = useQuery('mappings.list', {});
  const [view, setView] = useState<View>({ kind: 'list' });
  const [saved, setSaved] = useState<string>();
  const formHeading = useRef<HTMLHeadingElement>(null);
  const addButton = useRef<HTMLButtonElement>(null);
  const returning = useRef(false);
  useEffect(() => {
    if (view.kind !== 'list') formHeading.current?.focus();
    // Back where the user started: the Add button, once the list is on screen again.
    else if (returning.current) addButton.current?.focus();
    returning.current = false;
  }, [view.kind]);

  const backToList = (message?: string) => {
    setSaved(message);
    // From a form, the effect above focuses Add once the list is back; on the list (a row removed), at once.
    if (view.kind === 'list') requestAnimationFrame(() => addButton.current?.focus());
    else returning.current = true;
    setView({ kind: 'list' });
    list.reload();
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
          onSaved={(saved) => backToList(savedMessage(saved, Boolean(editing)))}
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
