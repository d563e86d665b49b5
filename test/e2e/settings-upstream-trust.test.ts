import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, popoverPage } from './support/browser.js';
import { startHeadlessLauncher, type HeadlessLauncher } from './support/headless-launcher.js';
import { SETTINGS_VERSION } from '../../src/shared/settings.js';
import { expectAccessibleInBothSchemes } from './support/page-checks.js';

let launcher: HeadlessLauncher;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  [launcher, browser] = await Promise.all([startHeadlessLauncher(), launchChromium()]);
  ({ page, problems } = await popoverPage(browser, new URL(launcher.signInUrl).origin));
  page.setDefaultTimeout(8_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await launcher?.stop();
});

describe('headless UI: the extra upstream CA as a typed path, and where the log is (issue 16)', () => {
  test('a path that is not PEM is refused with the fix; a PEM file is kept and the gateway restarts with it', async () => {
    await page.goto(launcher.signInUrl);
    await page.getByRole('button', { name: 'Skip setup' }).click();
    await page.getByRole('heading', { name: 'Gateway running' }).waitFor();
    await page.getByRole('tab', { name: 'Settings' }).click();
    const trust = page.getByRole('region', { name: 'Upstream trust' });
    await trust.getByText('No extra CA chosen.').waitFor();
    // The run's NODE_EXTRA_CA_CERTS is named too: it is used as well.
    await trust.getByText(/This run also trusts .*upstream-ca\.pem \(from --extra-ca or NODE_EXTRA_CA_CERTS\)/).waitFor();
    expect(await trust.getByRole('button', { name: /Choose/ }).count()).toBe(0); // no dialog headless

    const field = trust.getByLabel('PEM file');
    await field.fill('corp.pem');
    await field.press('Enter');
    await trust.getByText('Enter the full path, starting with /.').waitFor();

    await field.fill(path.join(launcher.dataDir, 'settings.json'));
    await field.press('Enter');
    const alert = trust.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/settings\.json holds no PEM certificate\. Choose a PEM file: text that starts with -----BEGIN CERTIFICATE-----/);
    expect(await alert.getAttribute('data-code')).toBe('invalid_params');

    const pem = path.join(path.dirname(launcher.dataDir), 'upstream-ca.pem');
    await field.fill(pem);
    await field.press('Enter');
    await trust.getByText(`Using ${pem}: 1 certificate(s): CN=E2E Upstream CA`).waitFor({ timeout: 15_000 });
    await trust.getByText('Saved. The gateway restarted with this CA.').waitFor();
    expect(JSON.parse(readFileSync(path.join(launcher.dataDir, 'settings.json'), 'utf8'))).toMatchObject({
      version: SETTINGS_VERSION,
      upstream: { extraCaFile: pem },
    });
    await expectAccessibleInBothSchemes(page, 'Settings headless (extra CA kept)');

    await page.getByRole('tab', { name: 'Status' }).click();
    await page.getByRole('heading', { name: 'Gateway running' }).waitFor({ timeout: 15_000 });
  });

  test('the log: its path, to copy (no Finder headless); the file is there and holds no token', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    const log = page.getByRole('region', { name: 'Log' });
    const file = path.join(launcher.dataDir, 'logs', 'launcher.log');
    await log.getByText(file).waitFor();
    expect(await log.getByRole('button', { name: 'Show in Finder' }).count()).toBe(0);
    expect(existsSync(file)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text.length).toBeGreaterThan(0);
    const env = await launcher.agentEnv();
    const token = decodeURIComponent(new URL(env.HTTPS_PROXY!).password);
    expect(token.length).toBeGreaterThan(20);
    expect(text).not.toContain(token);
    expect(problems).toEqual([]);
  });
});
