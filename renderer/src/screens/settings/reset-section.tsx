import { useState } from 'react';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';

/** Forget mappings, agents and the 1Password connection, after the user types "reset". */
export function ResetSection({ onReset }: { onReset(): void }) {
  const reset = useAction('settings.reset');
  const [confirming, setConfirming] = useState(false);
  return (
    <section className="card card-padded" aria-labelledby="reset-title">
      <h2 id="reset-title">Reset</h2>
      <p className="small muted">Forget every mapping, agent and the 1Password connection. Nothing in 1Password changes.</p>
      <ActionButton variant="danger" onClick={() => setConfirming(true)}>
        Reset OneCLI…
      </ActionButton>
      {confirming && (
        <ConfirmDialog
          title="Reset OneCLI?"
          confirmLabel="Reset"
          busyLabel="Resetting…"
          typeToConfirm="reset"
          busy={reset.busy}
          error={reset.error}
          onClose={() => {
            reset.reset();
            setConfirming(false);
          }}
          onConfirm={() =>
            void reset.run({ confirm: 'reset' }).then((r) => {
              if (!r) return;
              setConfirming(false);
              onReset();
            })
          }
        >
          <p>Every agent token stops working at once, and agents get no keys until you set OneCLI up again.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
