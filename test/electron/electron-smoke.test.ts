import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, type ElectronApplication } from 'playwright-core';
import { expect, test } from 'vitest';

/**
 * Launches the *unpackaged* app (the release build's fuses rightly forbid the inspector
 * Playwright needs) and checks what only a real Electron shows: the tray, the popover's first
 * screen from app://onecli, a control call over the preload bridge, the utility-process
 * gateway, Cmd+W (the popover hides, the app stays), the clipboard permission, the log file
 * under app.getPath('logs'), and a quit without "Object has been destroyed". Runs where an
 * Electron binary exists (macOS CI).
 */
const root = path.resolve(import.meta.dirname, '../..');
/** A cold Electron start on a CI runner, then the core (keychain, CA) and the gateway. */
const LAUNCH_MS = 60_000;
const TEST_MS = 150_000;

function electronBinary(): { path?: string; why?: string } {
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile))
    return {
      why: 'the Electron binary is not installed (npm ci ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as it must where the binary cannot be downloaded); this spec runs on the macOS CI runner',
    };
  const binary = path.join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { why: `the Electron binary named in path.txt is missing (${binary})` };
  if (!existsSync(path.join(root, 'dist/renderer/index.html'))) return { why: 'the renderer is not built (npm run build)' };
  return { path: binary };
}

const found = electronBinary();
if (!found.path) console.warn(`electron smoke spec skipped: ${found.why}`);

type Shell = { tray(): { alive: boolean; tooltip: string }; showPopover(): void };

test.skipIf(!found.path)(
  `the unpackaged app starts, shows the popover and runs its gateway${found.path ? '' : ` (skipped: ${found.why})`}`,
  async () => {
    // Its own userData (where Chromium keeps the single-instance lock) and data folder: an
    // installed OneCLI.app, or another run, must not answer for this one.
    const scratch = mkdtempSync(path.join(tmpdir(), 'onecli-electron-smoke-'));
    const userData = path.join(scratch, 'user-data');
    const dataDir = path.join(scratch, 'data');
    const output: string[] = [];
    const app: ElectronApplication = await electron.launch({
      executablePath: found.path,
      args: [root],
      cwd: root,
      env: { ...process.env, ONECLI_USER_DATA_DIR: userData, ONECLI_DATA_DIR: dataDir, ELECTRON_ENABLE_LOGGING: '1' },
      timeout: LAUNCH_MS,
    });
    app.process().stdout?.on('data', (d: Buffer) => output.push(d.toString()));
    app.process().stderr?.on('data', (d: Buffer) => output.push(d.toString()));
    let closed = false;
    try {
      expect(await app.evaluate(({ app: a }) => a.getPath('userData'))).toBe(userData);
      const window = await app.firstWindow({ timeout: LAUNCH_MS });
      // firstWindow() may hand over the window while it still shows about:blank.
      await window.waitForURL(/^app:\/\/onecli\//, { timeout: 20_000 });
      expect(window.url()).toBe('app://onecli/index.html');

      // Sandboxed, isolated, no Node in the page: only the bridge is visible.
      const page = await window.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: typeof (globalThis as { onecli?: unknown }).onecli,
      }));
      expect(page).toEqual({ require: 'undefined', process: 'undefined', bridge: 'object' });

      // A control call round trip over IPC: the gateway runs, and the settings name our folders.
      const status = await window.evaluate(async () => {
        const onecli = (window as unknown as { onecli: { call(m: string, p: object): Promise<{ gateway: { state: string; port: number } }> } }).onecli;
        for (let i = 0; i < 100; i++) {
          const s = await onecli.call('status.get', {});
          if (s.gateway.state === 'running') return s;
          await new Promise((r) => setTimeout(r, 200));
        }
        return onecli.call('status.get', {});
      });
      expect(status.gateway.state).toBe('running');
      expect(await (await fetch(`http://127.0.0.1:${status.gateway.port}/healthz`)).json()).toEqual({ ok: true });
      const settings = await window.evaluate(() =>
        (
          window as unknown as { onecli: { call(m: string, p: object): Promise<{ dataDir: string; logFile?: string; capabilities: Record<string, unknown> }> } }
        ).onecli.call('settings.get', {}),
      );
      expect(settings.dataDir).toBe(dataDir);
      expect(settings.capabilities).toMatchObject({ chooseFiles: true, revealFiles: true, openLinks: true });
      // The log is a file under app.getPath('logs') (redirected into our userData for this run).
      expect(settings.logFile).toBe(path.join(userData, 'logs', 'launcher.log'));
      expect(existsSync(settings.logFile!)).toBe(true);

      // The tray icon exists and follows the gateway.
      const tray = await app.evaluate(() => (globalThis as unknown as { __onecliShell: Shell }).__onecliShell.tray());
      expect(tray).toEqual({ alive: true, tooltip: 'OneCLI: gateway running' });

      // The popover's first screen: onboarding (Full Disk Access on macOS, unless granted).
      await app.evaluate(() => (globalThis as unknown as { __onecliShell: Shell }).__onecliShell.showPopover());
      await window.getByRole('heading', { level: 1, name: /Allow Full Disk Access|Connect 1Password/ }).waitFor({ timeout: 15_000 });

      // Copy buttons: clipboard-sanitized-write is granted to app://onecli. A focus problem of the
      // test runner may still refuse it; a permission refusal is NotAllowedError.
      const copied = await window.evaluate(() =>
        (globalThis as unknown as { navigator: { clipboard: { writeText(t: string): Promise<void> } } }).navigator.clipboard.writeText('onecli smoke').then(
          () => 'ok',
          (e: Error) => `${e.name}: ${e.message}`,
        ),
      );
      if (copied !== 'ok') expect(copied).not.toMatch(/NotAllowedError.*(permission|denied)/i);

      // Cmd+W ("Close Window" of Electron's default menu) hides the popover; the app stays.
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.close());
      const after = await app.evaluate(({ BrowserWindow }) =>
        BrowserWindow.getAllWindows().map((w) => ({ destroyed: w.isDestroyed(), visible: w.isVisible() })),
      );
      expect(after).toEqual([{ destroyed: false, visible: false }]);
      expect((await fetch(`http://127.0.0.1:${status.gateway.port}/healthz`)).ok).toBe(true);

      // Quit as the tray menu does: the gateway stops, and no main-process error on the way.
      await app.close();
      closed = true;
      const text = output.join('');
      expect(text).not.toMatch(/Object has been destroyed|A JavaScript error occurred in the main process/);
      await expect(fetch(`http://127.0.0.1:${status.gateway.port}/healthz`)).rejects.toThrow();
    } finally {
      if (!closed) await app.close().catch(() => undefined);
    }
  },
  TEST_MS,
);
