import { useState, type FormEvent, type RefObject } from 'react';
import { useLive } from '../../api/live-state.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ErrorNote, SuccessNote } from '../../components/notes.js';
import { TextField } from '../../components/text-field.js';

/** The two ways to connect 1Password and what came of them: shared by onboarding and the Connect 1Password dialog. */
export function useConnectForms() {
  const { status } = useLive();
  const desktop = useAction('pair.desktop');
  const account = useAction('pair.serviceAccount');
  const [token, setToken] = useState('');
  const connected = desktop.result
    ? `Connected to the 1Password app (${desktop.result.vaults} vault${desktop.result.vaults === 1 ? '' : 's'} visible).`
    : account.result
      ? `Connected with the service account (${account.result.vaults} vault${account.result.vaults === 1 ? '' : 's'} visible).`
      : status?.source.kind === 'desktop'
        ? 'Connected to the 1Password app.'
        : status?.source.kind === 'service-account'
          ? 'Connected with a service account.'
          : undefined;
  return { desktop, account, token, setToken, connected };
}

/** The desktop app (through op) or a service-account token, checked before it is kept. */
export function ConnectForms({ forms }: { forms: ReturnType<typeof useConnectForms> }) {
  const { desktop, account, token, setToken, connected } = forms;

  const submitToken = async (e: FormEvent) => {
    e.preventDefault();
    if (!token.trim() || account.busy) return;
    desktop.reset();
    // The token leaves this window's memory once the launcher has it in the keychain.
    if (await account.run({ token })) setToken('');
  };

  return (
    <>
      <div className="card card-padded">
        <h2>The 1Password app</h2>
        <p className="small muted">Uses the 1Password CLI with app integration: you approve with Touch ID or your password.</p>
        <ActionButton
          variant="primary"
          busy={desktop.busy}
          busyLabel="Connecting…"
          onClick={() => {
            account.reset();
            void desktop.run({});
          }}
        >
          Use the 1Password app
        </ActionButton>
        <ErrorNote error={desktop.error} />
      </div>

      <form className="card card-padded" onSubmit={(e) => void submitToken(e)}>
        <h2>A service account</h2>
        <TextField
          type="password"
          label="Service-account token"
          value={token}
          onChange={setToken}
          placeholder="ops_…"
          hint="Kept in the keychain, never shown again."
          verbatim
        />
        <ActionButton type="submit" busy={account.busy} busyLabel="Checking…" aria-disabled={!token.trim() || undefined}>
          Connect
        </ActionButton>
        <ErrorNote error={account.error} />
      </form>

      {connected && <SuccessNote>{connected}</SuccessNote>}
    </>
  );
}

/** Onboarding's step: connect 1Password, or skip it for now. */
export function ConnectStep({ heading, onNext }: { heading: RefObject<HTMLHeadingElement | null>; onNext(): void }) {
  const forms = useConnectForms();
  return (
    <section className="step" aria-labelledby="step-title">
      <h1 id="step-title" ref={heading} tabIndex={-1}>
        Connect 1Password
      </h1>
      <p className="lead">Agents get keys from 1Password through OneCLI, never directly. Choose how OneCLI reaches 1Password.</p>
      <ConnectForms forms={forms} />
      <div className="form-actions">
        <ActionButton variant={forms.connected ? 'primary' : 'secondary'} onClick={onNext}>
          {forms.connected ? 'Continue' : 'Skip for now'}
        </ActionButton>
      </div>
    </section>
  );
}
