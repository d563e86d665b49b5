import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from 'vitest';
import { run } from '../support/clients.js';
import { launchChromium, popoverPage } from './support/browser.js';
import { fixtureSecretValues, startHeadlessLauncher, type HeadlessLauncher } from './support/headless-launcher.js';
import { expectAccessibleInBothSchemes, focused, parseExports, visibleText } from './support/page-checks.js';

/**
 * Every run takes the screenshots; `UPDATE_SCREENSHOTS=1 npm run test:e2e` writes them over the
 * README's copies in docs/screenshots, other runs keep them in test-results/ (gitignored), so a
 * test run never dirties the checkout.
 */
const SCREENSHOTS = path.resolve(import.meta.dirname, process.env.UPDATE_SCREENSHOTS ? '../../docs/screenshots' : '../../test-results/screenshots');
const BAD_SA_TOKEN = 'ops_not-a-real-token-123';
const REFERENCE = 'op://API Keys/Anthropic/Admin/credential';
const SCREENS = ['Status', 'Mappings', 'Agents', 'Activity', 'Doctor', 'Settings'] as const;

let launcher: HeadlessLauncher;
let browser: Browser;
let page: Page;
let problems: string[];
/** Everything the UI showed, for the secret scan at the end. */
const seen: string[] = [];
const remember = async () => void seen.push(await visibleText(page));

const heading = (name: string | RegExp) => page.getByRole('heading', { name, level: 1 });
const tab = (name: string) => page.getByRole('tab', { name });
const mappingRow = () => page.getByRole('list', { name: 'Mappings' }).getByRole('listitem').filter({ hasText: launcher.upstreamAuthority });

beforeAll(async () => {
  [launcher, browser] = await Promise.all([startHeadlessLauncher(), launchChromium()]);
  ({ page, problems } = await popoverPage(browser, new URL(launcher.signInUrl).origin));
  // Fail on the step that is stuck, well before the test's own timeout.
  page.setDefaultTimeout(8_000);
}, 60_000);

/** On failure: what the popover showed, in test-results/ (not committed). */
function keepScreenshotOnFailure(name: string) {
  onTestFailed(async () => {
    await page.screenshot({ path: path.resolve(import.meta.dirname, `../../test-results/e2e-${name}.png`) }).catch(() => undefined);
  });
}

afterAll(async () => {
  await browser?.close();
  await launcher?.stop();
});

describe('headless UI: onboarding → first mapping → agent setup → a live request', () => {
  test('the one-time link signs in, leaves the address bar, and is worthless a second time', async () => {
    keepScreenshotOnFailure('the-one-time-link-signs-in-leaves-the-ad');
    await page.goto(launcher.signInUrl);
    await heading('Connect 1Password').waitFor();
    expect(page.url()).not.toContain('login=');

    const { context: other, page: reused } = await popoverPage(browser, new URL(launcher.signInUrl).origin);
    await reused.goto(launcher.signInUrl);
    await reused.getByRole('heading', { name: 'Sign in again' }).waitFor();
    expect(await reused.getByRole('alert').innerText()).toMatch(/used or has expired: run onecli-launcher ui/);
    await expectAccessibleInBothSchemes(reused, 'signed out');
    await other.close();
  });

  test('a bad service-account token shows the SDK’s refusal as the fix, and the field keeps what was typed', async () => {
    keepScreenshotOnFailure('a-bad-service-account-token-shows-the-sd');
    const token = page.getByLabel('Service-account token');
    await token.fill(BAD_SA_TOKEN);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/service-account token was refused.*pair again/i);
    expect(await token.inputValue()).toBe(BAD_SA_TOKEN);
    expect(await token.getAttribute('type')).toBe('password');
    await expectAccessibleInBothSchemes(page, 'onboarding: connect 1Password, with an error');
    await remember();
  });

  test('connects the 1Password app, then maps the upstream through the vault → item → field picker', async () => {
    keepScreenshotOnFailure('connects-the-1password-app-then-maps-the');
    await page.getByRole('button', { name: 'Use the 1Password app' }).click();
    await page.getByText('Connected to the 1Password app (2 vaults visible).').waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await heading('Map a host to a key').waitFor();
    // Keyboard users start the new step at its heading.
    expect((await focused(page)).text).toBe('Map a host to a key');

    await page.getByLabel('Vault').selectOption({ label: 'API Keys' });
    await page.getByLabel('Item').selectOption({ label: 'Anthropic (api.anthropic.com)' });
    await page.getByLabel('Field').selectOption({ label: 'Admin › credential (concealed)' });
    // The item's website names a catalog service: it is chosen, with its host.
    expect(await page.getByRole('radio', { name: 'Anthropic' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'api.anthropic.com' }).isChecked()).toBe(true);
    await page.getByRole('radio', { name: 'Other / custom host' }).check();
    const host = page.getByRole('textbox', { name: 'Host' });
    await host.fill(launcher.upstreamAuthority);
    await page.getByText(REFERENCE).waitFor();
    await expectAccessibleInBothSchemes(page, 'onboarding: first mapping');
    await remember();
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await heading('Set up your agent').waitFor();
  });

  test('agent setup: Copy gives env.get’s variables as export lines; Test a request shows 200 and the header name only', async () => {
    keepScreenshotOnFailure('agent-setup-copy-gives-env-get-s-variabl');
    await page.getByRole('button', { name: 'Copy setup' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const copied = (await page.evaluate('navigator.clipboard.readText()')) as string;
    expect(parseExports(copied)).toEqual(await launcher.agentEnv());
    await page.getByText('onecli-launcher run -- <command>').waitFor();

    await page.getByRole('button', { name: 'Test a request' }).click();
    const outcome = page.getByRole('status').filter({ hasText: /^Status 200 in \d+ ms/ });
    await outcome.waitFor();
    expect(await outcome.innerText()).toMatch(/with the authorization header added by the gateway\. The value never left it\./);
    await expectAccessibleInBothSchemes(page, 'onboarding: agent setup');
    await remember();
    await page.getByRole('button', { name: 'Done' }).click();
    await heading('Status').waitFor();
  });

  test('a request an agent makes with that setup appears in Activity live', async () => {
    keepScreenshotOnFailure('a-request-an-agent-makes-with-that-setup');
    await tab('Activity').click();
    const rows = page.getByRole('list', { name: /Recent requests/ }).getByRole('listitem');
    await rows.first().waitFor(); // the test request from the setup step
    const before = await rows.count();
    const vars = await launcher.agentEnv();
    const curl = await run('curl', ['-sS', `https://${launcher.upstreamAuthority}/echo`], { env: { PATH: process.env.PATH, ...vars } });
    expect(curl.stderr).toBe('');
    // The upstream saw a credential (its value is not this test's business).
    expect(JSON.parse(curl.stdout).headers.authorization).toMatch(/^Bearer \S/);
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(before + 1);
    const newest = await rows.first().innerText();
    expect(newest).toContain('200');
    expect(newest).toContain(launcher.upstreamAuthority);
    expect(newest).toContain('default');
    expect(newest).toContain(`mapping ${launcher.upstreamAuthority}`);
    expect(newest).toMatch(/\d+ ms/);
    await remember();
  });

  test('every screen has no axe violations in light and dark; the popover is captured in both', async () => {
    keepScreenshotOnFailure('every-screen-has-no-axe-violations-in-li');
    for (const name of SCREENS) {
      await tab(name).click();
      await heading(name).waitFor();
      if (name === 'Doctor')
        await page
          .getByRole('status')
          .filter({ hasText: /problem|warning|Everything/ })
          .waitFor({ timeout: 15_000 });
      await expectAccessibleInBothSchemes(page, `${name} screen`);
      await remember();
    }
    await tab('Status').click();
    await page.getByRole('heading', { name: 'Gateway running' }).waitFor();
    await page.getByText('1 host').waitFor();
    await page.getByRole('list', { name: 'Latest requests' }).getByRole('listitem').nth(1).waitFor();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'popover-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'popover-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('edit a mapping: a bad template keeps what was typed; a custom header replaces the default', async () => {
    keepScreenshotOnFailure('edit-a-mapping-a-bad-template-keeps-what');
    await tab('Mappings').click();
    await mappingRow().getByRole('button', { name: 'Edit' }).click();
    await heading(`Edit ${launcher.upstreamAuthority}`).waitFor();
    await page.getByLabel('Sent as').selectOption({ label: 'A header, from a template' });
    await page.getByLabel('Header name').fill('x-api-key');
    await page.getByLabel('Value template').fill('Key');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('The template must contain {value}').waitFor();
    expect(await page.getByLabel('Value template').inputValue()).toBe('Key');
    await page.getByLabel('Value template').fill('{value}');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`Saved ${launcher.upstreamAuthority}.`).waitFor();
    await mappingRow().getByText('x-api-key: <value>', { exact: true }).waitFor(); // the list reloads after the save

    await mappingRow().getByRole('button', { name: 'Test a request' }).click();
    const outcome = mappingRow()
      .getByRole('status')
      .filter({ hasText: /^Status 200/ });
    await outcome.waitFor();
    expect(await outcome.innerText()).toContain('with the x-api-key header added');
    await mappingRow().getByRole('button', { name: 'Test', exact: true }).click();
    await mappingRow()
      .getByText(/^Resolved: x-api-key gets \S+ \(\d+ chars\)\.$/)
      .waitFor();
    await remember();
  });

  test('suggestions from 1Password: one click maps an item’s host', async () => {
    keepScreenshotOnFailure('suggestions-from-1password-one-click-map');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('button', { name: 'Add api.openai.com' }).click();
    await page.getByText('Mapped api.openai.com.').waitFor();
    await page.getByRole('list', { name: 'Mappings' }).getByText('api.openai.com').waitFor();
    await remember();
  });

  test('locked 1Password: Test and Test a request both show the fix, which names the 1Password app', async () => {
    keepScreenshotOnFailure('locked-1password-test-and-test-a-request');
    launcher.setOpMode('locked');
    try {
      // Restarting drops the gateway's cached value, as a lock would after its TTL.
      await tab('Status').click();
      const restarted = page.waitForResponse((r) => r.url().endsWith('/api/call/gateway.restart'), { timeout: 15_000 });
      await page.getByRole('button', { name: 'Restart' }).click();
      expect(await (await restarted).json()).toEqual({ result: { state: 'running' } });
      await tab('Mappings').click();
      await mappingRow().getByRole('button', { name: 'Test', exact: true }).click();
      const tested = mappingRow().locator('[data-code="auth_required"]').first();
      await tested.waitFor();
      expect(await tested.innerText()).toMatch(/unlock the 1Password app/i);
      await mappingRow().getByRole('button', { name: 'Test a request' }).click();
      const probed = mappingRow()
        .getByRole('status')
        .filter({ hasText: /status 502/ });
      await probed.waitFor({ timeout: 15_000 });
      expect(await probed.innerText()).toMatch(/1Password app/);
      await expectAccessibleInBothSchemes(page, 'Mappings with a locked 1Password');
      await remember();
      await tab('Status').click();
      await page.getByRole('heading', { name: 'Recent errors' }).waitFor();
      await page.getByText('Unlock the 1Password app (or reconnect 1Password), then retry the request.').first().waitFor();
    } finally {
      launcher.setOpMode('ok');
    }
  });

  test('keyboard only: arrows move between tabs, a dialog closes on Escape and gives focus back', async () => {
    keepScreenshotOnFailure('keyboard-only-arrows-move-between-tabs-a');
    await tab('Status').click();
    await tab('Status').focus();
    await page.keyboard.press('ArrowRight');
    expect(await tab('Mappings').getAttribute('aria-selected')).toBe('true');
    expect(await focused(page)).toEqual({ text: 'Mappings', ring: true });
    await heading('Mappings').waitFor();
    await page.keyboard.press('Tab');
    expect((await focused(page)).text).toBe('Add');
    await mappingRow().getByRole('button', { name: 'Remove' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: `Remove ${launcher.upstreamAuthority}?` });
    await dialog.waitFor();
    expect((await focused(page)).text).toBe('Cancel');
    await expectAccessibleInBothSchemes(page, 'remove-mapping dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused(page)).toEqual({ text: 'Remove', ring: true });
  });

  test('agents: create one, see its setup, revoke it behind a confirm', async () => {
    keepScreenshotOnFailure('agents-create-one-see-its-setup-revoke-i');
    await tab('Agents').click();
    await page.getByLabel('New agent').fill('Bad Name');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Use lower-case letters').waitFor();
    expect(await page.getByLabel('New agent').inputValue()).toBe('Bad Name');
    await page.getByLabel('New agent').fill('ci-bot');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByText('Created “ci-bot”.', { exact: false }).waitFor();
    await page.getByText('Shell setup for “ci-bot”').waitFor();
    const agents = page.getByRole('list', { name: 'Agents' });
    expect(await agents.getByRole('listitem').filter({ hasText: 'default' }).innerText()).toMatch(/last used (just now|\d+ min ago)/);
    await expectAccessibleInBothSchemes(page, 'Agents with a new agent');
    await remember();
    await agents.getByRole('listitem').filter({ hasText: 'ci-bot' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke “ci-bot”?' }).getByRole('button', { name: 'Revoke' }).click();
    await agents.getByRole('listitem').filter({ hasText: 'ci-bot' }).waitFor({ state: 'detached' });
  });

  test('no 1Password value ever reached the page, and the page logged no script or CSP error', async () => {
    keepScreenshotOnFailure('no-1password-value-ever-reached-the-page');
    await remember();
    const everything = seen.join('\n');
    for (const secret of fixtureSecretValues()) expect(everything).not.toContain(secret);
    expect(problems).toEqual([]);
  });
});
