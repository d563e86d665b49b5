import { useState } from 'react';
import { useAction } from '../api/use-call.js';
import type { Remedy } from '../../../src/shared/remedy.js';
import { ConnectForms, useConnectForms } from '../screens/onboarding/connect-step.js';
import { useNavigate } from '../screens/navigation.js';
import type { ScreenId } from '../screens/screen-props.js';
import { ActionButton } from './action-button.js';
import { Dialog } from './dialog.js';

/**
 * How the UI says each remedy (src/shared/remedy.ts), where the CLI prints a command: a button
 * that does it here, or a link to the screen where it is done. `choose-op` has none (the app
 * finds op where 1Password installs it) and `replace-mapping` none (the form is already open:
 * its sentence says to edit or remove the existing one).
 */
const GO_TO: Partial<Record<Remedy, { screen: ScreenId; label: string }>> = {
  'choose-port': { screen: 'settings', label: 'Change the port in Settings' },
  'add-mappings': { screen: 'mappings', label: 'Open Mappings' },
  'open-doctor': { screen: 'doctor', label: 'Open Doctor' },
  'list-mappings': { screen: 'mappings', label: 'Open Mappings' },
  'create-agent': { screen: 'agents', label: 'Open Agents' },
};

/** The UI's own fix for a named remedy. */
export function RemedyAction({ remedy }: { remedy: Remedy | undefined }) {
  const navigate = useNavigate();
  if (remedy === 'connect-1password') return <ConnectAction />;
  if (remedy === 'restart-gateway') return <RestartAction />;
  const target = remedy ? GO_TO[remedy] : undefined;
  if (!target || !navigate) return null;
  return (
    <button type="button" className="link-button" onClick={() => navigate(target.screen)}>
      {target.label}
    </button>
  );
}

function RestartAction() {
  const restart = useAction('gateway.restart');
  return (
    <span>
      <ActionButton small busy={restart.busy} busyLabel="Restarting…" onClick={() => void restart.run({})}>
        Restart gateway
      </ActionButton>
      {restart.error && (
        <span className="note note-error" role="alert" data-code={restart.error.code}>
          {restart.error.message}
        </span>
      )}
    </span>
  );
}

function ConnectAction() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="link-button" onClick={() => setOpen(true)}>
        Connect 1Password
      </button>
      {open && <ConnectDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function ConnectDialog({ onClose }: { onClose(): void }) {
  const forms = useConnectForms();
  return (
    <Dialog title="Connect 1Password" onClose={onClose}>
      <ConnectForms forms={forms} />
      <div className="form-actions">
        <ActionButton variant={forms.connected ? 'primary' : 'secondary'} onClick={onClose}>
          {forms.connected ? 'Done' : 'Cancel'}
        </ActionButton>
      </div>
    </Dialog>
  );
}
