import type { InputHTMLAttributes } from 'react';
import { Field, type FieldProps } from './field.js';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value' | 'id' | 'className'> &
  FieldProps & {
    readonly value: string;
    onChange(value: string): void;
    /** Machine text (a host, a header, a reference): no autocomplete, no spell check. */
    readonly verbatim?: boolean;
  };

/** A labelled input with an optional hint and problem ({@link Field}). */
export function TextField({ id, label, hint, problem, className, value, onChange, verbatim, ...rest }: Props) {
  return (
    <Field id={id} label={label} hint={hint} problem={problem} className={className}>
      {(control) => (
        <input
          {...(verbatim ? { autoComplete: 'off', spellCheck: false } : {})}
          {...rest}
          {...control}
          className="input"
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
