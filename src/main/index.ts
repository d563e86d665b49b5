/**
 * OneCLI.app's main process: builds the core and the shell around it. Wiring only; each part
 * lives in its own module.
 */
import path from 'node:path';
import { existsSync } from 'node:fs';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, protocol, screen, session, shell, Tray, utilityProcess } from 'electron';
import { SYSTEM_LINKS } from '../shared/control-api.js';
import { IPC } from '../shared/ipc-channels.js';
import { LAUNCHER_LOG_NAME, openLauncherLog } from '../core/logging/launcher-log.js';
import type { LauncherCore } from '../core/launcher-core.js';
import { openCore } from '../core/open-core.js';
import { registerAppProtocol } from './app-protocol.js';
import { registerControlBridge } from './ipc-bridge.js';
import { loginItem } from './login-item.js';
import { createNotifier } from './notifier.js';
import { Popover } from './popover-window.js';
import { holdQuitUntilStopped } from './quit-guard.js';
import { RendererOutbox } from './renderer-outbox.js';
import { ifTrayAlive, listenForShowRequests, sendToPage, showNotification, ShowRequests, trayClickOpensMenu } from './shell-events.js';
import { TRAY_TOOLTIP, trayBadge, trayIconPath, trayStateFor } from './tray-icons.js';
import { invoke } from '../core/control/invoke.js';
import { policyFixCall, policyFixLabel, type PolicyDenial } from '../shared/policy-api.js';
import { trayMenuTemplate } from './tray-menu.js';
import { createUpdater, type Updater } from './updater.js';
import { utilitySpawner } from './utility-spawner.js';
import { restrictPermissions } from './window-security.js';

const ALLOWED_LINKS: ReadonlySet<string> = new Set(Object.values(SYSTEM_LINKS));

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true } }]);

// The smoke spec (unpackaged only) runs with its own userData, where Chromium keeps the
// single-instance lock, and its own logs: an installed OneCLI.app must not answer for it.
const ownUserData = process.env.ONECLI_USER_DATA_DIR;
if (!app.isPackaged && ownUserData) {
  app.setPath('userData', ownUserData);
  app.setAppLogsPath(path.join(ownUserData, 'logs'));
}

const showRequests = new ShowRequests();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  // Right after the lock, before the core opens: a second launch or a re-open from Finder
  // while it starts is remembered and served once the popover exists.
  listenForShowRequests(app, showRequests);
  // The popover is the only window; hidden, it is not closed, but if it ever is, a menu-bar app
  // keeps running (without a listener Electron would quit).
  app.on('window-all-closed', () => undefined);
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
  // A LaunchServices launch has no terminal: the log goes to ~/Library/Logs/OneCLI (what the
  // cask's zap names), rotated, the gateway's lines with it; a development run also prints it.
  const launcherLog = openLauncherLog(path.join(app.getPath('logs'), LAUNCHER_LOG_NAME), app.isPackaged ? {} : { also: process.stdout });
  const log = launcherLog.log;
  /** The shell's own records (notifications, updates, quitting). */
  const shellLog = log.child({ component: 'shell' });

  // Built below; the notification and dialog hooks need them once they exist.
  const late: { core?: LauncherCore; popover?: Popover; showPopover?: () => void } = {};
  let notificationsFailed = false;
  const notifyUser = (title: string, body: string, opens?: 'popover') => {
    if (!Notification.isSupported()) return;
    showNotification(
      (options) => new Notification(options),
      { title, body },
      (error) => {
        // Logged every time; the user hears of it once (the core keeps the notice until dismissed).
        shellLog.warn({ error }, 'macOS did not show a notification');
        if (!notificationsFailed) late.core?.reportNotice('notifications-failed');
        notificationsFailed = true;
      },
      opens === 'popover' ? () => late.showPopover?.() : undefined,
    );
  };
  let updater: Updater | undefined;
  // Extra upstream trust (a corporate CA) is a setting (Settings → Upstream trust): a Finder or
  // login-item launch has no shell environment. NODE_EXTRA_CA_CERTS, when the app has it
  // (launchctl setenv, or a terminal start), is still read by the launcher and used as well:
  // Electron ignores it itself with the NodeOptions fuse off.
  const extraCa = process.env.NODE_EXTRA_CA_CERTS;
  const core = await openCore({
    ...(extraCa && existsSync(extraCa) ? { extraCaFile: extraCa } : {}),
    logFile: launcherLog.file,
    // ONECLI_DATA_DIR lets the smoke spec (and the CLI) point at another folder; the app's own is userData.
    dataDir: process.env.ONECLI_DATA_DIR ?? app.getPath('userData'),
    allowFileStore: false,
    memoryWithoutKeychain: true,
    log,
    knownSecrets: launcherLog.known,
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
      // A sheet on the popover, which stays up meanwhile; the path is checked by the core.
      chooseFile: async ({ title, extensions }) => {
        const run = async () => {
          const options = { title, properties: ['openFile' as const], filters: [{ name: 'Certificates', extensions: [...extensions] }] };
          const shownPopover = late.popover;
          const result = shownPopover?.alive ? await dialog.showOpenDialog(shownPopover.window, options) : await dialog.showOpenDialog(options);
          return result.canceled ? undefined : result.filePaths[0];
        };
        return late.popover ? late.popover.holdOpen(run) : run();
      },
      // The core passes its own log file only.
      revealFile: (file) => shell.showItemInFolder(file),
    },
  });

  registerAppProtocol(protocol, path.join(appRoot, 'dist', 'renderer'));
  restrictPermissions(session.defaultSession);
  registerControlBridge(ipcMain, core, shellLog);

  const shown = new Popover({
    createWindow: (options) => new BrowserWindow(options),
    workAreaNear: (point) => screen.getDisplayNearestPoint(point).workArea,
    preload: path.join(appRoot, 'dist', 'main', 'preload.cjs'),
    devTools: !app.isPackaged,
  });
  late.core = core;
  late.popover = shown;
  // The window may close only when the app quits (app.quit() closes windows first).
  app.on('before-quit', () => shown.allowClose());
  // Another menu-bar item or app clicked: `blur` is not dependable there, resigning active is.
  app.on('did-resign-active', () => shown.hide());
  const outbox = new RendererOutbox((event) => void sendToPage(shown.window, IPC.event, event));
  ipcMain.on(IPC.ready, (event) => {
    if (shown.alive && event.sender === shown.window.webContents) outbox.markReady();
  });
  shown.window.webContents.on('did-start-loading', () => outbox.markReloading());

  const tray = new Tray(nativeImage.createFromPath(trayIconPath(resources, 'stopped')));
  // Without this a quick second click arrives as `double-click` only, and the toggle misses it.
  tray.setIgnoreDoubleClickEvents(true);

  const notify = createNotifier(notifyUser);
  if (app.isPackaged) updater = createUpdater(shellLog, notifyUser);
  let denials: readonly PolicyDenial[] = [];
  const fixes = () =>
    denials.flatMap((d) =>
      d.fix
        ? [
            {
              label: policyFixLabel(d.fix),
              run: () => {
                const call = policyFixCall(d.fix!);
                void invoke(core, call.method, call.params, 'popover').then((outcome) => {
                  if (!outcome.ok) shellLog.warn({ code: outcome.error.code }, 'a one-click policy fix failed');
                });
              },
            },
          ]
        : [],
    );
  const showMenu = () =>
    tray.popUpContextMenu(
      Menu.buildFromTemplate(
        trayMenuTemplate({
          open: () => shown.show(tray.getBounds()),
          checkForUpdates: updater ? () => void updater?.checkNow() : undefined,
          restartToUpdate: updater?.downloadedVersion ? () => updater?.installNow() : undefined,
          quit: () => app.quit(),
          fixes: fixes(),
        }),
      ),
    );
  tray.on('click', (event, bounds) => (trayClickOpensMenu(event) ? showMenu() : shown.toggle(bounds)));
  tray.on('right-click', showMenu);
  late.showPopover = () => shown.show(tray.getBounds());
  showRequests.attach(() => shown.show(tray.getBounds()), { openedAtLogin: process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin });
  let trayTooltip = '';
  core.events.on('event', (event) => {
    outbox.post(event);
    notify(event);
    if (event.type === 'status') {
      const state = trayStateFor(event.status.gateway.state, event.status.lastErrors.filter((e) => Date.now() - e.at < 60_000).length);
      denials = event.status.policyDenials;
      const badge = trayBadge(denials);
      ifTrayAlive(tray, () => {
        tray.setImage(nativeImage.createFromPath(trayIconPath(resources, state)));
        tray.setTitle(badge.title);
        tray.setToolTip((trayTooltip = badge.tooltip ?? TRAY_TOOLTIP[state]));
      });
    }
  });
  // The smoke spec's window into the shell (unpackaged runs only): what the tray shows, and a
  // way to open the popover as a tray click would.
  if (!app.isPackaged)
    Object.assign(globalThis, {
      __onecliShell: { tray: () => ({ alive: !tray.isDestroyed(), tooltip: trayTooltip }), showPopover: () => shown.show(tray.getBounds()) },
    });

  holdQuitUntilStopped(
    app,
    () => core.stop(),
    (err) => shellLog.error({ err }, 'stopping the gateway failed'),
  );
  await core.start();
  shellLog.info({ version: app.getVersion(), packaged: app.isPackaged, log: launcherLog.file }, 'OneCLI started');
  updater?.setEnabled(core.settings.view().checkForUpdates);
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
          : dialog.showMessageBoxSync({
              type: 'warning',
              message: 'Replace the OneCLI in Applications?',
              buttons: ['Replace', 'Cancel'],
              defaultId: 1,
              cancelId: 1,
            }) === 0,
    });
  } catch {
    return false; // the move failed (permissions): run from here
  }
}
