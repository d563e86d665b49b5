import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { isAppUrl } from '../shared/ipc-channels.js';

/** The Electron security checklist, as options: isolated, sandboxed, no Node in the page. */
export function secureWebPreferences(preload: string, options: { devTools: boolean }): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    spellcheck: false,
    // Release builds have none: DevTools would let anyone at the keyboard call the control API.
    devTools: options.devTools,
  };
}

/** The page never navigates away and never opens windows; links to the web are the shell's job. */
export function lockDownContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler'>): void {
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * The one permission the popover needs: `clipboard-sanitized-write`, what Chromium asks for when
 * a page calls `navigator.clipboard.writeText` (the Copy buttons). Granted to our own origin
 * only; everything else (camera, microphone, notifications from the page, clipboard *read*,
 * geolocation…) stays denied.
 */
export function permissionAllowed(permission: string, url: string | undefined): boolean {
  return permission === 'clipboard-sanitized-write' && url !== undefined && isAppUrl(url);
}

/** Requests and checks both: Chromium checks the permission's status before it asks. */
export function restrictPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((contents, permission, callback, details) =>
    callback(permissionAllowed(permission, details.requestingUrl || contents.getURL())),
  );
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionAllowed(permission, requestingOrigin || details.requestingUrl),
  );
}
