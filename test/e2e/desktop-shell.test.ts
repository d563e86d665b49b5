import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UI_SECURITY_HEADERS } from '../../src/core/control/static-files.js';
import { launchChromium, popoverPage } from './support/browser.js';
import { fakeDesktopBridge } from './support/fake-bridge.js';
import { ensureRendererBuilt } from './support/headless-launcher.js';
import { expectAccessibleInBothSchemes } from './support/page-checks.js';

const DIST = path.resolve(import.meta.dirname, '../../dist/renderer');
/** A trustworthy origin (as Electron's file:// popover is); nothing listens there: every request is answered by route(). */
const ORIGIN = 'http://localhost:9';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  [browser] = await Promise.all([launchChromium(), ensureRendererBuilt()]);
  ({ page, problems } = await popoverPage(browser));
  page.setDefaultTimeout(8_000);
  // The built popover, with the headers serve gives it, and the preload's bridge in place.
  await page.context().route(`${ORIGIN}/**`, async (route) => {
    const pathname = new URL(route.request().url()).pathname;
    const file = path.join(DIST, pathname === '/' ? 'index.html' : pathname);
    await route.fulfill({ status: 200, headers: { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...UI_SECURITY_HEADERS }, body: await readFile(file) });
  });
  await page.addInitScript(fakeDesktopBridge());
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const calls = async () => (await page.evaluate('window.__bridgeCalls')) as { method: string; params: unknown }[];

describe('the popover in the menu-bar app (IPC bridge), on macOS', () => {
  test('onboarding starts with Full Disk Access, opens the settings pane, and turns green by itself', async () => {
    await page.goto(`${ORIGIN}/`);
    await page.getByRole('heading', { name: 'Allow Full Disk Access', level: 1 }).waitFor();
    await page.getByText('Step 1 of 4').waitFor();
    await page.getByText('Not granted yet').waitFor();
    await expectAccessibleInBothSchemes(page, 'onboarding: Full Disk Access');
    await page.getByRole('button', { name: 'Open System Settings' }).click();
    // The step re-runs the doctor every few seconds; no click needed once access is granted.
    await page.getByText('Full Disk Access granted').waitFor({ timeout: 10_000 });
    expect((await calls()).filter((c) => c.method === 'system.openLink')).toEqual([{ method: 'system.openLink', params: { link: 'fullDiskAccess' } }]);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Connect 1Password', level: 1 }).waitFor();
  });

  test('the doctor is polled only while the Full Disk Access step shows', async () => {
    const before = (await calls()).filter((c) => c.method === 'doctor.run').length;
    await page.waitForTimeout(3_500);
    expect((await calls()).filter((c) => c.method === 'doctor.run').length).toBe(before);
  });

  test('an error over IPC shows the launcher’s message, without Electron’s wrapping', async () => {
    await page.getByLabel('Service-account token').fill('ops_not-a-real-token-123');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const alert = page.getByRole('alert');
    expect(await alert.innerText()).toBe('The service-account token was refused. Create a new one in 1Password and pair again.');
    expect(await alert.getAttribute('data-code')).toBe('auth_required');
    expect(problems, problems.join('\n')).toEqual([]);
  });
});
