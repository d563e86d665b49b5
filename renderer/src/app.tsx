import { useEffect, useState } from 'react';
import { ApiContext, useApi } from './api/api-context.js';
import { LiveProvider, useLive } from './api/live-state.js';
import { ActionButton } from './components/action-button.js';
import { BusyNote, ErrorNote } from './components/notes.js';
import { MainShell } from './screens/main-shell.js';
import { Onboarding } from './screens/onboarding/onboarding.js';
import { SignedOutScreen } from './screens/signed-out-screen.js';
import type { Connection } from './transport/index.js';
import type { ControlCallError } from './transport/control-call-error.js';

/** The root: signed out, or the launcher's UI over whichever transport this window has. */
export function App({ connection }: { connection: Connection }) {
  const [signedOut, setSignedOut] = useState<ControlCallError>();
  useEffect(() => connection.onSignedOut(setSignedOut), [connection]);
  // A used or expired link explains itself better than a generic "signed out".
  if (signedOut) return <SignedOutScreen error={connection.signInError ?? signedOut} />;
  return (
    <ApiContext.Provider value={connection.transport}>
      <LiveProvider>
        <Screens />
      </LiveProvider>
    </ApiContext.Provider>
  );
}

/**
 * First run (setup not finished or skipped, no 1Password source and no mapping) starts the
 * onboarding; the choice is made once, so connecting 1Password mid-way does not jump out of
 * it. Finishing or skipping is remembered (`onboarded`); a reset starts it again.
 */
function Screens() {
  const api = useApi();
  const { status, statusError, settings, settingsError, refreshStatus, setSettings } = useLive();
  const [mode, setMode] = useState<'onboarding' | 'main'>();
  useEffect(() => {
    if (mode === undefined && status && settings)
      setMode(!settings.onboarded && status.source.kind === 'none' && status.mappings === 0 ? 'onboarding' : 'main');
  }, [mode, status, settings]);
  const finishOnboarding = () => {
    setMode('main');
    void api.call('settings.update', { onboarded: true }).then(setSettings, () => undefined);
  };

  if (!mode || (!settings && !settingsError)) {
    return (
      <div className="app">
        <main className="content centered">
          <h1 className="visually-hidden">OneCLI</h1>
          {statusError ? (
            <>
              <ErrorNote error={statusError} />
              <ActionButton onClick={refreshStatus}>Try again</ActionButton>
            </>
          ) : (
            <BusyNote>Connecting to the launcher…</BusyNote>
          )}
        </main>
      </div>
    );
  }
  if (mode === 'onboarding') return <Onboarding onFinish={finishOnboarding} />;
  return <MainShell onReset={() => setMode('onboarding')} />;
}
