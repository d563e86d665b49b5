/**
 * Identity constants. `APP_ID` is the macOS bundle identifier *and* the keychain service:
 * changing it voids every user's Full Disk Access grant and orphans their keychain items.
 */
export const APP_ID = 'sh.onecli.launcher';

/** The gateway's loopback port unless the user picks another (`--port`). */
export const DEFAULT_GATEWAY_PORT = 10_255;
