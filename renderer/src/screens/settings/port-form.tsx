import { useId, useState, type FormEvent } from 'react';
import type { SettingsView } from '../../../../src/shared/control-api.js';
import { useLive } from '../../api/live-state.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ErrorNote, SuccessNote } from '../../components/notes.js';
import { TextField } from '../../components/text-field.js';

/** The gateway's port. Saving restarts the gateway on it; agents need their setup copied again. */
export function PortForm({ settings, runningPort }: { settings: SettingsView; runningPort: number | undefined }) {
  const id = useId();
  const { setSettings } = useLive();
  const update = useAction('settings.update');
  const [port, setPort] = useState(String(settings.gatewayPort));
  const [problem, setProblem] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (update.busy) return;
    const n = Number(port.trim());
    const bad = Number.isInteger(n) && n >= 1024 && n <= 65_535 ? undefined : 'Enter a whole number from 1024 to 65535.';
    setProblem(bad);
    if (bad) return;
    const saved = await update.run({ gatewayPort: n });
    if (saved) setSettings(saved);
  };
  const overridden = runningPort !== undefined && runningPort !== settings.gatewayPort;
  return (
    <form className="card card-padded" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Gateway</h2>
      <div className="inline-form">
        <TextField label="Port" inputMode="numeric" value={port} onChange={setPort} problem={problem} autoComplete="off" className="field-narrow" />
        <ActionButton type="submit" busy={update.busy} busyLabel="Restarting…">
          Save
        </ActionButton>
      </div>
      <p className="hint">Saving restarts the gateway on the new port; copy agent setups again afterwards.</p>
      {overridden && (
        <p className="hint">This run listens on {runningPort} because it was started with --port; the port above applies when it starts without it.</p>
      )}
      <ErrorNote error={update.error} />
      {update.result && <SuccessNote>Saved. The gateway uses port {update.result.gatewayPort}; see Status.</SuccessNote>}
    </form>
  );
}
