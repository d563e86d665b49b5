import { useId, useState, type ReactNode } from 'react';
import { FieldProblem } from './field.js';
import { SecretPicker, type ItemSite } from './secret-picker.js';
import { TextField } from './text-field.js';

export type SecretHow = 'pick' | 'type';

/** The secret chosen so far: how, and its reference ('' until there is one). */
export interface ChosenSecret {
  readonly how: SecretHow;
  readonly reference: string;
}

interface Props {
  readonly legend: ReactNode;
  /** Where it starts: a stored reference is shown typed, a new one starts at the 1Password picker. */
  readonly initial: ChosenSecret;
  onChange(secret: ChosenSecret): void;
  /** An item was picked; its website, when it has one. */
  onSite?(site: ItemSite | undefined): void;
  readonly problem?: string | undefined;
  readonly hint?: ReactNode;
}

/** A secret from 1Password (vault → item → field) or typed as op://… or local://…; what was typed stays either way. */
export function SecretChooser({ legend, initial, onChange, onSite, problem, hint }: Props) {
  const id = useId();
  const [how, setHow] = useState<SecretHow>(initial.how);
  const [picked, setPicked] = useState(initial.how === 'pick' ? initial.reference : '');
  const [typed, setTyped] = useState(initial.how === 'type' ? initial.reference : '');
  const choose = (next: SecretHow) => {
    setHow(next);
    onChange({ how: next, reference: next === 'pick' ? picked : typed.trim() });
  };
  return (
    <fieldset className="fieldset" aria-describedby={problem ? `${id}-problem` : undefined}>
      <legend>{legend}</legend>
      {hint && <p className="hint">{hint}</p>}
      <div className="segmented" role="radiogroup" aria-label="How to choose the secret">
        <label className="segment">
          <input type="radio" name={`${id}-how`} checked={how === 'pick'} onChange={() => choose('pick')} />
          <span>From 1Password</span>
        </label>
        <label className="segment">
          <input type="radio" name={`${id}-how`} checked={how === 'type'} onChange={() => choose('type')} />
          <span>Type a reference</span>
        </label>
      </div>
      {how === 'pick' ? (
        <SecretPicker
          reference={picked}
          onPick={(reference, site) => {
            setPicked(reference);
            onChange({ how: 'pick', reference });
            if (reference) onSite?.(site);
          }}
        />
      ) : (
        <TextField
          label="Reference"
          value={typed}
          onChange={(reference) => {
            setTyped(reference);
            onChange({ how: 'type', reference: reference.trim() });
          }}
          placeholder="op://Vault/Item/field"
          hint="op://vault/item/[section/]field from 1Password, or local://name for a secret kept by OneCLI."
          verbatim
        />
      )}
      <FieldProblem id={`${id}-problem`} problem={problem} />
      {how === 'pick' && picked && (
        <p className="hint">
          Reference <code>{picked}</code>
        </p>
      )}
    </fieldset>
  );
}

/** What to say when no secret was chosen, by how it is chosen. */
export function missingSecretProblem(how: SecretHow): string {
  return how === 'pick' ? 'Choose a vault, an item and a field.' : 'Enter a reference such as op://Vault/Item/field or local://name.';
}
