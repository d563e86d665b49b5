import { useLive } from '../../api/live-state.js';
import { BusyNote, ErrorNote } from '../../components/notes.js';
import { CopyBlock } from '../../components/copy-block.js';
import { ScreenHead } from '../screen-head.js';
import { PortForm } from './port-form.js';
import { PreferenceToggles } from './preference-toggles.js';
import { LogSection } from './log-section.js';
import { ResetSection } from './reset-section.js';
import { UpstreamTrust } from './upstream-trust.js';

/** Port, login item, updates, upstream trust, where the data and the log live, and a reset. */
export function SettingsScreen({ onReset }: { onReset(): void }) {
  const { settings, settingsError, status } = useLive();
  if (!settings) return settingsError ? <ErrorNote error={settingsError} /> : <BusyNote>Loading settings…</BusyNote>;
  return (
    <>
      <ScreenHead title="Settings" />
      <PortForm settings={settings} runningPort={status?.gateway.state === 'running' ? status.gateway.port : undefined} />
      <PreferenceToggles settings={settings} />
      <UpstreamTrust settings={settings} />
      <section className="card card-padded" aria-labelledby="data-title">
        <h2 id="data-title">Data folder</h2>
        <p className="small muted">Settings, the local CA and its bundle. Secrets stay in the keychain.</p>
        <CopyBlock label="Path" text={settings.dataDir} />
      </section>
      <LogSection settings={settings} />
      <ResetSection onReset={onReset} />
    </>
  );
}
