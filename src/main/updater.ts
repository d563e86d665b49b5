import electronUpdater from 'electron-updater';

const CHECK_EVERY_MS = 6 * 3600_000;

/**
 * Updates from GitHub releases (electron-updater reads app-update.yml written by
 * electron-builder). Squirrel.Mac accepts an update only if it is signed by the same team as
 * the running app, so an update never changes the identity TCC and the keychain trust.
 */
export function startUpdater(log: { info(o: object, m?: string): void; warn(o: object, m?: string): void }): void {
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoDownload = true;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.on('update-downloaded', (info) => log.info({ version: info.version }, 'update downloaded; it installs when OneCLI quits'));
  autoUpdater.on('error', (err) => log.warn({ message: err.message.slice(0, 200) }, 'update check failed'));
  const check = () => void autoUpdater.checkForUpdates().catch(() => undefined);
  check();
  setInterval(check, CHECK_EVERY_MS).unref();
}
