import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { expect, test } from 'vitest';

/**
 * Launches the *unpackaged* app (the release build's fuses rightly forbid the inspector
 * Playwright needs) and walks the popover: it loads from app://onecli, the bridge answers, and
 * the gateway runs as a utility process. Runs where an Electron binary exists (macOS CI).
 */
const root = path.resolve(import.meta.dirname, '../..');

function electronBinary(): { path?: string; why?: string } {
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  if (!existsSync(pathFile)) return { why: 'the Electron binary is not installed (npm ci ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as it must where the binary cannot be downloaded); this spec runs on the macOS CI runner' };
  const binary = path.join(root, 'node_modules/electron/dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(binary)) return { why: `the Electron binary named in path.txt is missing (${binary})` };
  if (!existsSync(path.join(root, 'dist/renderer/index.html'))) return { why: 'the renderer is not built (npm run build)' };
  return { path: binary };
}

const found = electronBinary();
if (!found.path) console.warn(`electron smoke spec skipped: ${found.why}`);

test.skipIf(!found.path)(`the unpackaged app starts, shows the popover and runs its gateway${found.path ? '' : ` (skipped: ${found.why})`}`, async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'onecli-electron-smoke-'));
  const app = await electron.launch({ executablePath: found.path, args: [root], cwd: root, env: { ...process.env, ONECLI_DATA_DIR: dataDir, ELECTRON_ENABLE_LOGGING: '1' }, timeout: 60_000 });
  try {
    const window = await app.firstWindow();
    expect(window.url()).toBe('app://onecli/index.html');
    // Sandboxed, isolated, no Node in the page: only the bridge is visible.
    const page = await window.evaluate(() => ({ require: typeof (globalThis as { require?: unknown }).require, process: typeof (globalThis as { process?: unknown }).process, bridge: typeof (globalThis as { onecli?: unknown }).onecli }));
    expect(page).toEqual({ require: 'undefined', process: 'undefined', bridge: 'object' });
    const status = await window.evaluate(async () => {
      const onecli = (window as unknown as { onecli: { call(m: string, p: object): Promise<{ gateway: { state: string; port: number } }> } }).onecli;
      for (let i = 0; i < 50; i++) {
        const s = await onecli.call('status.get', {});
        if (s.gateway.state === 'running') return s;
        await new Promise((r) => setTimeout(r, 200));
      }
      return onecli.call('status.get', {});
    });
    expect(status.gateway.state).toBe('running');
    const health = await fetch(`http://127.0.0.1:${status.gateway.port}/healthz`);
    expect(await health.json()).toEqual({ ok: true });
    await window.getByRole('heading').first().waitFor({ timeout: 10_000 });
  } finally {
    await app.close();
  }
});
