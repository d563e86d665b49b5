import type { SettingsView } from '../../../../src/shared/control-api.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { CopyBlock } from '../../components/copy-block.js';
import { ErrorNote } from '../../components/notes.js';

/** Where the launcher writes its log ("see its log" means this file). Never a secret in it. */
export function LogSection({ settings }: { settings: SettingsView }) {
  const reveal = useAction('system.revealLog');
  if (!settings.logFile) return null;
  return (
    <section className="card card-padded" aria-labelledby="log-title" id="log">
      <h2 id="log-title">Log</h2>
      <p className="small muted">What the launcher did and why something failed: hosts and mappings, never a key or a token. Older files rotate beside it.</p>
      {settings.capabilities.revealFiles ? (
        <>
          <p className="small mono">{settings.logFile}</p>
          <ActionButton busy={reveal.busy} onClick={() => void reveal.run({})}>
            Show in Finder
          </ActionButton>
        </>
      ) : (
        <CopyBlock label="Log file" text={settings.logFile} />
      )}
      <ErrorNote error={reveal.error} />
    </section>
  );
}
