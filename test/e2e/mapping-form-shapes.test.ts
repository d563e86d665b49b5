import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, onTestFailed, test } from 'vitest';
import type { MappingView } from '../../src/shared/control-api.js';
import { cliOk } from '../support/cli.js';
import { run } from '../support/clients.js';
import { launchChromium, popoverPage } from './support/browser.js';
import { fixtureSecretValues, startHeadlessLauncher, type HeadlessLauncher } from './support/headless-launcher.js';
import { expectAccessibleInBothSchemes, focused, visibleText } from './support/page-checks.js';

/**
 * Issue 13 in the UI, headless: the mapping form starts from the provider catalog, takes the
 * host(s) and shape from the preset and the secret from a 1Password item, and saves the shape as
 * data; editing a Basic, query or several-header mapping keeps its shape. What was stored is read
 * back through the control API, as the UI itself reads it.
 */
const QUERY_VALUE = 'e2e-query-value-0123456789';

let launcher: HeadlessLauncher;
let browser: Browser;
let page: Page;
let problems: string[];

const ok = (args: string[], input?: string) => cliOk(args, launcher.env, input);
const heading = (name: string) => page.getByRole('heading', { name, level: 1 });
const row = (name: string) =>
  page
    .getByRole('list', { name: 'Mappings' })
    .getByRole('listitem')
    .filter({ has: page.locator('.host', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });

/** `mappings.list` over the control API, with this page's session: what the launcher stored. */
async function storedMappings(): Promise<MappingView[]> {
  return page.evaluate(async () => {
    const res = await fetch('/api/call/mappings.list', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    return ((await res.json()) as { result: MappingView[] }).result;
  });
}
const stored = async (name: string) => (await storedMappings()).find((m) => m.name === name);

async function press(...keys: string[]) {
  for (const key of keys) await page.keyboard.press(key);
}

/** Tab until the focused element's text or label is `text` (at most `max` presses). */
async function tabTo(text: string | RegExp, max = 40) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const now = await focusedLabel();
    if (typeof text === 'string' ? now === text : text.test(now)) return;
  }
  throw new Error(`Tab never reached ${String(text)}`);
}
/** The focused control's accessible label: its <label>, aria-label or text. */
function focusedLabel(): Promise<string> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return '';
    const label = el.labels && el.labels[0] ? el.labels[0].textContent : '';
    return (el.getAttribute('aria-label') || label || el.textContent || '').trim();
  })()`) as Promise<string>;
}

function keepScreenshotOnFailure(name: string) {
  onTestFailed(async () => {
    await page.screenshot({ path: path.resolve(import.meta.dirname, `../../test-results/e2e-${name}.png`), fullPage: true }).catch(() => undefined);
  });
}

beforeAll(async () => {
  [launcher, browser] = await Promise.all([startHeadlessLauncher(), launchChromium()]);
  ({ page, problems } = await popoverPage(browser, new URL(launcher.signInUrl).origin));
  page.setDefaultTimeout(10_000);
  await ok(['pair', '--desktop']);
  await ok(['secrets', 'set', 'q-key', '-'], QUERY_VALUE);
  await ok(['secrets', 'set', 'cf-id', '-'], 'e2e-cf-id-0123456789');
  await ok(['secrets', 'set', 'cf-secret', '-'], 'e2e-cf-secret-0123456789');
  // Three shapes the form must keep: Basic from a template, a query parameter (on the live upstream), several headers.
  await ok(['mappings', 'add', 'git.corp.example', 'local://cf-id', '--basic', 'x-access-token:{value}']);
  await ok(['mappings', 'add', launcher.upstreamAuthority, 'local://q-key', '--query', 'key']);
  await ok([
    'mappings',
    'add',
    'app.corp.example',
    'local://cf-id',
    'local://cf-secret',
    '--header',
    'CF-Access-Client-Id',
    '--header',
    'CF-Access-Client-Secret',
  ]);
  await page.goto(launcher.signInUrl);
  await page.getByRole('heading', { name: 'Gateway running' }).waitFor();
  await page.getByRole('tab', { name: 'Mappings' }).click();
  await heading('Mappings').waitFor();
}, 60_000);

// Each test starts at the list, whatever the one before left open.
beforeEach(async () => {
  const back = page.getByRole('button', { name: 'Back to mappings' });
  if (await back.isVisible()) await back.click();
  await heading('Mappings').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await launcher?.stop();
});

describe('the mapping form: a service from the catalog, an item from 1Password, the shape as data', () => {
  test('keyboard only: search, pick Stripe, keep its host and Basic preset, pick an item, save; the launcher stored that shape', async () => {
    keepScreenshotOnFailure('mapping-form-keyboard');
    await page.getByRole('button', { name: 'Add', exact: true }).focus();
    await press('Enter');
    await heading('Add a mapping').waitFor();
    await tabTo('Search services');
    await page.keyboard.type('stripe');
    await tabTo('Stripe'); // the list's first radio; none is chosen yet
    expect(await focused(page)).toMatchObject({ ring: true });
    await press('Space');
    const hosts = page.getByRole('group', { name: 'Hosts' });
    await hosts.waitFor();
    expect(await hosts.getByRole('checkbox', { name: 'api.stripe.com' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Sent as').inputValue()).toBe('basic');
    expect(await page.getByLabel('User and password').inputValue()).toBe('{value}:');
    await page.locator('code', { hasText: /^Basic <value>:$/ }).waitFor();

    // The item: vault, item and field by keyboard (arrows change a closed select).
    const loaded = (name: string) => page.getByRole('option', { name }).waitFor({ state: 'attached' });
    await loaded('API Keys');
    await tabTo('Vault');
    await press('ArrowDown');
    await loaded('Anthropic (api.anthropic.com)');
    await tabTo('Item');
    await press('ArrowDown');
    await loaded('Admin › credential (concealed)');
    await tabTo('Field');
    while ((await page.getByLabel('Field').inputValue()) !== 'op://API Keys/Anthropic/Admin/credential') await press('ArrowDown');
    await page.getByText('op://API Keys/Anthropic/Admin/credential', { exact: true }).waitFor();
    await expectAccessibleInBothSchemes(page, 'mapping form: Stripe picked, an item chosen');
    await tabTo('Add mapping');
    await press('Enter');

    await page.getByText('Mapped api.stripe.com: requests to it get Basic <value>:.').waitFor();
    expect(await stored('api.stripe.com')).toMatchObject({
      host: 'api.stripe.com',
      reference: 'op://API Keys/Anthropic/Admin/credential',
      rule: { type: 'basic', template: '{value}:' },
    });
    // Back where the user started: the Add button.
    await expect.poll(async () => (await focused(page)).text).toBe('Add');
  });

  test('a service with several hosts: GitHub’s git and API hosts in one save, each with its own shape', async () => {
    keepScreenshotOnFailure('mapping-form-github');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('searchbox', { name: 'Search services' }).fill('github');
    await page.getByRole('radio', { name: 'GitHub' }).check();
    await page.getByRole('checkbox', { name: 'api.github.com' }).check();
    await page.getByText('Each host gets its own shape:').waitFor();
    await page.getByLabel('Vault').selectOption({ label: 'API Keys' });
    await page.getByLabel('Item').selectOption({ label: 'OpenAI (api.openai.com)' });
    await page.getByLabel('Field').selectOption({ label: 'password (concealed)' });
    await expectAccessibleInBothSchemes(page, 'mapping form: GitHub with two hosts');
    await page.getByRole('button', { name: 'Add mapping' }).click();
    await page.getByText('Mapped github.com, api.github.com.').waitFor();
    expect((await stored('github.com'))?.rule).toEqual({ type: 'basic', template: 'x-access-token:{value}' });
    expect((await stored('api.github.com'))?.rule).toEqual({ type: 'bearer' });
    await row('github.com').getByText('Basic x-access-token:<value>').waitFor();
  });

  test('editing a Basic, a query and a several-header mapping keeps each shape; the query one still works live', async () => {
    keepScreenshotOnFailure('mapping-form-edit-keeps-shape');
    for (const name of ['git.corp.example', launcher.upstreamAuthority, 'app.corp.example']) {
      const before = await stored(name);
      expect(before).toBeDefined();
      await row(name).getByRole('button', { name: 'Edit' }).click();
      await heading(`Edit ${name}`).waitFor();
      if (name === 'app.corp.example') {
        // Each header's secret is shown with it, typed as stored.
        const second = page.getByRole('group', { name: 'Secret for cf-access-client-secret' });
        expect(await second.getByLabel('Reference', { exact: true }).inputValue()).toBe('local://cf-secret');
        await expectAccessibleInBothSchemes(page, 'editing a several-header mapping');
      }
      await page.getByText('Path and methods (optional)').click();
      await page.getByLabel('Methods').fill('GET, HEAD');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText(`Saved ${name}.`).waitFor();
      const after = await stored(name);
      expect(after?.rule, name).toEqual(before?.rule);
      expect(after?.reference).toBe(before?.reference);
      expect(after?.methods).toEqual(['GET', 'HEAD']);
    }
    // The gateway got the kept shape: the agent's own ?key= is replaced by the secret.
    const vars = await launcher.agentEnv();
    const curl = await run('curl', ['-sS', `https://${launcher.upstreamAuthority}/echo?key=agent-own&x=1`], { env: { PATH: process.env.PATH, ...vars } });
    expect(curl.stderr).toBe('');
    expect(launcher.upstream.requests.at(-1)?.path).toBe(`/echo?x=1&key=${QUERY_VALUE}`);
    // …and the echo of it comes back masked.
    expect(JSON.parse(curl.stdout).path).toBe(`/echo?x=1&key=${'*'.repeat(QUERY_VALUE.length)}`);
  });

  test('no secret value reached the page, and the page logged no script or CSP error', async () => {
    const text = await visibleText(page);
    for (const secret of [...fixtureSecretValues(), QUERY_VALUE]) expect(text).not.toContain(secret);
    expect(problems).toEqual([]);
  });
});
