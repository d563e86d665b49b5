/**
 * OneCLI.app's main process: builds the core and the shell around it. Wiring only; each part
 * lives in its own module.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, protocol, screen, session, shell, Tray, utilityProcess } from 'electron';
import { SYSTEM_LINKS } from '../shared/control-api.js';
import { IPC } from '../shared/ipc-channels.js';
import { openCore } from '../core/open-core.js';
import { registerAppProtocol } from './app-protocol.js';
import { registerControlBridge } from './ipc-bridge.js';
import { loginItem } from './login-item.js';
import { createNotifier } from './notifier.js';
import { Popover } from './popover-window.js';
import { holdQuitUntilStopped } from './quit-guard.js';
import { RendererOutbox } from './renderer-outbox.js';
import { TRAY_TOOLTIP, trayIconPath, trayStateFor } from './tray-icons.js';
import { trayMenuTemplate } from './tray-menu.js';
import { createUpdater, type Updater } from './updater.js';
import { utilitySpawner } from './utility-spawner.js';
import { denyAllPermissions } from './window-security.js';

const ALLOWED_LINKS: ReadonlySet<string> = new Set(Object.values(SYSTEM_LINKS));

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.dock?.hide();
  void app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      // Without this an app that fails to start would be invisible: no tray icon, no window.
      dialog.showErrorBox('OneCLI could not start', err instanceof Error ? err.message : String(err));
      app.quit();
    });
}

async function start(): Promise<void> {
  // A translocated or downloaded copy cannot update itself; offer to move it (never silently,
  // and never over another copy without asking).
  if (app.isPackaged && process.platform === 'darwin' && !app.isInApplicationsFolder() && offerMoveToApplications()) return;
  const appRoot = app.getAppPath();
  const resources = app.isPackaged ? process.resourcesPath : path.join(appRoot, 'resources');
  const log = { info: (o: object, m?: string) => console.log(m, o), warn: (o: object, m?: string) => console.warn(m, o), error: (o: object, m?: string) => console.error(m, o) };

  const notifyUser = (title: string, body: string) => {
    if (Notification.isSupported()) new Notification({ title, body }).show();
  };
  let updater: Updater | undefined;
  // Extra upstream trust (a corporate CA): Electron ignores NODE_EXTRA_CA_CERTS with the
  // NodeOptions fuse off, so the launcher reads it and hands it to the gateway in its config.
  const extraCa = process.env.NODE_EXTRA_CA_CERTS;
  const core = await openCore({
    ...(extraCa && existsSync(extraCa) ? { extraCaFile: extraCa } : {}),
    // ONECLI_DATA_DIR lets the smoke spec (and the CLI) point at another folder; the app's own is userData.
    dataDir: process.env.ONECLI_DATA_DIR ?? app.getPath('userData'),
    allowFileStore: false,
    memoryWithoutKeychain: true,
    log,
    spawnGateway: utilitySpawner((entry, args, options) => utilityProcess.fork(entry, args, options)),
    gatewayEntry: path.join(appRoot, 'dist', 'gateway', 'main.js'),
    shell: {
      platform: process.platform,
      launchAtLogin: loginItem(app),
      updates: app.isPackaged,
      onUpdatesPreference: (enabled) => updater?.setEnabled(enabled),
      // Constant deep links only (src/shared SYSTEM_LINKS); nothing from the page is opened.
      openExternal: async (url) => {
        if (ALLOWED_LINKS.has(url)) await shell.openExternal(url);
      },
    },
  });

  registerAppProtocol(protocol, path.join(appRoot, 'dist', 'renderer'));
  denyAllPermissions(session.defaultSession);
  registerControlBridge(ipcMain, core);

  const popover = new Popover({
    createWindow: (options) => new BrowserWindow(options),
    workAreaNear: (point) => screen.getDisplayNearestPoint(point).workArea,
    preload: path.join(appRoot, 'dist', 'main', 'preload.cjs'),
  });
  const outbox = new RendererOutbox((event) => popover.window.webContents.send(IPC.event, event));
  ipcMain.on(IPC.ready, (event) => {
    if (event.sender === popover.window.webContents) outbox.markReady();
  });
  popover.window.webContents.on('did-start-loading', () => outbox.markReloading());

  const tray = new Tray(nativeImage.createFromPath(trayIconPath(resources, 'stopped')));
  tray.on('click', () => popover.toggle(tray.getBounds()));
  app.on('second-instance', () => popover.show(tray.getBounds()));

  const notify = createNotifier(notifyUser);
  if (app.isPackaged) updater = createUpdater(log, notifyUser);
  const showMenu = () =>
    tray.popUpContextMenu(
      Menu.buildFromTemplate(
        trayMenuTemplate({
          open: () => popover.show(tray.getBounds()),
          checkForUpdates: updater ? () => void updater?.checkNow() : undefined,
          restartToUpdate: updater?.downloadedVersion ? () => updater?.installNow() : undefined,
          quit: () => app.quit(),
        }),
      ),
    );
  tray.on('right-click', showMenu);
  core.events.on('event', (event) => {
    outbox.post(event);
    notify(event);
    if (event.type === 'status') {
      const state = trayStateFor(event.status.gateway.state, event.status.lastErrors.filter((e) => Date.now() - e.at < 60_000).length);
      tray.setImage(nativeImage.createFromPath(trayIconPath(resources, state)));
      tray.setToolTip(TRAY_TOOLTIP[state]);
    }
  });

  holdQuitUntilStopped(app, () => core.stop(), (err) => log.error({ err: String(err) }, 'stopping the gateway failed'));
  await core.start();
  updater?.setEnabled(core.deps.settings.get().preferences.checkForUpdates);
}

/** Asks before moving to /Applications; true when the move started (the app then relaunches). */
function offerMoveToApplications(): boolean {
  const choice = dialog.showMessageBoxSync({
    type: 'question',
    message: 'Move OneCLI to the Applications folder?',
    detail: 'OneCLI can only update itself, and keep its Full Disk Access, from the Applications folder.',
    buttons: ['Move to Applications', 'Not Now'],
    defaultId: 0,
    cancelId: 1,
  });
  if (choice !== 0) return false;
  try {
    return app.moveToApplicationsFolder({
      conflictHandler: (conflict) =>
        conflict === 'existsAndRunning'
          ? false
          : dialog.showMessageBoxSync({ type: 'warning', message: 'Replace the OneCLI in Applications?', buttons: ['Replace', 'Cancel'], defaultId: 1, cancelId: 1 }) === 0,
    });
  } catch {
    return false; // the move failed (permissions): run from here
  }
}
