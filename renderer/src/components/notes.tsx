import type { ReactNode } from 'react';
import type { ControlCallError } from '../transport/control-call-error.js';
import { useRemedy } from './remedy-slot.js';

/** A failed call: its message is the fix, so it is shown as is. Announced when it appears. */
export function ErrorNote({ error, id }: { error: ControlCallError | undefined; id?: string }) {
  const remedy = useRemedy(error?.remedy);
  if (!error) return null;
  return (
    <p className="note note-error" role="alert" id={id} data-code={error.code}>
      {error.message}
      {remedy && <> {remedy}</>}
    </p>
  );
}

/** A call in flight. */
export function BusyNote({ children }: { children: ReactNode }) {
  return (
    <p className="note note-busy" role="status">
      <span className="spinner" aria-hidden="true" />
      {children}
    </p>
  );
}

export function SuccessNote({ children }: { children: ReactNode }) {
  return (
    <p className="note note-ok" role="status">
      {children}
    </p>
  );
}
