import { useId, type ReactNode } from 'react';

/** What the control inside a {@link Field} is given: its id, and its hint and problem tied to it. */
export interface FieldControl {
  readonly id: string;
  readonly 'aria-describedby': string | undefined;
  readonly 'aria-invalid': true | undefined;
}

export interface FieldProps {
  /** The control's id; one is made when absent. */
  readonly id?: string | undefined;
  readonly label: ReactNode;
  readonly hint?: ReactNode;
  /** A problem with what was given; the control keeps it as it was. */
  readonly problem?: string | undefined;
  readonly className?: string | undefined;
}

/**
 * One labelled field: the label, the control, an optional hint and problem, both tied to the
 * control for screen readers. Text fields, selects and the mapping form's fields are all this.
 */
export function Field({ id: given, label, hint, problem, className, children }: FieldProps & { children(control: FieldControl): ReactNode }) {
  const made = useId();
  const id = given ?? made;
  const described = [hint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', className ?? ''].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': described, 'aria-invalid': problem ? true : undefined })}
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      <FieldProblem id={`${id}-problem`} problem={problem} />
    </div>
  );
}

/** A problem sentence under a field or a group of choices; `id` is what the control's aria-describedby names. */
export function FieldProblem({ id, problem }: { id: string; problem: string | undefined }) {
  if (!problem) return null;
  return (
    <p className="problem" id={id}>
      {problem}
    </p>
  );
}
