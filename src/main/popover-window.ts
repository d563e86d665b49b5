import type { BrowserWindow, BrowserWindowConstructorOptions, Rectangle } from 'electron';
import { APP_ORIGIN } from '../shared/ipc-channels.js';
import { POPOVER_SIZE, positionUnderTray } from './popover-position.js';
import { lockDownContents, secureWebPreferences } from './window-security.js';

/** Hide on blur after this delay, so a click on the tray icon toggles instead of re-opening. */
const BLUR_HIDE_MS = 100;

export interface PopoverDeps {
  createWindow(options: BrowserWindowConstructorOptions): BrowserWindow;
  workAreaNear(point: { x: number; y: number }): Rectangle;
  preload: string;
  /** DevTools only in an unpackaged (development) run: `!app.isPackaged`. */
  devTools: boolean;
}

/**
 * The frameless popover under the tray icon: shown on click, hidden on blur (and, from the
 * shell, when the app resigns active). It is the app's only window, so it is never closed
 * while the app runs: "Close Window" (Cmd+W in Electron's default menu) hides it instead.
 */
export class Popover {
  readonly window: BrowserWindow;
  #blurTimer: NodeJS.Timeout | undefined;
  #lastTrayBounds: Rectangle = { x: 0, y: 0, width: 0, height: 0 };
  #quitting = false;
  /** A dialog of ours is up (a sheet on this window): losing focus to it is not leaving. */
  #holding = 0;

  constructor(private readonly deps: PopoverDeps) {
    this.window = deps.createWindow({
      ...POPOVER_SIZE,
      show: false,
      frame: false,
      resizable: false,
      movable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      skipTaskbar: true,
      alwaysOnTop: true,
      transparent: false,
      title: 'OneCLI',
      webPreferences: secureWebPreferences(deps.preload, { devTools: deps.devTools }),
    });
    lockDownContents(this.window.webContents);
    // Over full-screen apps too. skipTransformProcessType: the app is already a UIElement
    // (LSUIElement); without it Electron flips the process type, hiding the window and the
    // menu bar for a moment at every call.
    this.window.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true, skipTransformProcessType: true });
    this.window.on('blur', () => this.hideSoon());
    this.window.on('close', (event) => {
      if (this.#quitting) return;
      event.preventDefault();
      this.hide();
    });
    void this.window.loadURL(`${APP_ORIGIN}/index.html`);
  }

  /** From `before-quit`: the window may close now (app.quit() closes windows before will-quit). */
  allowClose(): void {
    this.#quitting = true;
  }

  get alive(): boolean {
    return !this.window.isDestroyed();
  }

  toggle(trayBounds: Rectangle): void {
    if (!this.alive) return;
    if (this.window.isVisible()) return this.hide();
    this.show(trayBounds);
  }

  show(trayBounds?: Rectangle): void {
    if (!this.alive) return;
    if (this.#blurTimer) clearTimeout(this.#blurTimer);
    // Tray bounds can read as zero; the last good ones are better than the corner fallback.
    if (trayBounds && trayBounds.width > 0) this.#lastTrayBounds = trayBounds;
    const area = this.deps.workAreaNear({ x: this.#lastTrayBounds.x, y: this.#lastTrayBounds.y });
    const { x, y } = positionUnderTray(this.#lastTrayBounds, POPOVER_SIZE, area);
    this.window.setPosition(x, y, false);
    this.window.show();
    this.window.focus();
  }

  hide(): void {
    if (this.#blurTimer) clearTimeout(this.#blurTimer);
    if (this.alive && this.#holding === 0) this.window.hide();
  }

  /** Blur: hide after a moment (a click on the tray icon then toggles instead of re-opening). */
  hideSoon(): void {
    if (this.#holding > 0) return;
    if (this.#blurTimer) clearTimeout(this.#blurTimer);
    this.#blurTimer = setTimeout(() => this.hide(), BLUR_HIDE_MS);
  }

  /** Keeps the popover up while `work` (a file dialog on it) runs, then gives it focus back. */
  async holdOpen<T>(work: () => Promise<T>): Promise<T> {
    this.#holding++;
    try {
      return await work();
    } finally {
      this.#holding--;
      if (this.alive && this.window.isVisible()) this.window.focus();
    }
  }
}
