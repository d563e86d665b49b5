import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UI_SECURITY_HEADERS } from '../../src/core/control/static-files.js';
import { launchChromium, popoverPage } from './support/browser.js';
import type { ScriptedControlMain } from '../support/scripted-control-main.js';
import { desktopPopover } from './support/desktop-bridge.js';
import { ensureRendererBuilt } from './support/headless-launcher.js';
import { expectAccessibleInBothSchemes } from './support/page-checks.js';

const DIST = path.resolve(import.meta.dirname, '../../dist/renderer');
/** A trustworthy origin (as Electron's file:// popover is); nothing listens there: every request is answered by route(). */
const ORIGIN = 'http://localhost:9';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

let browser: Browser;
let page: Page;
let problems: string[];
let main: ScriptedControlMain;

/** The built popover, with the headers serve gives it, and the real preload's bridge in place. */
async function openPopover(options?: Parameters<typeof desktopPopover>[1]): Promise<{ page: Page; problems: string[]; main: ScriptedControlMain }> {
  const opened = await popoverPage(browser);
  opened.page.setDefaultTimeout(8_000);
  await opened.page.context().route(`${ORIGIN}/**`, async (route) => {
    const pathname = new URL(route.request().url()).pathname;
    const file = path.join(DIST, pathname === '/' ? 'index.html' : pathname);
    await route.fulfill({
      status: 200,
      headers: { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', ...UI_SECURITY_HEADERS },
      body: await readFile(file),
    });
  });
  return { ...opened, main: await desktopPopover(opened.page, options) };
}

beforeAll(async () => {
  [browser] = await Promise.all([launchChromium(), ensureRendererBuilt()]);
  ({ page, problems, main } = await openPopover());
  // The Full Disk Access step re-checks on a timer: the page's clock is ours, so no test waits it out.
  await page.clock.install();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

const doctorRuns = () => main.callsOf('doctor.run').length;

describe('the popover in the menu-bar app (IPC bridge), on macOS', () => {
  test('onboarding starts with Full Disk Access, opens the settings pane, and turns green by itself', async () => {
    await page.goto(`${ORIGIN}/`);
    await page.getByRole('heading', { name: 'Allow Full Disk Access', level: 1 }).waitFor();
    await page.getByText('Step 1 of 4').waitFor();
    await page.getByText('Not granted yet').waitFor();
    await expectAccessibleInBothSchemes(page, 'onboarding: Full Disk Access');
    await page.getByRole('button', { name: 'Open System Settings' }).click();
    // The step re-runs the doctor every few seconds; no click needed once access is granted.
    const runs = doctorRuns();
    await page.clock.runFor(3_000);
    await page.getByText('Full Disk Access granted').waitFor();
    expect(doctorRuns()).toBe(runs + 1);
    expect(main.callsOf('system.openLink')).toEqual([{ link: 'fullDiskAccess' }]);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Connect 1Password', level: 1 }).waitFor();
  });

  test('the doctor is polled only while the Full Disk Access step shows', async () => {
    const before = doctorRuns();
    await page.clock.runFor(10_000); // three re-check periods, on the page's clock
    expect(doctorRuns()).toBe(before);
  });

  test('an error over IPC shows the launcher’s message, without Electron’s wrapping', async () => {
    await page.getByLabel('Service-account token').fill('ops_not-a-real-token-123');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const alert = page.getByRole('alert');
    expect(await alert.innerText()).toBe('The service-account token was refused. Create a new one in 1Password and pair again.');
    expect(await alert.getAttribute('data-code')).toBe('auth_required');
    expect(problems, problems.join('\n')).toEqual([]);
    expect(main.violations).toEqual([]);
  });
});

describe('the popover after setup: shell notices, the login item, upstream trust and the log (issue 16)', () => {
  let app: Page;
  let appProblems: string[];
  let appMain: ScriptedControlMain;
  const appCalls = async () => appMain.calls;

  beforeAll(async () => {
    ({ page: app, problems: appProblems, main: appMain } = await openPopover({ onboarded: true, loginItemStatus: 'requires-approval', notices: true }));
  }, 30_000);

  test('a refused notification is told once on Status: open System Settings, or dismiss it for good', async () => {
    await app.goto(`${ORIGIN}/`);
    const notice = app.getByRole('region', { name: 'macOS did not show a OneCLI notification' });
    await notice.waitFor();
    expect(await notice.innerText()).toMatch(/System Settings → Notifications/);
    await expectAccessibleInBothSchemes(app, 'Status with a shell notice');
    await notice.getByRole('button', { name: 'Open System Settings' }).click();
    await notice.getByRole('button', { name: 'Dismiss' }).focus();
    await app.keyboard.press('Enter');
    await notice.waitFor({ state: 'detached' });
    expect((await appCalls()).filter((c) => ['system.openLink', 'notices.dismiss'].includes(c.method))).toEqual([
      { method: 'system.openLink', params: { link: 'notifications' } },
      { method: 'notices.dismiss', params: { id: 'notifications-failed' } },
    ]);
  });

  test('Settings: a login item waiting for approval says how to approve it', async () => {
    await app.getByRole('tab', { name: 'Settings' }).click();
    const login = app.getByRole('switch', { name: 'Launch at login' });
    expect(await login.isChecked()).toBe(true);
    const note = app.getByText(/Waiting for your approval/);
    expect(await note.innerText()).toMatch(/System Settings → General → Login Items, turn on OneCLI/);
    expect(await login.getAttribute('aria-describedby')).toBeTruthy();
    await app.getByRole('button', { name: 'Open Login Items' }).click();
    expect((await appCalls()).filter((c) => c.method === 'system.openLink').at(-1)).toEqual({ method: 'system.openLink', params: { link: 'loginItems' } });
  });

  test('Settings: the extra CA is chosen in the shell’s dialog (keyboard), and the log is shown in Finder', async () => {
    const trust = app.getByRole('region', { name: 'Upstream trust' });
    await trust.getByText('No extra CA chosen.').waitFor();
    expect(await trust.getByRole('textbox').count()).toBe(0); // the app has a dialog: no path field
    await trust.getByRole('button', { name: 'Choose PEM file…' }).focus();
    await app.keyboard.press('Enter');
    await trust.getByText('Using /Users/dev/Downloads/corp-root.pem: 1 certificate(s): CN=Corp Root CA').waitFor();
    await trust.getByText('Saved. The gateway restarted with this CA.').waitFor();
    await expectAccessibleInBothSchemes(app, 'Settings in the app (extra CA chosen, login item pending)');
    await trust.getByRole('button', { name: 'Stop using it' }).click();
    await trust.getByText('No extra CA chosen.').waitFor();

    const log = app.getByRole('region', { name: 'Log' });
    await log.getByText('/Users/dev/Library/Logs/OneCLI/launcher.log').waitFor();
    await log.getByRole('button', { name: 'Show in Finder' }).click();
    const methods = (await appCalls()).map((c) => c.method);
    expect(methods).toContain('settings.chooseExtraCa');
    expect(methods).toContain('system.revealLog');
    expect((await appCalls()).filter((c) => c.method === 'settings.update').at(-1)).toEqual({ method: 'settings.update', params: { extraCaFile: null } });
    expect(appProblems, appProblems.join('\n')).toEqual([]);
    expect(appMain.violations).toEqual([]);
  });
});
