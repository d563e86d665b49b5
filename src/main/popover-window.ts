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
}

/** The frameless popover under the tray icon: shown on click, hidden on blur. */
export class Popover {
  readonly window: BrowserWindow;
  #blurTimer: NodeJS.Timeout | undefined;
  #lastTrayBounds: Rectangle = { x: 0, y: 0, width: 0, height: 0 };

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
      webPreferences: secureWebPreferences(deps.preload),
    });
    lockDownContents(this.window.webContents);
    this.window.setVisibleOnAllWorkspaces(true, { skipTransformProcessType: true });
    this.window.on('blur', () => {
      this.#blurTimer = setTimeout(() => this.window.hide(), BLUR_HIDE_MS);
    });
    void this.window.loadURL(`${APP_ORIGIN}/index.html`);
  }

  toggle(trayBounds: Rectangle): void {
    if (this.window.isVisible()) return this.window.hide();
    this.show(trayBounds);
  }

  show(trayBounds?: Rectangle): void {
    if (this.#blurTimer) clearTimeout(this.#blurTimer);
    // Tray bounds can read as zero; the last good ones are better than the corner fallback.
    if (trayBounds && trayBounds.width > 0) this.#lastTrayBounds = trayBounds;
    const area = this.deps.workAreaNear({ x: this.#lastTrayBounds.x, y: this.#lastTrayBounds.y });
    const { x, y } = positionUnderTray(this.#lastTrayBounds, POPOVER_SIZE, area);
    this.window.setPosition(x, y, false);
    this.window.show();
    this.window.focus();
  }
}
