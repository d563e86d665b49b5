import { useId, type ReactNode } from 'react';

interface Props {
  readonly type: 'radio' | 'checkbox';
  /** The radio group's name. */
  readonly name?: string;
  readonly label: ReactNode;
  /** A line under the label: tied to the control as its description, not part of its name. */
  readonly detail?: ReactNode;
  readonly checked: boolean;
  onChange(checked: boolean): void;
  readonly className?: string;
}

/** One radio or checkbox with its label and an optional detail line (the service list, a service's hosts). */
export function Choice({ type, name, label, detail, checked, onChange, className }: Props) {
  const id = useId();
  return (
    <div className={['choice-item', className ?? ''].filter(Boolean).join(' ')}>
      <label className="choice">
        <input type={type} name={name} checked={checked} aria-describedby={detail ? `${id}-detail` : undefined} onChange={(e) => onChange(e.target.checked)} />
        <span>{label}</span>
      </label>
      {detail && (
        <span className="choice-detail small muted" id={`${id}-detail`}>
          {detail}
        </span>
      )}
    </div>
  );
}
