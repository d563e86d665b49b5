/**
 * A small stand-in for the `electron` module (the binary cannot be downloaded here). It records
 * what the shell asks of Electron, and plays a utility process that answers like the gateway.
 * Where the shell depends on Electron's semantics, the stub models them as electron.d.ts and
 * Electron's docs state them:
 * - a destroyed window or webContents throws "Object has been destroyed" from its methods
 *   (send included), and says so in isDestroyed();
 * - `close()` emits a preventable `close`; unprevented, the window is destroyed; when the last
 *   one goes, `window-all-closed` is emitted, and with no listener the app quits;
 * - `app.quit()` emits `before-quit`, closes every window (a prevented close cancels the quit),
 *   then emits a preventable `will-quit` and exits; `window-all-closed` is not emitted then;
 *   trays are destroyed at exit.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';

export const calls: { method: string; args: unknown[] }[] = [];
const record = (method: string, ...args: unknown[]) => calls.push({ method, args });

const destroyedError = () => new TypeError('Object has been destroyed');

class StubApp extends EventEmitter {
  userData = mkdtempSync(path.join(tmpdir(), 'onecli-electron-'));
  logs = path.join(this.userData, 'logs');
  isPackaged = false;
  exited = false;
  #quitting = false;
  dock = { hide: () => record('app.dock.hide') };
  #ready: () => void = () => undefined;
  readonly ready = new Promise<void>((r) => (this.#ready = r));
  requestSingleInstanceLock = () => true;
  whenReady = () => this.ready;
  fireReady = () => this.#ready();
  getAppPath = () => path.resolve(import.meta.dirname, '../..');
  getPath = (name: string) => (name === 'userData' ? this.userData : name === 'logs' ? this.logs : tmpdir());
  setPath = (name: string, value: string) => {
    record('app.setPath', name, value);
    if (name === 'userData') this.userData = value;
  };
  setAppLogsPath = (value: string) => void (this.logs = value);
  getVersion = () => '0.0.0-stub';
  /** Electron's quit sequence (see the header). */
  quit = () => {
    record('app.quit');
    if (this.exited || this.#quitting) return;
    this.#quitting = true;
    try {
      if (preventable(this, 'before-quit')) return;
      for (const window of BrowserWindow.live()) {
        window.close();
        if (!window.isDestroyed()) return; // a window refused to close: the quit is cancelled
      }
      if (preventable(this, 'will-quit')) return;
      this.exited = true;
      for (const tray of Tray.created) tray.destroy();
      record('app.exit');
    } finally {
      this.#quitting = false;
    }
  };
  get quitting() {
    return this.#quitting;
  }
  isInApplicationsFolder = () => true;
  moveToApplicationsFolder = () => false;
  loginItem: { openAtLogin: boolean; status: string; wasOpenedAtLogin: boolean } = { openAtLogin: false, status: 'not-registered', wasOpenedAtLogin: false };
  getLoginItemSettings = () => ({ ...this.loginItem });
  setLoginItemSettings = (s: { openAtLogin: boolean }) => {
    record('app.setLoginItemSettings', s);
    this.loginItem = { ...this.loginItem, openAtLogin: s.openAtLogin, status: s.openAtLogin ? 'enabled' : 'not-registered' };
  };
}

/** Emits a preventable event; true when a listener prevented it. */
function preventable(emitter: EventEmitter, name: string, ...args: unknown[]): boolean {
  let prevented = false;
  emitter.emit(
    name,
    {
      preventDefault: () => (prevented = true),
      get defaultPrevented() {
        return prevented;
      },
    },
    ...args,
  );
  return prevented;
}
export const app = new StubApp();

export const ipcMain = Object.assign(new EventEmitter(), {
  handlers: new Map<string, (...args: unknown[]) => unknown>(),
  handle(channel: string, fn: (...args: unknown[]) => unknown) {
    this.handlers.set(channel, fn);
  },
});

export class BrowserWindow extends EventEmitter {
  static created: BrowserWindow[] = [];
  static live = () => BrowserWindow.created.filter((w) => !w.isDestroyed());
  static getAllWindows = () => BrowserWindow.live();
  visible = false;
  loadedUrl = '';
  position: [number, number] = [0, 0];
  workspaces: unknown[] = [];
  #destroyed = false;
  readonly webContents: EventEmitter & {
    sent: unknown[];
    send(channel: string, payload: unknown): void;
    isDestroyed(): boolean;
    getURL(): string;
    setWindowOpenHandler(fn: unknown): void;
  };
  constructor(readonly options: Record<string, unknown>) {
    super();
    const contents = new EventEmitter();
    this.webContents = Object.assign(contents, {
      sent: [] as unknown[],
      send: (channel: string, payload: unknown) => {
        if (this.#destroyed) throw destroyedError();
        this.webContents.sent.push({ channel, payload });
      },
      isDestroyed: () => this.#destroyed,
      getURL: () => this.loadedUrl,
      setWindowOpenHandler: (fn: unknown) => record('setWindowOpenHandler', fn),
    });
    BrowserWindow.created.push(this);
  }
  #alive<T>(fn: () => T): T {
    if (this.#destroyed) throw destroyedError();
    return fn();
  }
  isDestroyed = () => this.#destroyed;
  loadURL = async (url: string) => this.#alive(() => void (this.loadedUrl = url));
  setVisibleOnAllWorkspaces = (...args: unknown[]) => this.#alive(() => void this.workspaces.push(args));
  isVisible = () => this.#alive(() => this.visible);
  show = () => this.#alive(() => void (this.visible = true));
  hide = () => this.#alive(() => void (this.visible = false));
  focus = () => this.#alive(() => undefined);
  setPosition = (x: number, y: number) => this.#alive(() => void (this.position = [x, y]));
  /** What Cmd+W ("Close Window" in Electron's default menu) does. */
  close = () => {
    if (this.#destroyed) return;
    if (preventable(this, 'close')) return;
    this.destroy();
  };
  destroy = () => {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.visible = false;
    this.emit('closed');
    if (BrowserWindow.live().length > 0 || app.quitting) return;
    if (app.listenerCount('window-all-closed') > 0) app.emit('window-all-closed');
    else app.quit();
  };
}

export class Tray extends EventEmitter {
  static created: Tray[] = [];
  images: string[] = [];
  tooltip = '';
  ignoreDoubleClicks = false;
  #destroyed = false;
  isDestroyed = () => this.#destroyed;
  destroy = () => void (this.#destroyed = true);
  setIgnoreDoubleClickEvents = (ignore: boolean) => void (this.ignoreDoubleClicks = ignore);
  constructor(image: { path: string }) {
    super();
    this.images.push(image.path);
    Tray.created.push(this);
  }
  setImage = (image: { path: string }) => {
    if (this.#destroyed) throw destroyedError();
    this.images.push(image.path);
  };
  setToolTip = (t: string) => {
    if (this.#destroyed) throw destroyedError();
    this.tooltip = t;
  };
  /** The badge text beside the icon (macOS). */
  title = '';
  setTitle = (t: string) => {
    if (this.#destroyed) throw destroyedError();
    this.title = t;
  };
  menus: { template: { label?: string; click?: () => void }[] }[] = [];
  popUpContextMenu = (menu: { template: { label?: string; click?: () => void }[] }) => void this.menus.push(menu);
  getBounds = () => ({ x: 1000, y: 0, width: 22, height: 22 });
  /** A click as Electron emits it: (KeyboardEvent, bounds, position). */
  click = (modifiers: { ctrlKey?: boolean } = {}) =>
    this.emit('click', { ctrlKey: false, shiftKey: false, altKey: false, metaKey: false, ...modifiers }, this.getBounds(), { x: 1011, y: 11 });
}

export const dialog = {
  showErrorBox: (title: string, content: string) => record('dialog.showErrorBox', title, content),
  showMessageBoxSync: () => 1,
  /** What the next open dialog answers (a path, or undefined for Cancel). */
  nextOpenFile: undefined as string | undefined,
  showOpenDialog: async (...args: unknown[]) => {
    record('dialog.showOpenDialog', ...args);
    const file = dialog.nextOpenFile;
    return file ? { canceled: false, filePaths: [file] } : { canceled: true, filePaths: [] };
  },
};

export const Menu = { buildFromTemplate: (template: unknown[]) => ({ template }) };

export const nativeImage = { createFromPath: (p: string) => ({ path: p }) };
export const screen = { getDisplayNearestPoint: () => ({ workArea: { x: 0, y: 25, width: 1440, height: 875 } }) };
export const session = {
  defaultSession: {
    setPermissionRequestHandler: (fn: unknown) => record('setPermissionRequestHandler', fn),
    setPermissionCheckHandler: (fn: unknown) => record('setPermissionCheckHandler', fn),
  },
};
export const shell = {
  openExternal: async (url: string) => record('shell.openExternal', url),
  showItemInFolder: (file: string) => record('shell.showItemInFolder', file),
};
export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown) => record('protocol.registerSchemesAsPrivileged', schemes),
  handle: (scheme: string, fn: unknown) => record('protocol.handle', scheme, fn),
};
export class Notification extends EventEmitter {
  static isSupported = () => true;
  /** Set to an error text to play macOS refusing notifications: `show()` then emits `failed` (event, error). */
  static failWith: string | undefined;
  /** Every notification made, to click one as the user would (`emit('click')`). */
  static readonly created: Notification[] = [];
  constructor(readonly options: { title: string; body: string }) {
    super();
    Notification.created.push(this);
  }
  show = () => {
    record('Notification.show', this.options);
    const error = Notification.failWith;
    if (error) setImmediate(() => this.emit('failed', {}, error));
  };
}

/** A utility process that behaves like the gateway: `configure` → `ready`. */
class StubUtilityProcess extends EventEmitter {
  readonly pid = 4242;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly posted: unknown[] = [];
  postMessage(message: { type?: string }) {
    this.posted.push(message);
    if (message.type === 'configure') setImmediate(() => this.emit('message', { type: 'ready', address: { host: '127.0.0.1', port: 10255 } }));
    if (message.type === 'shutdown') setImmediate(() => this.emit('exit', 0));
  }
  kill() {
    setImmediate(() => this.emit('exit', 0));
    return true;
  }
}
export const utilityProcess = {
  forks: [] as { modulePath: string; args: string[]; options: Record<string, unknown>; child: StubUtilityProcess }[],
  fork(modulePath: string, args: string[], options: Record<string, unknown>) {
    const child = new StubUtilityProcess();
    utilityProcess.forks.push({ modulePath, args, options, child });
    return child;
  },
};

export const contextBridge = { exposeInMainWorld: (name: string, api: unknown) => record('contextBridge.exposeInMainWorld', name, api) };
export const ipcRenderer = Object.assign(new EventEmitter(), {
  invoke: async (channel: string, payload: unknown) => (record('ipcRenderer.invoke', channel, payload), { ok: true, result: { echoed: payload } }),
  send: (channel: string) => record('ipcRenderer.send', channel),
});

export default {
  app,
  dialog,
  ipcMain,
  BrowserWindow,
  Tray,
  Menu,
  nativeImage,
  screen,
  session,
  shell,
  protocol,
  Notification,
  utilityProcess,
  contextBridge,
  ipcRenderer,
};
