import { useState, type FormEvent } from 'react';
import type { ControlParams, MappingView } from '../../../../src/shared/control-api.js';
import { presetForHost, providerById } from '../../../../src/shared/providers.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ErrorNote, SuccessNote } from '../../components/notes.js';
import { SecretChooser, missingSecretProblem, type ChosenSecret } from '../../components/secret-chooser.js';
import type { ItemSite } from '../../components/secret-picker.js';
import { HostChoice } from './host-choice.js';
import { OTHER_SERVICE, hostNameOf, initialHosts, ruleForHost, serviceForSite, targetsOf, typesHost, type HostSelection } from './mapping-targets.js';
import { PathAndMethods, parseMethods, pathProblem } from './path-methods.js';
import { ServicePicker } from './service-picker.js';
import { draftOf, ruleOf, type ShapeDraft, type ShapeProblems } from './shape-draft.js';
import { EachHostShape, ShapeEditor } from './shape-editor.js';

interface Props {
  /** Editing replaces this mapping (same host and path); without it, new ones are added. */
  readonly editing?: MappingView;
  readonly submitLabel: string;
  /** Every mapping the form saved (a service's several hosts are several mappings). */
  onSaved(mappings: readonly MappingView[]): void;
  onCancel?(): void;
}

interface Problems {
  service?: string;
  hosts?: string;
  host?: string;
  reference?: string;
  path?: string;
  methods?: string;
  shape?: ShapeProblems;
}

/**
 * Add or edit mappings: pick a service from the catalog (or Other / custom host), its hosts
 * prefilled from the preset, then the secret (a 1Password item, or a typed reference). How the
 * secret is sent shows every shape a mapping can have and is saved as data (`rule`), so an edit
 * keeps a stored shape unless it is changed. What was typed stays after any error.
 */
export function MappingForm({ editing, submitLabel, onSaved, onCancel }: Props) {
  const [service, setService] = useState<string>();
  const [hosts, setHosts] = useState<HostSelection>(initialHosts(undefined));
  // undefined: follow the service's preset for the chosen host; set once the user edits the shape.
  const [draft, setDraft] = useState<ShapeDraft | undefined>(editing && draftOf(editing.rule));
  const [secret, setSecret] = useState<ChosenSecret>({ how: editing ? 'type' : 'pick', reference: editing?.reference ?? '' });
  const [path, setPath] = useState<string>();
  const [methods, setMethods] = useState(editing?.methods?.join(', ') ?? '');
  const [problems, setProblems] = useState<Problems>({});
  const [savedSome, setSavedSome] = useState<readonly string[]>([]);
  const save = useAction('mappings.add');

  const entry = service && service !== OTHER_SERVICE ? providerById(service) : undefined;
  const targets = editing ? [{ host: editing.host, ...(editing.path ? { path: editing.path } : {}), rule: editing.rule }] : targetsOf(entry, hosts, path);
  const single = targets.length <= 1;
  const shape = draft ?? draftOf(targets[0]?.rule ?? ruleForHost(entry, hosts.custom, path));
  const pathText = editing || !single ? undefined : (path ?? targets[0]?.path ?? '');
  const parts = single && shape.kind === 'headers' ? shape.parts : [];

  const pickService = (next: string) => {
    setService(next);
    setHosts(initialHosts(next === OTHER_SERVICE ? undefined : providerById(next), hosts.custom));
    setDraft(undefined);
    setPath(undefined);
  };
  const changeHosts = (next: HostSelection) => {
    // Another host choice brings its own preset; typing a host keeps what was edited.
    if (next.checked !== hosts.checked || next.another !== hosts.another) {
      setDraft(undefined);
      setPath(undefined);
    }
    setHosts(next);
  };
  // An item picked before a service: its website names the service (or the host, under Other).
  const onSite = (site: ItemSite | undefined) => {
    if (editing || !site) return;
    if (!service) {
      const found = serviceForSite(site);
      setService(found ? found.entry.id : OTHER_SERVICE);
      setHosts(found ? { checked: [found.listing], another: false, custom: '' } : { ...initialHosts(undefined), custom: site.host });
    } else if (typesHost(entry, hosts) && !hosts.custom.trim()) setHosts({ ...hosts, custom: site.host });
  };

  const check = (): { problems: Problems; requests?: ControlParams<'mappings.add'>[] } => {
    const found: Problems = {};
    if (!editing && !service) found.service = 'Choose a service, or Other / custom host.';
    else if (!editing && typesHost(entry, hosts) && !hosts.custom.trim())
      found.host = hosts.another ? 'Enter the other host, or clear “Another host”.' : 'Enter the host agents call, such as api.example.com.';
    else if (targets.length === 0) found.hosts = 'Choose at least one host.';
    if (!secret.reference) found.reference = missingSecretProblem(secret.how);
    const made = single ? ruleOf(shape) : undefined;
    if (made && 'problems' in made) found.shape = made.problems;
    const pathFound = pathText?.trim() ? pathProblem(pathText.trim()) : undefined;
    if (pathFound) found.path = pathFound;
    const parsed = parseMethods(methods);
    if ('problem' in parsed) found.methods = parsed.problem;
    if (Object.keys(found).length || 'problem' in parsed) return { problems: found };
    const requests = targets.map((t) => {
      const prefix = pathText === undefined ? t.path : pathText.trim();
      return {
        host: t.host,
        reference: secret.reference,
        rule: made && 'rule' in made ? made.rule : t.rule,
        ...(prefix ? { path: prefix } : {}),
        ...(parsed.methods.length ? { methods: parsed.methods } : {}),
        ...(editing ? { replace: true } : {}),
      };
    });
    return { problems: found, requests };
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (save.busy) return;
    const { problems: found, requests } = check();
    setProblems(found);
    if (!requests) return;
    const saved: MappingView[] = [];
    for (const request of requests) {
      const mapping = await save.run(request);
      if (!mapping) break;
      saved.push(mapping);
    }
    if (saved.length === requests.length) return onSaved(saved);
    // The typed host comes last, so what was saved are listings: they leave the choice, and trying again adds the rest.
    const names = saved.map((m) => m.name);
    setSavedSome((before) => [...before, ...names]);
    if (names.length) setHosts({ ...hosts, checked: hosts.checked.filter((n) => !names.includes(n)) });
  };

  const service0 = editing && presetForHost(hostNameOf(editing.host), editing.path)?.entry.name;
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
          {service0 && <span className="muted">{service0}</span>}
        </p>
      ) : (
        <>
          <ServicePicker value={service} onChange={pickService} problem={problems.service} />
          {service && <HostChoice entry={entry} value={hosts} onChange={changeHosts} problem={problems.hosts} hostProblem={problems.host} />}
        </>
      )}
      {(editing || service) &&
        (single ? <ShapeEditor draft={shape} onChange={setDraft} problems={problems.shape ?? {}} /> : <EachHostShape targets={targets} />)}

      <SecretChooser
        legend={parts.length ? `Secret for ${parts[0]?.header || 'header 1'}` : 'Secret'}
        initial={secret}
        onChange={setSecret}
        onSite={onSite}
        problem={problems.reference}
      />
      {parts.slice(1).map((part, j) => (
        <SecretChooser
          key={`${service ?? ''} ${j}`}
          legend={`Secret for ${part.header || `header ${j + 2}`}`}
          initial={{ how: part.reference ? 'type' : 'pick', reference: part.reference }}
          onChange={(s) => setDraft({ ...shape, parts: shape.parts.map((p, i) => (i === j + 1 ? { ...p, reference: s.reference } : p)) })}
          problem={problems.shape?.part?.[j + 1]?.reference}
        />
      ))}

      <PathAndMethods
        path={pathText}
        onPath={setPath}
        methods={methods}
        onMethods={setMethods}
        problems={problems}
        open={Boolean(editing?.methods) || Boolean(pathText)}
      />

      {savedSome.length > 0 && <SuccessNote>Mapped {savedSome.join(', ')}.</SuccessNote>}
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
