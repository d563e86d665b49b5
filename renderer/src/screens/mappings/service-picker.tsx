import { useId, useState } from 'react';
import { providerById } from '../../../../src/shared/providers.js';
import { Choice } from '../../components/choice.js';
import { FieldProblem } from '../../components/field.js';
import { TextField } from '../../components/text-field.js';
import { OTHER_SERVICE, filterCatalog, hostsSummary } from './mapping-targets.js';

interface Props {
  /** A catalog entry's id, OTHER_SERVICE, or undefined before one is chosen. */
  readonly value: string | undefined;
  onChange(service: string): void;
  readonly problem?: string | undefined;
}

/**
 * "Pick a service": the provider catalog (src/shared/providers.ts), narrowed as the user types,
 * and "Other / custom host". Native radios: Tab reaches the list, arrows move and choose.
 */
export function ServicePicker({ value, onChange, problem }: Props) {
  const id = useId();
  const [query, setQuery] = useState('');
  const shown = filterCatalog(query);
  const chosen = value && value !== OTHER_SERVICE ? providerById(value) : undefined;
  return (
    <fieldset className="fieldset" aria-describedby={problem ? `${id}-problem` : undefined}>
      <legend>Service</legend>
      <TextField type="search" label="Search services" value={query} onChange={setQuery} placeholder="GitHub, Stripe, api.groq.com…" verbatim />
      <div className="service-list">
        {shown.map((entry) => (
          <Choice
            key={entry.id}
            type="radio"
            name={`${id}-service`}
            label={entry.name}
            detail={hostsSummary(entry)}
            checked={value === entry.id}
            onChange={() => onChange(entry.id)}
          />
        ))}
        <Choice
          type="radio"
          name={`${id}-service`}
          label="Other / custom host"
          detail="any host you name"
          checked={value === OTHER_SERVICE}
          onChange={() => onChange(OTHER_SERVICE)}
        />
      </div>
      {shown.length === 0 && <p className="hint">No service matches “{query.trim()}”: choose Other / custom host.</p>}
      {chosen && !shown.includes(chosen) && <p className="hint">Chosen: {chosen.name}.</p>}
      <FieldProblem id={`${id}-problem`} problem={problem} />
    </fieldset>
  );
}
