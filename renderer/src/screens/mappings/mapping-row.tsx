import { useState } from 'react';
import type { MappingView } from '../../../../src/shared/control-api.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ProbeOutcome, TestOutcome } from '../../components/check-results.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ErrorNote } from '../../components/notes.js';
import { ShapeLine } from './shape-line.js';

/** One mapping: where its secret comes from, how it is sent; Test (resolve, masked), Test a request (through the gateway), Edit, Remove. */
export function MappingRow({ mapping, onEdit, onRemoved }: { mapping: MappingView; onEdit(): void; onRemoved(): void }) {
  const test = useAction('mappings.test');
  const probe = useAction('mappings.probe');
  const remove = useAction('mappings.remove');
  const [confirming, setConfirming] = useState(false);
  return (
    <li className="list-row mapping-row">
      <div className="row-main">
        <strong className="host">{mapping.name}</strong>
        <span className="mono small muted">{mapping.reference}</span>
        <ShapeLine before={mapping.methods && `${mapping.methods.join(', ')} only`} rule={mapping.rule} route={mapping.route} />
      </div>
      <div className="row-actions" role="group" aria-label={`Actions for ${mapping.name}`}>
        <ActionButton small busy={test.busy} busyLabel="Testing…" onClick={() => void test.run({ host: mapping.name })}>
          Test
        </ActionButton>
        <ActionButton small busy={probe.busy} busyLabel="Sending…" onClick={() => void probe.run({ host: mapping.name })}>
          Test a request
        </ActionButton>
        <ActionButton small onClick={onEdit}>
          Edit
        </ActionButton>
        <ActionButton small variant="danger" onClick={() => setConfirming(true)}>
          Remove
        </ActionButton>
      </div>
      <div className="row-result">
        <ErrorNote error={test.error} />
        {test.result && <TestOutcome result={test.result} />}
        <ErrorNote error={probe.error} />
        {probe.result && <ProbeOutcome result={probe.result} />}
      </div>
      {confirming && (
        <ConfirmDialog
          title={`Remove ${mapping.name}?`}
          confirmLabel="Remove"
          busyLabel="Removing…"
          busy={remove.busy}
          error={remove.error}
          onClose={() => {
            remove.reset();
            setConfirming(false);
          }}
          onConfirm={() =>
            void remove.run({ host: mapping.name }).then((r) => {
              if (!r) return;
              setConfirming(false);
              onRemoved();
            })
          }
        >
          <p>
            Agents calling {mapping.name} will no longer get a key added, and agents allowed to use it lose it from their access. The secret stays in 1Password.
          </p>
        </ConfirmDialog>
      )}
    </li>
  );
}
