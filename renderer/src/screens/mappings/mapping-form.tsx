import { useId, useState, type FormEvent } from 'react';
import type { MappingView } from '../../../../src/shared/control-api.js';
import { headerNameProblem, valueTemplateProblem } from '../../../../src/shared/header-rule.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ErrorNote } from '../../components/notes.js';
import { SecretPicker } from '../../components/secret-picker.js';
import { TextField } from '../../components/text-field.js';

/** A shared rule's sentence, as the form shows it: "The header must …". */
const asSentence = (problem: string) => `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`;

interface Props {
  /** Editing replaces this mapping (same host); without it, a new one is added. */
  readonly editing?: MappingView;
  readonly submitLabel: string;
  onSaved(mapping: MappingView): void;
  onCancel?(): void;
}

type Problems = Partial<Record<'host' | 'reference' | 'header' | 'template', string>>;

/**
 * Add or edit a mapping: a host, the secret (picked from 1Password or typed as op://… or
 * local://…), and optionally the header it goes in. What was typed stays after any error.
 */
export function MappingForm({ editing, submitLabel, onSaved, onCancel }: Props) {
  const id = useId();
  const custom = editing?.rule.type === 'custom' ? editing.rule : undefined;
  const [host, setHost] = useState(editing?.host ?? '');
  const [how, setHow] = useState<'pick' | 'type'>(editing ? 'type' : 'pick');
  const [picked, setPicked] = useState('');
  const [typed, setTyped] = useState(editing?.reference ?? '');
  const [header, setHeader] = useState(custom?.header ?? '');
  const [template, setTemplate] = useState(custom?.template ?? '');
  const [problems, setProblems] = useState<Problems>({});
  const save = useAction('mappings.add');
  const reference = how === 'pick' ? picked : typed.trim();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (save.busy) return;
    const found: Problems = {};
    if (!host.trim()) found.host = 'Enter the host agents call, such as api.anthropic.com.';
    if (!reference)
      found.reference = how === 'pick' ? 'Choose a vault, an item and a field.' : 'Enter a reference such as op://Vault/Item/field or local://name.';
    // The same rules and sentences as the core's `mappings add` (src/shared/header-rule.ts).
    const headerProblem = header.trim() ? headerNameProblem(header.trim()) : undefined;
    if (headerProblem) found.header = asSentence(headerProblem);
    const templateProblem = template.trim() ? valueTemplateProblem(template.trim()) : undefined;
    if (templateProblem) found.template = asSentence(templateProblem);
    setProblems(found);
    if (Object.keys(found).length) return;
    const saved = await save.run({
      host: host.trim(),
      reference,
      ...(header.trim() ? { header: header.trim() } : {}),
      ...(template.trim() ? { template: template.trim() } : {}),
      ...(editing ? { replace: true } : {}),
    });
    if (saved) onSaved(saved);
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate>
      {editing ? (
        <p className="form-fixed">
          <span className="muted">Host</span> <strong>{editing.host}</strong>
        </p>
      ) : (
        <TextField
          id={`${id}-host`}
          label="Host"
          value={host}
          onChange={setHost}
          placeholder="api.anthropic.com"
          hint="The API host agents call; add :port when it is not 443."
          problem={problems.host}
          autoComplete="off"
          spellCheck={false}
        />
      )}

      <fieldset className="fieldset">
        <legend>Secret</legend>
        <div className="segmented" role="radiogroup" aria-label="How to choose the secret">
          <label className="segment">
            <input type="radio" name={`${id}-how`} checked={how === 'pick'} onChange={() => setHow('pick')} />
            <span>From 1Password</span>
          </label>
          <label className="segment">
            <input type="radio" name={`${id}-how`} checked={how === 'type'} onChange={() => setHow('type')} />
            <span>Type a reference</span>
          </label>
        </div>
        {how === 'pick' ? (
          <SecretPicker
            reference={picked}
            onPick={(ref, suggested) => {
              setPicked(ref);
              if (ref && suggested && !host.trim() && !editing) setHost(suggested);
            }}
          />
        ) : (
          <TextField
            id={`${id}-ref`}
            label="Reference"
            value={typed}
            onChange={setTyped}
            placeholder="op://Vault/Item/field"
            hint="op://vault/item/[section/]field from 1Password, or local://name for a secret kept by OneCLI."
            autoComplete="off"
            spellCheck={false}
          />
        )}
        {problems.reference && <p className="problem">{problems.reference}</p>}
        {how === 'pick' && picked && (
          <p className="hint">
            Reference <code>{picked}</code>
          </p>
        )}
      </fieldset>

      <details className="disclosure" open={Boolean(custom)}>
        <summary>Header (optional)</summary>
        <p className="hint">By default api.anthropic.com gets x-api-key and every other host Authorization: Bearer.</p>
        <TextField
          id={`${id}-header`}
          label="Header name"
          value={header}
          onChange={setHeader}
          placeholder="authorization"
          problem={problems.header}
          autoComplete="off"
          spellCheck={false}
        />
        <TextField
          id={`${id}-template`}
          label="Value template"
          value={template}
          onChange={setTemplate}
          placeholder="Bearer {value}"
          hint="{value} is replaced by the secret."
          problem={problems.template}
          autoComplete="off"
          spellCheck={false}
        />
      </details>

      <ErrorNote error={save.error} />
      <div className="form-actions">
        {onCancel && <ActionButton onClick={onCancel}>Cancel</ActionButton>}
        <ActionButton type="submit" variant="primary" busy={save.busy} busyLabel="Saving…">
          {submitLabel}
        </ActionButton>
      </div>
    </form>
  );
}
