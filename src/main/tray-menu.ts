import type { MenuItemConstructorOptions } from 'electron';

export interface TrayMenuActions {
  open(): void;
  checkForUpdates?: (() => void) | undefined;
  /** Set once an update is downloaded. */
  restartToUpdate?: (() => void) | undefined;
  quit(): void;
  /** One-click fixes for recent policy refusals ("Allow paste.example for claude"). */
  fixes?: readonly { readonly label: string; run(): void }[] | undefined;
}

/**
 * The tray's right-click menu: a menu-bar app has no app menu, so quitting and updating live
 * here. A left click opens the popover.
 */
export function trayMenuTemplate(actions: TrayMenuActions): MenuItemConstructorOptions[] {
  return [
    { label: 'Open OneCLI', click: actions.open },
    { type: 'separator' },
    ...(actions.fixes?.length
      ? [
          { label: 'Recently refused', enabled: false },
          ...actions.fixes.map((f): MenuItemConstructorOptions => ({ label: f.label, click: () => f.run() })),
          { type: 'separator' as const },
        ]
      : []),
    ...(actions.restartToUpdate
      ? [{ label: 'Restart to Update', click: actions.restartToUpdate }]
      : actions.checkForUpdates
        ? [{ label: 'Check for Updates…', click: actions.checkForUpdates }]
        : []),
    { label: 'Quit OneCLI', accelerator: 'Command+Q', click: actions.quit },
  ];
}
