import { useId } from 'react';
import type { SettingsView } from '../../../../src/shared/control-api.js';
import { useLive } from '../../api/live-state.js';
import { useAction } from '../../api/use-call.js';
import { ErrorNote } from '../../components/notes.js';

/** Launch at login and updates: switches the shell may not support (headless has neither). */
export function PreferenceToggles({ settings }: { settings: SettingsView }) {
  const id = useId();
  const { setSettings } = useLive();
  const update = useAction('settings.update');
  const caps = settings.capabilities;
  const set = async (change: { launchAtLogin?: boolean; checkForUpdates?: boolean }) => {
    const saved = await update.run(change);
    if (saved) setSettings(saved);
  };
  return (
    <section className="card card-padded" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>App</h2>
      <div className="toggle-row">
        <label htmlFor={`${id}-login`}>Launch at login</label>
        <input
          id={`${id}-login`}
          type="checkbox"
          role="switch"
          className="switch"
          checked={settings.launchAtLogin}
          disabled={!caps.launchAtLogin || update.busy}
          aria-describedby={caps.launchAtLogin ? undefined : `${id}-login-note`}
          onChange={(e) => void set({ launchAtLogin: e.target.checked })}
        />
      </div>
      {!caps.launchAtLogin && (
        <p className="hint" id={`${id}-login-note`}>
          Only the menu-bar app can start at login. Headless, use your service manager (systemd, launchd).
        </p>
      )}
      <div className="toggle-row">
        <label htmlFor={`${id}-updates`}>Check for updates</label>
        <input
          id={`${id}-updates`}
          type="checkbox"
          role="switch"
          className="switch"
          checked={settings.checkForUpdates}
          disabled={!caps.updates || update.busy}
          aria-describedby={caps.updates ? undefined : `${id}-updates-note`}
          onChange={(e) => void set({ checkForUpdates: e.target.checked })}
        />
      </div>
      {!caps.updates && (
        <p className="hint" id={`${id}-updates-note`}>
          This install cannot update itself: update it the way you installed it (npm, Homebrew).
        </p>
      )}
      <ErrorNote error={update.error} />
    </section>
  );
}
