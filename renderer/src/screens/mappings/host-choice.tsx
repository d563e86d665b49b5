import { useId } from 'react';
import { describeRule } from '../../../../src/shared/header-rule.js';
import type { ProviderEntry } from '../../../../src/shared/providers.js';
import { Choice } from '../../components/choice.js';
import { FieldProblem } from '../../components/field.js';
import { TextField } from '../../components/text-field.js';
import { listingsOf, type HostSelection } from './mapping-targets.js';

interface Props {
  /** The chosen service; undefined: Other / custom host. */
  readonly entry: ProviderEntry | undefined;
  readonly value: HostSelection;
  onChange(value: HostSelection): void;
  /** For the hosts as a whole, and for the typed host. */
  readonly problem?: string | undefined;
  readonly hostProblem?: string | undefined;
}

/** The service's hosts, prefilled from its catalog entry, each with the shape it takes; or a host to type. */
export function HostChoice({ entry, value, onChange, problem, hostProblem }: Props) {
  const id = useId();
  const listings = entry ? listingsOf(entry) : [];
  const hostField = (
    <TextField
      label="Host"
      value={value.custom}
      onChange={(custom) => onChange({ ...value, custom })}
      placeholder="api.example.com"
      hint={entry ? `${entry.name}'s shape, on the host you name; add :port when it is not 443.` : 'The API host agents call; add :port when it is not 443.'}
      problem={hostProblem}
      verbatim
    />
  );
  if (listings.length === 0) return hostField;
  const toggle = (name: string, on: boolean) => onChange({ ...value, checked: on ? [...value.checked, name] : value.checked.filter((n) => n !== name) });
  return (
    <fieldset className="fieldset" aria-describedby={problem ? `${id}-problem` : undefined}>
      <legend>Hosts</legend>
      {listings.map((l) => (
        <Choice
          key={l.name}
          type="checkbox"
          label={<span className="mono">{l.name}</span>}
          detail={describeRule(l.rule)}
          checked={value.checked.includes(l.name)}
          onChange={(on) => toggle(l.name, on)}
        />
      ))}
      <Choice
        type="checkbox"
        label="Another host"
        detail="such as your own server"
        checked={value.another}
        onChange={(another) => onChange({ ...value, another })}
      />
      {value.another && hostField}
      <FieldProblem id={`${id}-problem`} problem={problem} />
    </fieldset>
  );
}
