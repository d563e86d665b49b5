import { SYSTEM_LINKS, type ControlParams, type ControlResult, type ExtraCaView, type SettingsView, type SystemLink } from '../../shared/control-api.js';
import { ControlError } from '../control-error.js';
import type { GatewayHandle, ShellHooks } from '../core-deps.js';
import { readExtraCa, type ExtraCaRead } from '../upstream-trust.js';
import type { SettingsRepository } from './settings-repository.js';
import { readRecentLog } from '../logging/recent-log.js';

export interface SettingsServiceDeps {
  readonly settings: SettingsRepository;
  readonly dataDir: string;
  readonly gateway: Pick<GatewayHandle, 'restart'>;
  /** `--port` of this launch, which wins over the saved port. */
  readonly portOverride?: number | undefined;
  readonly launchExtraCaFile?: string | undefined;
  readonly logFile?: string | undefined;
  readonly shell?: ShellHooks | undefined;
}

/** The user's settings as the UI edits them, and what this shell can do about them (login item, file dialog, links, the log). */
export class SettingsService {
  constructor(private readonly deps: SettingsServiceDeps) {}

  view(): SettingsView {
    const { settings, shell, portOverride, logFile } = this.deps;
    const s = settings.get();
    // The system's answer, not our setting: users can remove or refuse the item in System Settings.
    const login = shell?.launchAtLogin?.get();
    return {
      gatewayPort: s.gateway.port,
      ...(portOverride !== undefined ? { portOverride } : {}),
      onboarded: s.preferences.onboarded,
      launchAtLogin: login?.enabled ?? s.preferences.launchAtLogin,
      ...(login?.status ? { launchAtLoginStatus: login.status } : {}),
      checkForUpdates: s.preferences.checkForUpdates,
      dataDir: this.deps.dataDir,
      extraCa: this.extraCaView(),
      ...(logFile ? { logFile } : {}),
      capabilities: {
        launchAtLogin: Boolean(shell?.launchAtLogin),
        updates: Boolean(shell?.updates),
        openLinks: Boolean(shell?.openExternal),
        chooseFiles: Boolean(shell?.chooseFile),
        revealFiles: Boolean(shell?.revealFile && logFile),
        platform: shell?.platform ?? process.platform,
      },
    };
  }

  async update(p: ControlParams<'settings.update'>): Promise<SettingsView> {
    const { settings, shell } = this.deps;
    const before = settings.get();
    // Checked before anything is kept: a file that is not PEM certificates is refused with the fix.
    const extraCaFile = p.extraCaFile === undefined ? before.upstream.extraCaFile : p.extraCaFile === null ? undefined : checkedExtraCa(p.extraCaFile);
    settings.update((s) => ({
      ...s,
      gateway: { port: p.gatewayPort ?? s.gateway.port },
      upstream: extraCaFile ? { extraCaFile } : {},
      preferences: {
        ...s.preferences,
        launchAtLogin: p.launchAtLogin ?? s.preferences.launchAtLogin,
        checkForUpdates: p.checkForUpdates ?? s.preferences.checkForUpdates,
        onboarded: p.onboarded ?? s.preferences.onboarded,
      },
    }));
    if (p.launchAtLogin !== undefined) shell?.launchAtLogin?.set(p.launchAtLogin);
    if (p.checkForUpdates !== undefined) shell?.onUpdatesPreference?.(p.checkForUpdates);
    const portChanged = p.gatewayPort !== undefined && p.gatewayPort !== before.gateway.port && this.deps.portOverride === undefined;
    // The gateway gets its trust in its configuration, so a chosen CA (new, or the same file renewed) takes a restart.
    const trustChanged = p.extraCaFile !== undefined && (extraCaFile !== undefined || before.upstream.extraCaFile !== undefined);
    if (portChanged || trustChanged) await this.deps.gateway.restart();
    return this.view();
  }

  /** The app's file dialog for the extra CA; the chosen file is checked and kept like `update`'s. */
  async chooseExtraCa(): Promise<ControlResult<'settings.chooseExtraCa'>> {
    const choose = this.deps.shell?.chooseFile;
    // 409, not 503: nothing is down, this surface (a browser) has no file dialog.
    if (!choose) throw new ControlError('conflict', 'This window cannot open a file dialog: type the path of the PEM file instead.');
    const file = await choose({ title: 'Choose the PEM file of your CA', extensions: ['pem', 'crt', 'cer'] });
    if (!file) return { chosen: false, settings: this.view() };
    return { chosen: true, settings: await this.update({ extraCaFile: file }) };
  }

  /**
   * The extra CA chosen in settings, read now (the file may have changed since it was chosen).
   * undefined when none is set.
   */
  chosenExtraCa(): ExtraCaRead | undefined {
    const file = this.deps.settings.get().upstream.extraCaFile;
    return file ? readExtraCa(file) : undefined;
  }

  /** Extra upstream trust as the UI and doctor show it. */
  extraCaView(): ExtraCaView {
    const read = this.chosenExtraCa();
    const launch = this.deps.launchExtraCaFile;
    const launchFile = launch ? { launchFile: launch } : {};
    if (!read) return { state: 'none', detail: launch ? 'none chosen in Settings' : "none: the gateway trusts Node's public roots", ...launchFile };
    if (!read.ok) return { file: read.file, state: 'problem', detail: read.problem, fix: read.fix, ...launchFile };
    return { file: read.file, state: 'ok', detail: `${read.subjects.length} certificate(s): ${read.subjects.join(', ')}`, ...launchFile };
  }

  /** Shows the launcher's own log file in Finder (the app only). */
  revealLog(): ControlResult<'system.revealLog'> {
    const { logFile: file, shell } = this.deps;
    if (!file || !shell?.revealFile) return { revealed: false, ...(file ? { file } : {}) };
    shell.revealFile(file);
    return { revealed: true, file };
  }

  /** The launcher log's last records, the gateway's among them, read back and redacted again (Doctor → Recent log). */
  recentLog(limit: number | undefined): ControlResult<'logs.recent'> {
    return readRecentLog(this.deps.logFile, limit);
  }

  /** A constant deep link (SYSTEM_LINKS), never a URL from input. */
  async openLink(link: SystemLink): Promise<{ opened: boolean }> {
    const open = this.deps.shell?.openExternal;
    if (!open) return { opened: false };
    await open(SYSTEM_LINKS[link]);
    return { opened: true };
  }
}

/** A path from the UI for the extra CA: absolute, readable, PEM certificates only; else invalid_params with the fix. */
function checkedExtraCa(file: string): string {
  const read = readExtraCa(file);
  if (!read.ok) throw new ControlError('invalid_params', `${read.problem} ${read.fix}`);
  return read.file;
}
