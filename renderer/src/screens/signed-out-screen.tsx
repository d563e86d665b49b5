import type { ControlCallError } from '../transport/control-call-error.js';

/** The headless UI's session is gone (used link, launcher restarted): how to get a new one. */
export function SignedOutScreen({ error }: { error: ControlCallError }) {
  return (
    <div className="app">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          OneCLI
        </div>
      </header>
      <main className="content centered">
        <h1>Sign in again</h1>
        <p className="lead">
          In a terminal, run <code>onecli-launcher ui</code> and open the link it prints.
        </p>
        <p className="note note-error" role="alert">
          {error.message}
        </p>
      </main>
    </div>
  );
}
