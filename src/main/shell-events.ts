import type { App, BrowserWindow, KeyboardEvent, Notification, NotificationConstructorOptions, Tray } from 'electron';

/**
 * Requests to show the popover that may arrive before it exists: a second launch
 * (`second-instance`) or a re-open from Finder, Spotlight or `open -a` (`activate`: macOS
 * delivers a re-open to the running app, not a second instance). The listeners go on right
 * after the single-instance lock, before the core opens (which can take seconds: keychain,
 * CA), and a request made meanwhile is served once the popover is there.
 */
export class ShowRequests {
  #show: (() => void) | undefined;
  #pending = false;

  request(): void {
    if (this.#show) this.#show();
    else this.#pending = true;
  }

  /**
   * The popover is ready. A request made while starting is served, except at a login-item
   * launch: macOS may send that launch an `activate` too (Electron's docs list "launching the
   * application for the first time" among its causes), and a popover popping up at every login
   * would be a nuisance [I: when exactly AppKit sends it is not checked on a Mac].
   */
  attach(show: () => void, options: { openedAtLogin: boolean }): void {
    this.#show = show;
    const pending = this.#pending;
    this.#pending = false;
    if (pending && !options.openedAtLogin) show();
  }
}

export function listenForShowRequests(app: Pick<App, 'on'>, requests: ShowRequests): void {
  app.on('second-instance', () => requests.request());
  app.on('activate', () => requests.request());
}

/**
 * Sends to the popover's page unless the window or its contents are gone. `app.quit()` closes
 * the window before `will-quit`, and the gateway's last status (it is being stopped then)
 * would otherwise throw "Object has been destroyed" in the main process.
 */
export function sendToPage(window: Pick<BrowserWindow, 'isDestroyed' | 'webContents'>, channel: string, payload: unknown): boolean {
  if (window.isDestroyed() || window.webContents.isDestroyed()) return false;
  window.webContents.send(channel, payload);
  return true;
}

/** Runs `change` on the tray unless it is destroyed (it is, once the app quits). */
export function ifTrayAlive(tray: Pick<Tray, 'isDestroyed'>, change: () => void): void {
  if (!tray.isDestroyed()) change();
}

/** Ctrl-click is the Mac's right click: it opens the menu, like a right click does. */
export function trayClickOpensMenu(event: Pick<KeyboardEvent, 'ctrlKey'> | undefined): boolean {
  return event?.ctrlKey === true;
}

/**
 * Shows a notification, and reports when macOS refuses it (`failed`, macOS and Windows): the
 * first one is also what triggers the permission prompt, and a "Don't Allow" is otherwise
 * silent. The error text goes to the log (short: it is the system's message, no value of ours).
 */
export function showNotification(
  create: (options: NotificationConstructorOptions) => Pick<Notification, 'on' | 'show'>,
  options: { title: string; body: string },
  onFailed: (error: string) => void,
  onClick?: () => void,
): void {
  const notification = create(options);
  notification.on('failed', (_event, error) => onFailed(String(error).slice(0, 200)));
  if (onClick) notification.on('click', onClick);
  notification.show();
}
