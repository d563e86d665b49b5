import { useId, type ReactNode } from 'react';

interface Props {
  readonly id?: string | undefined;
  readonly label: ReactNode;
  readonly checked: boolean;
  onChange(checked: boolean): void;
  readonly disabled?: boolean | undefined;
  /** Ids of notes that explain the switch (why it is off, what to do). */
  readonly describedBy?: string | undefined;
}

/** A labelled on/off switch: a checkbox drawn as a macOS toggle, on one row with its label. */
export function SwitchField({ id: given, label, checked, onChange, disabled, describedBy }: Props) {
  const made = useId();
  const id = given ?? made;
  return (
    <div className="toggle-row">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="checkbox"
        role="switch"
        className="switch"
        checked={checked}
        disabled={disabled}
        aria-describedby={describedBy}
        onChange={(e) => onChange(e.target.checked)}
      />
    </div>
  );
}
