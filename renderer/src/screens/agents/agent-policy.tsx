import { useId, useState, type FormEvent } from 'react';
import { describeBlock, describeLimit, type RatePeriod } from '../../../../src/shared/agent-policy.js';
import type { AgentView, MappingView } from '../../../../src/shared/control-api.js';
import { EGRESS_PRESETS } from '../../../../src/shared/egress-presets.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ErrorNote } from '../../components/notes.js';

/** "any host", "its mappings and 3 hosts": where an agent may go, in a few words. */
export function egressSummary(agent: Pick<AgentView, 'egress'>): string {
  if (agent.egress.mode === 'open') return 'may reach any host';
  const n = agent.egress.hosts.length;
  return `reaches only its mappings${n ? ` and ${n} host${n === 1 ? '' : 's'}` : ''}`;
}

interface Props {
  readonly agent: AgentView;
  readonly mappings: readonly MappingView[] | undefined;
  onChanged(agent: AgentView): void;
}

/**
 * Where an agent may go and how often (issue 14): egress mode and allowlist (hosts one per line,
 * presets in one step), its rate limits, and the block rules of the mappings it may use (those
 * are the mapping's, for every agent: shown here, set with `mappings block`). Each part saves on
 * its own button, so one bad line never loses the others.
 */
export function AgentPolicy({ agent, mappings, onChanged }: Props) {
  const id = useId();
  const egress = useAction('agents.egress');
  const limit = useAction('agents.limit');
  const [mode, setMode] = useState(agent.egress.mode);
  const [hostsText, setHostsText] = useState(agent.egress.hosts.join('\n'));
  const [max, setMax] = useState('100');
  const [per, setPer] = useState<RatePeriod>('minute');
  const [target, setTarget] = useState('');

  const saveEgress = async (e: FormEvent) => {
    e.preventDefault();
    const wanted = hostsText
      .split(/[\n,]/)
      .map((h) => h.trim())
      .filter(Boolean);
    const add = wanted.filter((h) => !agent.egress.hosts.includes(h));
    const remove = agent.egress.hosts.filter((h) => !wanted.includes(h));
    const saved = await egress.run({ name: agent.name, mode, ...(add.length ? { add } : {}), ...(remove.length ? { remove } : {}) });
    if (saved) {
      setHostsText(saved.egress.hosts.join('\n'));
      onChanged(saved);
    }
  };
  const addPreset = async (preset: string) => {
    const saved = await egress.run({ name: agent.name, presets: [preset] });
    if (saved) {
      setHostsText(saved.egress.hosts.join('\n'));
      onChanged(saved);
    }
  };
  const addLimit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(max);
    const saved = await limit.run({ name: agent.name, max: n, per, ...(target ? { mapping: target } : {}) });
    if (saved) onChanged(saved);
  };
  const removeLimit = async (l: AgentView['limits'][number]) => {
    const saved = await limit.run({ name: agent.name, off: true, per: l.per, ...(l.mapping ? { mapping: l.mapping } : {}) });
    if (saved) onChanged(saved);
  };
  const inScope = (mappings ?? []).filter((m) => agent.allow === 'all' || agent.allow.includes(m.name));
  const blocked = inScope.filter((m) => m.blocks?.length);

  return (
    <div className="policy-panel">
      <form className="form" onSubmit={(e) => void saveEgress(e)} noValidate aria-label={`Egress for ${agent.name}`}>
        <fieldset className="fieldset">
          <legend>May reach</legend>
          <label className="choice">
            <input type="radio" name={`${id}-egress`} checked={mode === 'open'} onChange={() => setMode('open')} />
            <span>Any host (mapped hosts get their credential)</span>
          </label>
          <label className="choice">
            <input type="radio" name={`${id}-egress`} checked={mode === 'allowlist'} onChange={() => setMode('allowlist')} />
            <span>Only its mappings and these hosts</span>
          </label>
        </fieldset>
        <div className="field">
          <label htmlFor={`${id}-hosts`}>Allowed hosts, one per line</label>
          <textarea
            id={`${id}-hosts`}
            className="mono"
            rows={4}
            value={hostsText}
            spellCheck={false}
            aria-describedby={`${id}-hosts-hint`}
            onChange={(e) => setHostsText(e.target.value)}
          />
          <p className="small muted" id={`${id}-hosts-hint`}>
            registry.npmjs.org, *.githubusercontent.com (every name below it), 10.0.0.5:8443 (that port only). Without a port: 443 and 80.
          </p>
        </div>
        <div className="preset-row" role="group" aria-label="Add common hosts">
          {EGRESS_PRESETS.map((p) => (
            <ActionButton key={p.id} small title={p.description} onClick={() => void addPreset(p.id)}>
              Add {p.label}
            </ActionButton>
          ))}
        </div>
        <ErrorNote error={egress.error} />
        <div className="form-actions">
          <ActionButton type="submit" variant="primary" busy={egress.busy} busyLabel="Saving…">
            Save egress
          </ActionButton>
        </div>
      </form>

      <form className="form" onSubmit={(e) => void addLimit(e)} noValidate aria-label={`Rate limits for ${agent.name}`}>
        <p className="small">{agent.limits.length ? 'Rate limits (past one: 429, nothing sent):' : 'No rate limits.'}</p>
        {agent.limits.length > 0 && (
          <ul className="choice-list" aria-label={`Rate limits of ${agent.name}`}>
            {agent.limits.map((l) => (
              <li key={`${l.mapping ?? ''}-${l.per}`} className="choice">
                <span className="mono">{describeLimit(l)}</span>
                <ActionButton small variant="plain" aria-label={`Remove the limit ${describeLimit(l)}`} onClick={() => void removeLimit(l)}>
                  Remove
                </ActionButton>
              </li>
            ))}
          </ul>
        )}
        <div className="limit-row">
          <label htmlFor={`${id}-max`}>At most</label>
          <input id={`${id}-max`} type="number" min={1} inputMode="numeric" value={max} onChange={(e) => setMax(e.target.value)} />
          <label htmlFor={`${id}-per`}>requests per</label>
          <select id={`${id}-per`} value={per} onChange={(e) => setPer(e.target.value as RatePeriod)}>
            <option value="minute">minute</option>
            <option value="hour">hour</option>
            <option value="day">day</option>
          </select>
          <label htmlFor={`${id}-target`}>on</label>
          <select id={`${id}-target`} value={target} onChange={(e) => setTarget(e.target.value)}>
            <option value="">all its traffic</option>
            {(mappings ?? []).map((m) => (
              <option key={m.name} value={m.name}>
                {m.name}
              </option>
            ))}
          </select>
          <ActionButton type="submit" small busy={limit.busy} busyLabel="Saving…">
            Set limit
          </ActionButton>
        </div>
        <ErrorNote error={limit.error} />
      </form>

      <div className="fieldset">
        <p className="small">{blocked.length ? 'Never used, for any agent (block rules of its mappings):' : 'No block rules on the mappings it may use.'}</p>
        {blocked.length > 0 && (
          <ul className="choice-list" aria-label={`Block rules that apply to ${agent.name}`}>
            {blocked.map((m) => (
              <li key={m.name} className="small">
                <span className="mono">{m.name}</span>: {m.blocks!.map(describeBlock).join('; ')}
              </li>
            ))}
          </ul>
        )}
        <p className="small muted">Set them with onecli-launcher mappings block NAME --method DELETE [--path /prefix].</p>
      </div>
    </div>
  );
}
