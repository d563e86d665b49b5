import type { ReactNode, SelectHTMLAttributes } from 'react';
import { Field, type FieldProps } from './field.js';

type Props = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'onChange' | 'value' | 'id' | 'className' | 'children'> &
  FieldProps & {
    readonly value: string;
    onChange(value: string): void;
    /** The `<option>`s. */
    readonly children: ReactNode;
  };

/** A labelled select with an optional hint and problem ({@link Field}). */
export function SelectField({ id, label, hint, problem, className, value, onChange, children, ...rest }: Props) {
  return (
    <Field id={id} label={label} hint={hint} problem={problem} className={className}>
      {(control) => (
        <select {...rest} {...control} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
          {children}
        </select>
      )}
    </Field>
  );
}
