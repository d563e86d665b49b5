/**
 * A small stand-in for the `electron` module (the binary cannot be downloaded here). It records
 * what the shell asks of Electron, and plays a utility process that answers like the gateway.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';

export const calls: { method: string; args: unknown[] }[] = [];
const record = (method: string, ...args: unknown[]) => calls.push({ method, args });

class StubApp extends EventEmitter {
  readonly userData = mkdtempSync(path.join(tmpdir(), 'onecli-electron-'));
  isPackaged = false;
  dock = { hide: () => record('app.dock.hide') };
  #ready: () => void = () => undefined;
  readonly ready = new Promise<void>((r) => (this.#ready = r));
  requestSingleInstanceLock = () => true;
  whenReady = () => this.ready;
  fireReady = () => this.#ready();
  getAppPath = () => path.resolve(import.meta.dirname, '../..');
  getPath = (name: string) => (name === 'userData' ? this.userData : tmpdir());
  quit = () => record('app.quit');
  isInApplicationsFolder = () => true;
  moveToApplicationsFolder = () => false;
  getLoginItemSettings = () => ({ openAtLogin: false, status: 'not-registered' });
  setLoginItemSettings = (s: unknown) => record('app.setLoginItemSettings', s);
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
  visible = false;
  loadedUrl = '';
  position: [number, number] = [0, 0];
  readonly webContents = Object.assign(new EventEmitter(), {
    sent: [] as unknown[],
    send: (channel: string, payload: unknown) => this.webContents.sent.push({ channel, payload }),
    setWindowOpenHandler: (fn: unknown) => record('setWindowOpenHandler', fn),
  });
  constructor(readonly options: Record<string, unknown>) {
    super();
    BrowserWindow.created.push(this);
  }
  loadURL = async (url: string) => void (this.loadedUrl = url);
  setVisibleOnAllWorkspaces = () => undefined;
  isVisible = () => this.visible;
  show = () => void (this.visible = true);
  hide = () => void (this.visible = false);
  focus = () => undefined;
  setPosition = (x: number, y: number) => void (this.position = [x, y]);
}

export class Tray extends EventEmitter {
  static created: Tray[] = [];
  images: string[] = [];
  tooltip = '';
  constructor(image: { path: string }) {
    super();
    this.images.push(image.path);
    Tray.created.push(this);
  }
  setImage = (image: { path: string }) => void this.images.push(image.path);
  setToolTip = (t: string) => void (this.tooltip = t);
  menus: { template: { label?: string; click?: () => void }[] }[] = [];
  popUpContextMenu = (menu: { template: { label?: string; click?: () => void }[] }) => void this.menus.push(menu);
  getBounds = () => ({ x: 1000, y: 0, width: 22, height: 22 });
}

export const dialog = {
  showErrorBox: (title: string, content: string) => record('dialog.showErrorBox', title, content),
  showMessageBoxSync: () => 1,
};

export const Menu = { buildFromTemplate: (template: unknown[]) => ({ template }) };

export const nativeImage = { createFromPath: (p: string) => ({ path: p }) };
export const screen = { getDisplayNearestPoint: () => ({ workArea: { x: 0, y: 25, width: 1440, height: 875 } }) };
export const session = { defaultSession: { setPermissionRequestHandler: (fn: unknown) => record('setPermissionRequestHandler', fn), setPermissionCheckHandler: (fn: unknown) => record('setPermissionCheckHandler', fn) } };
export const shell = { openExternal: async (url: string) => record('shell.openExternal', url) };
export const protocol = {
  registerSchemesAsPrivileged: (schemes: unknown) => record('protocol.registerSchemesAsPrivileged', schemes),
  handle: (scheme: string, fn: unknown) => record('protocol.handle', scheme, fn),
};
export class Notification {
  static isSupported = () => true;
  constructor(readonly options: { title: string; body: string }) {}
  show = () => record('Notification.show', this.options);
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

export default { app, dialog, ipcMain, BrowserWindow, Tray, Menu, nativeImage, screen, session, shell, protocol, Notification, utilityProcess, contextBridge, ipcRenderer };
