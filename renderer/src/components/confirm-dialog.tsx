import { useState, type ReactNode } from 'react';
import type { ControlCallError } from '../transport/control-call-error.js';
import { ActionButton } from './action-button.js';
import { Dialog } from './dialog.js';
import { ErrorNote } from './notes.js';
import { TextField } from './text-field.js';

interface Props {
  readonly title: string;
  readonly children: ReactNode;
  readonly confirmLabel: string;
  readonly busyLabel: string;
  readonly busy: boolean;
  readonly error: ControlCallError | undefined;
  /** The word the user must type before the action is allowed (a destructive reset). */
  readonly typeToConfirm?: string;
  onConfirm(): void;
  onClose(): void;
}

/** "Are you sure?" for destructive actions. The safe choice (Cancel) comes first and has focus. */
export function ConfirmDialog({ title, children, confirmLabel, busyLabel, busy, error, typeToConfirm, onConfirm, onClose }: Props) {
  const [typed, setTyped] = useState('');
  const allowed = typeToConfirm === undefined || typed.trim() === typeToConfirm;
  return (
    <Dialog title={title} onClose={onClose}>
      <div className="dialog-text">{children}</div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (allowed && !busy) onConfirm();
        }}
      >
        {typeToConfirm !== undefined && (
          <TextField
            label={
              <>
                Type <strong>{typeToConfirm}</strong> to confirm
              </>
            }
            value={typed}
            onChange={setTyped}
            verbatim
            autoFocus
          />
        )}
        <ErrorNote error={error} />
        <div className="dialog-actions">
          <ActionButton onClick={onClose} autoFocus={typeToConfirm === undefined}>
            Cancel
          </ActionButton>
          <ActionButton type="submit" variant="danger" busy={busy} busyLabel={busyLabel} aria-disabled={!allowed || undefined}>
            {confirmLabel}
          </ActionButton>
        </div>
      </form>
    </Dialog>
  );
}
