import net from 'node:net';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from 'vitest';
import { launchChromium, popoverPage } from './support/browser.js';
import { startHeadlessLauncher, type HeadlessLauncher } from './support/headless-launcher.js';
import { expectAccessibleInBothSchemes, focused } from './support/page-checks.js';

let launcher: HeadlessLauncher;
let browser: Browser;
let page: Page;
let problems: string[];
/** Another program on the port the user will pick. */
let blocker: net.Server;
let blockedPort: number;

const heading = (name: string | RegExp) => page.getByRole('heading', { name, level: 1 });
const tab = (name: string) => page.getByRole('tab', { name });

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  const port = await listen(probe);
  await new Promise((r) => probe.close(r));
  return port;
}

async function savePort(port: number): Promise<void> {
  await tab('Settings').click();
  await page.getByLabel('Port').fill(String(port));
  const saved = page.waitForResponse((r) => r.url().endsWith('/api/call/settings.update'), { timeout: 15_000 });
  await page.getByRole('button', { name: 'Save' }).click();
  expect((await saved).status()).toBe(200);
}

function keepScreenshotOnFailure(name: string) {
  onTestFailed(async () => {
    await page.screenshot({ path: path.resolve(import.meta.dirname, `../../test-results/e2e-${name}.png`) }).catch(() => undefined);
  });
}

beforeAll(async () => {
  blocker = net.createServer();
  blockedPort = await listen(blocker);
  // Started without --port, so the port in Settings is the one the gateway uses.
  [launcher, browser] = await Promise.all([startHeadlessLauncher({ fixedPort: await freePort() }), launchChromium()]);
  ({ page, problems } = await popoverPage(browser, new URL(launcher.signInUrl).origin));
  page.setDefaultTimeout(8_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await launcher?.stop();
  await new Promise((r) => blocker?.close(r));
});

describe('headless UI: the gateway port, and a reset', () => {
  test('setup can be skipped; the gateway runs on the port from settings', async () => {
    keepScreenshotOnFailure('skip-setup');
    await page.goto(launcher.signInUrl);
    await heading('Connect 1Password').waitFor();
    await page.getByRole('button', { name: 'Skip setup' }).click();
    await page.getByRole('heading', { name: 'Gateway running' }).waitFor();
    await page.getByText(`127.0.0.1:${launcher.serve.gatewayPort}`).waitFor();
  });

  test('a port another program holds: Status shows the gateway failed, with the fix naming the port', async () => {
    keepScreenshotOnFailure('port-taken');
    await savePort(blockedPort);
    await tab('Status').click();
    await page.getByRole('heading', { name: 'Gateway failed' }).waitFor();
    expect(await page.getByRole('alert').innerText()).toMatch(
      new RegExp(`Port ${blockedPort} is taken by another program: stop it, or choose another port in Settings \\(headless: start with --port <free port>\\)`),
    );
    expect(await page.getByText(/Reason: .*EADDRINUSE/).count()).toBe(1);
    expect(await page.getByRole('banner').innerText()).toContain('Failed');
    await expectAccessibleInBothSchemes(page, 'Status with a failed gateway');

    await tab('Doctor').click();
    const check = page.locator('[data-check="gateway.port"]');
    await check.getByText(`Port ${blockedPort} is taken by another program`).waitFor({ timeout: 15_000 });
    // The UI's own fix, not the CLI's flag: a link to Settings.
    expect(await check.innerText()).not.toMatch(/--port/);
    await check.getByRole('button', { name: 'Change the port in Settings' }).click();
    await page.getByRole('tab', { name: 'Settings', selected: true }).waitFor();
  });

  test('a free port brings the gateway back', async () => {
    keepScreenshotOnFailure('port-free-again');
    const port = await freePort();
    await savePort(port);
    await tab('Status').click();
    await page.getByRole('heading', { name: 'Gateway running' }).waitFor();
    await page.getByText(`127.0.0.1:${port}`).waitFor();
  });

  test('reset: typing "reset" is required, Escape cancels and gives focus back, and setup starts again', async () => {
    keepScreenshotOnFailure('reset');
    await tab('Settings').click();
    const open = page.getByRole('button', { name: 'Reset OneCLI…' });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Reset OneCLI?' });
    await dialog.waitFor();
    expect((await focused(page)).text).toBe('');
    expect(await dialog.getByRole('button', { name: 'Reset', exact: true }).getAttribute('aria-disabled')).toBe('true');
    await expectAccessibleInBothSchemes(page, 'reset dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused(page)).toEqual({ text: 'Reset OneCLI…', ring: true });

    await page.keyboard.press('Enter');
    await dialog.waitFor();
    await page.keyboard.type('rese');
    await page.keyboard.press('Enter'); // not yet the word: nothing happens
    expect(await dialog.isVisible()).toBe(true);
    await page.keyboard.type('t');
    await page.keyboard.press('Enter');
    await heading('Connect 1Password').waitFor();
    expect(problems).toEqual([]);
  });
});
