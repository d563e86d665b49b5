import { useId } from 'react';
import { MAX_HEADER_PARTS, describeRule } from '../../../../src/shared/header-rule.js';
import { mappingName } from '../../../../src/shared/mapping-path.js';
import { ActionButton } from '../../components/action-button.js';
import { FieldProblem } from '../../components/field.js';
import { SelectField } from '../../components/select-field.js';
import { TextField } from '../../components/text-field.js';
import type { Target } from './mapping-targets.js';
import { EMPTY_PART, SHAPE_KINDS, ruleOf, type HeaderPartDraft, type ShapeDraft, type ShapeKind, type ShapeProblems } from './shape-draft.js';

type TextKey = 'header' | 'template' | 'basic' | 'param';

/** The text fields of each one-value kind; Bearer and x-api-key have none, several headers their own rows. */
const KIND_FIELDS: Partial<Record<ShapeKind, readonly { key: TextKey; label: string; placeholder: string; hint?: string }[]>> = {
  custom: [
    { key: 'header', label: 'Header name', placeholder: 'x-api-key' },
    { key: 'template', label: 'Value template', placeholder: 'Bearer {value}', hint: '{value} is replaced by the secret.' },
  ],
  basic: [
    {
      key: 'basic',
      label: 'User and password',
      placeholder: 'x-access-token:{value}',
      hint: 'user:password with {value} for the secret, sent base64-encoded: x-access-token:{value} for git over HTTPS, {value}: for Stripe.',
    },
  ],
  query: [{ key: 'param', label: 'Query parameter', placeholder: 'key', hint: 'Requests get ?name=<secret>; a copy the agent sent is removed.' }],
};

interface Props {
  readonly draft: ShapeDraft;
  onChange(draft: ShapeDraft): void;
  readonly problems: ShapeProblems;
}

/**
 * How the secret goes into each request: every shape a mapping can have (a header, Bearer,
 * x-api-key, Basic from a template, a query parameter, several headers). Prefilled from the
 * service's preset or the stored mapping; the line under it says what the upstream gets.
 */
export function ShapeEditor({ draft, onChange, problems }: Props) {
  const set = (patch: Partial<ShapeDraft>) => onChange({ ...draft, ...patch });
  const made = ruleOf(draft);
  return (
    <fieldset className="fieldset">
      <legend>How the secret is sent</legend>
      <SelectField
        label="Sent as"
        value={draft.kind}
        onChange={(kind) => {
          const known = SHAPE_KINDS.find((k) => k.kind === kind);
          if (known) set({ kind: known.kind });
        }}
      >
        {SHAPE_KINDS.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.label}
          </option>
        ))}
      </SelectField>
      {(KIND_FIELDS[draft.kind] ?? []).map((f) => (
        <TextField
          key={f.key}
          label={f.label}
          value={draft[f.key]}
          onChange={(text) => set({ [f.key]: text })}
          placeholder={f.placeholder}
          hint={f.hint}
          problem={problems[f.key]}
          verbatim
        />
      ))}
      {draft.kind === 'headers' && <HeaderParts parts={draft.parts} onChange={(parts) => set({ parts })} problems={problems} />}
      {'rule' in made && (
        <p className="hint">
          Requests get <code>{describeRule(made.rule)}</code>
        </p>
      )}
    </fieldset>
  );
}

/** The headers of a several-header shape: a name and template each; each header's secret is chosen under Secret. */
function HeaderParts({ parts, onChange, problems }: { parts: readonly HeaderPartDraft[]; onChange(parts: HeaderPartDraft[]): void; problems: ShapeProblems }) {
  const id = useId();
  const setPart = (i: number, patch: Partial<HeaderPartDraft>) => onChange(parts.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <>
      {parts.map((part, i) => (
        <fieldset key={i} className="fieldset header-part">
          <legend>Header {i + 1}</legend>
          <TextField
            label="Header name"
            value={part.header}
            onChange={(header) => setPart(i, { header })}
            placeholder={i === 0 ? 'cf-access-client-id' : 'cf-access-client-secret'}
            problem={problems.part?.[i]?.header}
            verbatim
          />
          <TextField
            label="Value template"
            value={part.template}
            onChange={(template) => setPart(i, { template })}
            placeholder="{value}"
            problem={problems.part?.[i]?.template}
            verbatim
          />
          {parts.length > 2 && (
            <ActionButton small variant="plain" onClick={() => onChange(parts.filter((_, j) => j !== i))} aria-label={`Remove header ${i + 1}`}>
              Remove
            </ActionButton>
          )}
        </fieldset>
      ))}
      <FieldProblem id={`${id}-problem`} problem={problems.parts} />
      {parts.length < MAX_HEADER_PARTS && (
        <div className="form-actions form-actions-start">
          <ActionButton small onClick={() => onChange([...parts, EMPTY_PART])}>
            Add a header
          </ActionButton>
        </div>
      )}
    </>
  );
}

/** Several hosts at once: each gets its own service shape; one host at a time can be changed. */
export function EachHostShape({ targets }: { targets: readonly Target[] }) {
  return (
    <div className="fieldset">
      <p className="small">Each host gets its own shape:</p>
      <ul className="shape-list">
        {targets.map((t) => (
          <li key={mappingName(t.host, t.path)}>
            <span className="mono">{mappingName(t.host, t.path)}</span> <code>{describeRule(t.rule)}</code>
          </li>
        ))}
      </ul>
      <p className="hint">To change how the secret is sent, choose one host at a time.</p>
    </div>
  );
}
