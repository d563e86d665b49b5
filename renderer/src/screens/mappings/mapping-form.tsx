import { useId, useState, type FormEvent } from 'react';
import type { MappingView } from '../../../../src/shared/control-api.js';
import { headerNameProblem, valueTemplateProblem } from '../../../../src/shared/header-rule.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ErrorNote } from '../../components/notes.js';
import { SecretPicker } from '../../components/secret-picker.js';
import { TextField } from '../../components/text-field.js';

/** Methods as typed (`get, POST`): each once, upper-case; a problem sentence for anything else. */
export function parseMethods(raw: string): { methods: string[] } | { problem: string } {
  const methods: string[] = [];
  for (const m of raw.split(/[\s,]+/).filter(Boolean)) {
    if (!/^[A-Za-z]{1,20}$/.test(m)) return { problem: `“${m.slice(0, 30)}” is not an HTTP method: use names such as GET, POST.` };
    if (!methods.includes(m.toUpperCase())) methods.push(m.toUpperCase());
  }
  return { methods };
}

/** A path prefix as typed: a plain path, no query, no dot segments; the core has the last word. */
export function pathProblem(raw: string): string | undefined {
  if (/[?#\s\\]/.test(raw)) return 'Use a plain path such as /v1/files: no query, fragment, spaces or backslashes.';
  if (raw.split('/').some((seg) => seg === '.' || seg === '..')) return 'A path prefix may not contain “.” or “..” segments.';
  return undefined;
}

/** A shared rule's sentence, as the form shows it: "The header must …". */
const asSentence = (problem: string) => `${problem.charAt(0).toUpperCase()}${problem.slice(1)}.`;

interface Props {
  /** Editing replaces this mapping (same host); without it, a new one is added. */
  readonly editing?: MappingView;
  readonly submitLabel: string;
  onSaved(mapping: MappingView): void;
  onCancel?(): void;
}

type Problems = Partial<Record<'host' | 'reference' | 'header' | 'template' | 'path' | 'methods', string>>;

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
  const [path, setPath] = useState(editing?.path ?? '');
  const [methods, setMethods] = useState(editing?.methods?.join(', ') ?? '');
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
    const pathFound = path.trim() ? pathProblem(path.trim()) : undefined;
    if (pathFound) found.path = pathFound;
    const parsedMethods = parseMethods(methods);
    if ('problem' in parsedMethods) found.methods = parsedMethods.problem;
    setProblems(found);
    if (Object.keys(found).length) return;
    const saved = await save.run({
      host: host.trim(),
      reference,
      ...(header.trim() ? { header: header.trim() } : {}),
      ...(template.trim() ? { template: template.trim() } : {}),
      ...(path.trim() ? { path: path.trim() } : {}),
      ...('methods' in parsedMethods && parsedMethods.methods.length ? { methods: parsedMethods.methods } : {}),
      ...(editing ? { replace: true } : {}),
    });
    if (saved) onSaved(saved);
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} noValidate>
      {editing ? (
        <p className="form-fixed">
          <span className="muted">Host</span> <strong>{editing.host}</strong>
          {editing.path && (
            <>
              <span className="muted">Path</span> <strong>{editing.path}</strong>
            </>
          )}
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

      <details className="disclosure" open={Boolean(editing?.path ?? editing?.methods)}>
        <summary>Path and methods (optional)</summary>
        <p className="hint">
          Without them, every request to the host gets the secret. With them, only matching requests do; a host can have one mapping per path, and the longest
          matching path wins.
        </p>
        {!editing && (
          <TextField
            id={`${id}-path`}
            label="Path prefix"
            value={path}
            onChange={setPath}
            placeholder="/repos/acme"
            hint="Requests under this path, such as /repos/acme/… ."
            problem={problems.path}
            autoComplete="off"
            spellCheck={false}
          />
        )}
        <TextField
          id={`${id}-methods`}
          label="Methods"
          value={methods}
          onChange={setMethods}
          placeholder="GET, HEAD"
          hint="Only these methods get the secret; leave empty for every method."
          problem={problems.methods}
          autoComplete="off"
          spellCheck={false}
        />
      </details>

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
