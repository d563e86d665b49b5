import { useId, useState, type FormEvent } from 'react';
import type { SettingsView } from '../../../../src/shared/control-api.js';
import { useLive } from '../../api/live-state.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ErrorNote, SuccessNote } from '../../components/notes.js';
import { TextField } from '../../components/text-field.js';

/**
 * A corporate CA the gateway should trust when it talks to the real hosts (a proxy that
 * re-signs TLS). The app chooses the file in a dialog; headless, the path is typed. The
 * launcher checks it (readable, PEM certificates only) and restarts the gateway with it.
 */
export function UpstreamTrust({ settings }: { settings: SettingsView }) {
  const id = useId();
  const { setSettings } = useLive();
  const update = useAction('settings.update');
  const choose = useAction('settings.chooseExtraCa');
  const [typed, setTyped] = useState(settings.extraCa.file ?? '');
  const [problem, setProblem] = useState<string>();
  const ca = settings.extraCa;
  const busy = update.busy || choose.busy;

  const save = async (extraCaFile: string | null) => {
    choose.reset();
    const saved = await update.run({ extraCaFile });
    if (saved) setSettings(saved);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const path = typed.trim();
    const bad = path === '' ? 'Enter the full path of the PEM file.' : path.startsWith('/') ? undefined : 'Enter the full path, starting with /.';
    setProblem(bad);
    if (!bad) await save(path);
  };
  const pick = async () => {
    update.reset();
    const result = await choose.run({});
    if (result) {
      setSettings(result.settings);
      if (result.settings.extraCa.file) setTyped(result.settings.extraCa.file);
    }
  };

  return (
    <section className="card card-padded" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Upstream trust</h2>
      <p className="small muted">
        A CA certificate your network re-signs TLS with (a corporate proxy). The gateway adds it to the public roots when it talks to the real hosts.
      </p>
      <p className="small" id={`${id}-state`} data-state={ca.state}>
        {ca.state === 'none' ? 'No extra CA chosen.' : ca.state === 'ok' ? `Using ${ca.file}: ${ca.detail}` : `Not used: ${ca.detail}`}
      </p>
      {ca.state === 'problem' && ca.fix && <p className="note note-warn">{ca.fix}</p>}
      {ca.launchFile && <p className="hint">This run also trusts {ca.launchFile} (from --extra-ca or NODE_EXTRA_CA_CERTS).</p>}
      {settings.capabilities.chooseFiles ? (
        <div className="form-actions form-actions-start">
          <ActionButton busy={choose.busy} busyLabel="Choosing…" onClick={() => void pick()} aria-describedby={`${id}-state`}>
            {ca.file ? 'Choose another file…' : 'Choose PEM file…'}
          </ActionButton>
          {ca.file && (
            <ActionButton variant="plain" busy={update.busy} busyLabel="Removing…" onClick={() => void save(null)}>
              Stop using it
            </ActionButton>
          )}
        </div>
      ) : (
        <form className="form" onSubmit={(e) => void submit(e)} noValidate>
          <TextField
            label="PEM file"
            value={typed}
            onChange={setTyped}
            problem={problem}
            placeholder="/etc/ssl/certs/corp-ca.pem"
            verbatim
            hint="The full path on the machine that runs the launcher."
          />
          <div className="form-actions form-actions-start">
            <ActionButton type="submit" busy={update.busy} busyLabel="Checking…">
              Use this file
            </ActionButton>
            {ca.file && (
              <ActionButton variant="plain" onClick={() => void save(null)}>
                Stop using it
              </ActionButton>
            )}
          </div>
        </form>
      )}
      <ErrorNote error={update.error ?? choose.error} />
      {(update.result || choose.result?.chosen) && !busy && (
        <SuccessNote>{ca.file ? 'Saved. The gateway restarted with this CA.' : 'Saved. The gateway restarted without an extra CA.'}</SuccessNote>
      )}
    </section>
  );
}
