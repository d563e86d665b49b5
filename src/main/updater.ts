import electronUpdater from 'electron-updater';

const CHECK_EVERY_MS = 6 * 3600_000;

type UpdaterLog = { info(o: object, m?: string): void; warn(o: object, m?: string): void };

/**
 * Updates from GitHub releases (electron-updater reads app-update.yml written by
 * electron-builder). Squirrel.Mac accepts an update only if it is signed by the same team as
 * the running app, so an update never changes the identity TCC and the keychain trust.
 */
export function createUpdater(log: UpdaterLog, notify: (title: string, body: string) => void) {
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  let timer: NodeJS.Timeout | undefined;
  let downloaded: string | undefined;
  autoUpdater.on('update-downloaded', (info) => {
    downloaded = info.version;
    log.info({ version: info.version }, 'update downloaded; it installs when OneCLI quits');
    notify('OneCLI update ready', `Version ${info.version} installs when you quit OneCLI, or choose Restart to Update.`);
  });
  autoUpdater.on('error', (err) => log.warn({ err }, 'update check failed'));
  const check = () => void autoUpdater.checkForUpdates().catch(() => undefined);
  return {
    /** Follows the "check for updates" preference. */
    setEnabled(enabled: boolean) {
      if (timer) clearInterval(timer);
      timer = undefined;
      if (!enabled) return;
      check();
      timer = setInterval(check, CHECK_EVERY_MS);
      timer.unref();
    },
    /** The menu's "Check for Updates…": answers with a notification either way. */
    async checkNow() {
      try {
        const result = await autoUpdater.checkForUpdates();
        if (!result?.isUpdateAvailable) notify('OneCLI is up to date', 'You have the latest version.');
      } catch {
        notify('Could not check for updates', 'Check your network and try again.');
      }
    },
    get downloadedVersion() {
      return downloaded;
    },
    installNow: () => autoUpdater.quitAndInstall(),
  };
}
export type Updater = ReturnType<typeof createUpdater>;
