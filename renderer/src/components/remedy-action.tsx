import { useState } from 'react';
import type { Remedy } from '../../../src/shared/remedy.js';
import { ConnectForms, useConnectForms } from '../screens/onboarding/connect-step.js';
import { ActionButton } from './action-button.js';
import { Dialog } from './dialog.js';

/** How the UI says each remedy: a button, where the CLI would print a command. */
const REMEDY_LABELS: Record<Remedy, string> = { 'connect-1password': 'Connect 1Password' };

/** The UI's own fix for a named remedy (src/shared/remedy.ts): a button that does it here. */
export function RemedyAction({ remedy }: { remedy: Remedy | undefined }) {
  const [open, setOpen] = useState(false);
  if (!remedy) return null;
  return (
    <>
      <button type="button" className="link-button" onClick={() => setOpen(true)}>
        {REMEDY_LABELS[remedy]}
      </button>
      {open && remedy === 'connect-1password' && <ConnectDialog onClose={() => setOpen(false)} />}
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
