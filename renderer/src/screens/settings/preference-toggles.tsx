import { useId } from 'react';
import type { SettingsView } from '../../../../src/shared/control-api.js';
import { useLive } from '../../api/live-state.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ErrorNote } from '../../components/notes.js';
import { SwitchField } from '../../components/switch-field.js';

/** Launch at login and updates: switches the shell may not support (headless has neither). */
export function PreferenceToggles({ settings }: { settings: SettingsView }) {
  const id = useId();
  const { setSettings } = useLive();
  const update = useAction('settings.update');
  const caps = settings.capabilities;
  const openLink = useAction('system.openLink');
  const set = async (change: { launchAtLogin?: boolean; checkForUpdates?: boolean }) => {
    const saved = await update.run(change);
    if (saved) setSettings(saved);
  };
  // macOS registered the item but waits for the user: it is asked for, not on. Shown as on (what
  // the user chose), with what to do.
  const pending = settings.launchAtLoginStatus === 'requires-approval';
  const loginNote = !caps.launchAtLogin ? `${id}-login-note` : pending || settings.launchAtLoginStatus === 'not-found' ? `${id}-login-status` : undefined;
  return (
    <section className="card card-padded" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>App</h2>
      <SwitchField
        label="Launch at login"
        checked={settings.launchAtLogin || pending}
        disabled={!caps.launchAtLogin || update.busy}
        describedBy={loginNote}
        onChange={(on) => void set({ launchAtLogin: on })}
      />
      {pending && (
        <div className="note note-warn" id={`${id}-login-status`}>
          <p>Waiting for your approval: macOS will not open OneCLI at login until you allow it. In System Settings → General → Login Items, turn on OneCLI.</p>
          {caps.openLinks && (
            <ActionButton small busy={openLink.busy} onClick={() => void openLink.run({ link: 'loginItems' })}>
              Open Login Items
            </ActionButton>
          )}
        </div>
      )}
      {settings.launchAtLoginStatus === 'not-found' && (
        <p className="note note-warn" id={`${id}-login-status`}>
          macOS cannot find this copy of OneCLI to open at login. Move OneCLI to the Applications folder, open it from there, then turn this on again.
        </p>
      )}
      {!caps.launchAtLogin && (
        <p className="hint" id={`${id}-login-note`}>
          Only the menu-bar app can start at login. Headless, use your service manager (systemd, launchd).
        </p>
      )}
      <SwitchField
        label="Check for updates"
        checked={settings.checkForUpdates}
        disabled={!caps.updates || update.busy}
        describedBy={caps.updates ? undefined : `${id}-updates-note`}
        onChange={(on) => void set({ checkForUpdates: on })}
      />
      {!caps.updates && (
        <p className="hint" id={`${id}-updates-note`}>
          This install cannot update itself: update it the way you installed it (npm, Homebrew).
        </p>
      )}
      <ErrorNote error={update.error ?? openLink.error} />
    </section>
  );
}
