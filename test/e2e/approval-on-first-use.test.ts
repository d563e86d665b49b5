import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from 'vitest';
import { cli, cliOk } from '../support/cli.js';
import { run, tlsThroughProxy } from '../support/clients.js';
import { waitFor } from '../support/wait-for.js';
import { launchChromium, popoverPage } from './support/browser.js';
import { startHeadlessLauncher, type HeadlessLauncher } from './support/headless-launcher.js';
import { expectAccessibleInBothSchemes, focused, visibleText } from './support/page-checks.js';

/**
 * Issue 12 end to end, headless: an agent created with --ask sends a real request (curl through
 * the proxy door), the web UI shows its approval card, the user answers by keyboard, and the held
 * request completes with the credential injected upstream (or is refused, on Deny). The CLI's
 * `approvals` answers the same cards.
 */
const VALUE = 'sk-e2e-approval-0123456789abcdef';

let launcher: HeadlessLauncher;
let browser: Browser;
let page: Page;
let problems: string[];

const ok = (args: string[], input?: string) => cliOk(args, launcher.env, input);
/** curl through the gateway as the agent, as its shell would (its `env`); started, not awaited. */
const curlAs = async (agent: string, urlPath = '/echo') => {
  const vars = await launcher.agentEnv(agent);
  return run('curl', ['-sS', '-w', '\n%{http_code}', '-D', '-', `https://${launcher.upstreamAuthority}${urlPath}`], {
    env: { PATH: process.env.PATH, ...vars },
    timeoutMs: 75_000,
  });
};
const card = (agent: string) =>
  page.getByRole('region', { name: 'Waiting for your approval' }).getByRole('listitem', { name: `${agent} wants to use ${launcher.upstreamAuthority}` });

beforeAll(async () => {
  [launcher, browser] = await Promise.all([startHeadlessLauncher(), launchChromium()]);
  ({ page, problems } = await popoverPage(browser, new URL(launcher.signInUrl).origin));
  page.setDefaultTimeout(10_000);
  await ok(['secrets', 'set', 'up-key', '-'], VALUE);
  await ok(['mappings', 'add', launcher.upstreamAuthority, 'local://up-key']);
  await ok(['agents', 'create', 'asker', '--ask', '--allow', launcher.upstreamAuthority]);
  await ok(['agents', 'create', 'doubter', '--ask']);
  await ok(['agents', 'create', 'scripted', '--ask']);
  await ok(['agents', 'create', 'quitter', '--ask']);
  await ok(['agents', 'create', 'ws-quitter', '--ask']);
  // A mapping exists, so the UI opens on the main screens, not onboarding.
  await page.goto(launcher.signInUrl);
  await page.getByRole('heading', { name: 'Gateway running' }).waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await launcher?.stop();
});

function keepScreenshotOnFailure(name: string) {
  onTestFailed(async () => {
    await page.screenshot({ path: path.resolve(import.meta.dirname, `../../test-results/e2e-${name}.png`) }).catch(() => undefined);
  });
}

describe('approval on first use (issue 12)', () => {
  test('request → card → Allow for this session by keyboard → the request completes with the credential injected', async () => {
    keepScreenshotOnFailure('approval-allow');
    const before = launcher.upstream.requests.length;
    const request = curlAs('asker');
    const shown = card('asker');
    await shown.waitFor();
    expect(await shown.innerText()).toMatch(/Its request waits for your answer \(\d+ s left\)/);
    // Held: nothing reached the upstream before the answer.
    expect(launcher.upstream.requests.length).toBe(before);
    await expectAccessibleInBothSchemes(page, 'an approval card');
    // Keyboard: the card's first button, then Enter.
    await shown.getByRole('button', { name: 'Allow for this session' }).focus();
    expect(await focused(page)).toEqual({ text: 'Allow for this session', ring: true });
    await page.keyboard.press('Enter');
    const r = await request;
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('200');
    expect(launcher.upstream.requests.slice(before)).toHaveLength(1);
    expect(launcher.upstream.requests.at(-1)?.headers.authorization).toBe(`Bearer ${VALUE}`);
    await shown.waitFor({ state: 'detached' });
    // The session holds: the next request asks nobody.
    const again = await curlAs('asker');
    expect(again.stdout.trim().split('\n').at(-1)).toBe('200');
    expect(await page.getByRole('region', { name: 'Waiting for your approval' }).getByRole('listitem').count()).toBe(0);
    // Activity names the agent, the mapping and the decision; never the value.
    await page.getByRole('tab', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    expect(await visibleText(page)).not.toContain(VALUE);
  });

  test('Deny: the held request gets 403 denied, and nothing reaches the upstream', async () => {
    keepScreenshotOnFailure('approval-deny');
    const before = launcher.upstream.requests.length;
    const request = curlAs('doubter');
    const shown = card('doubter');
    await shown.waitFor();
    await shown.getByRole('button', { name: 'Deny' }).focus();
    await page.keyboard.press('Enter');
    const r = await request;
    expect(r.stdout.trim().split('\n').at(-1)).toBe('403');
    expect(r.stdout.toLowerCase()).toContain('x-onecli-error: denied');
    expect(launcher.upstream.requests.length).toBe(before);
    await shown.waitFor({ state: 'detached' });
  });

  test('an agent that gives up while its request waits: allowing it afterwards sends nothing upstream', async () => {
    keepScreenshotOnFailure('approval-abandoned');
    const before = launcher.upstream.requests.length;
    const vars = await launcher.agentEnv('quitter');
    // curl stops waiting after 2 s and exits: its tunnel to the gateway closes with it.
    const request = run('curl', ['-sS', '--max-time', '2', `https://${launcher.upstreamAuthority}/echo`], {
      env: { PATH: process.env.PATH, ...vars },
      timeoutMs: 20_000,
    });
    const shown = card('quitter');
    await shown.waitFor();
    expect((await request).code, 'curl gave up (its exit code for a timeout)').toBe(28);
    const pending = await waitFor(
      async () => (JSON.parse(await ok(['approvals', 'list', '--json'])) as { id: string; agent: string }[]).find((a) => a.agent === 'quitter'),
      10_000,
      'the approval in approvals list',
    );
    expect(await ok(['approvals', 'allow', pending.id])).toMatch(/^Allowed quitter to use /);
    await shown.waitFor({ state: 'detached' });
    // Before, the request went upstream with the credential once allowed, for nobody.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(launcher.upstream.requests.slice(before).map((r) => r.path)).toEqual([]);
  });

  test('the same for a WebSocket: an upgrade whose agent left before the answer opens nothing upstream', async () => {
    keepScreenshotOnFailure('approval-abandoned-ws');
    const before = launcher.upstream.upgrades.length;
    const vars = await launcher.agentEnv('ws-quitter');
    const proxy = new URL(vars.HTTPS_PROXY as string);
    const socket = await tlsThroughProxy(Number(proxy.port), decodeURIComponent(proxy.password), launcher.upstreamAuthority, {
      ca: readFileSync(vars.NODE_EXTRA_CA_CERTS as string, 'utf8'),
    });
    socket.on('error', () => undefined);
    socket.write(
      `GET /ws HTTP/1.1\r\nHost: ${launcher.upstreamAuthority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const shown = card('ws-quitter');
    await shown.waitFor();
    socket.destroy();
    const pending = await waitFor(
      async () => (JSON.parse(await ok(['approvals', 'list', '--json'])) as { id: string; agent: string }[]).find((a) => a.agent === 'ws-quitter'),
      10_000,
      'the approval in approvals list',
    );
    expect(await ok(['approvals', 'allow', pending.id])).toMatch(/^Allowed ws-quitter to use /);
    await shown.waitFor({ state: 'detached' });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(launcher.upstream.upgrades.length - before, 'WebSockets the upstream accepted').toBe(0);
  });

  test('the CLI answers the same cards: approvals list --json, approvals allow ID --always (kept in the settings)', async () => {
    keepScreenshotOnFailure('approval-cli');
    const request = curlAs('scripted');
    await card('scripted').waitFor();
    const pending = await waitFor(
      async () => {
        const list = JSON.parse(await ok(['approvals', 'list', '--json'])) as { id: string; agent: string; mapping: string }[];
        return list.find((a) => a.agent === 'scripted');
      },
      10_000,
      'the approval in approvals list',
    );
    expect(pending.mapping).toBe(launcher.upstreamAuthority);
    expect(await ok(['approvals', 'allow', pending.id, '--always'])).toMatch(/^Allowed scripted to use .* always/);
    const r = await request;
    expect(r.stdout.trim().split('\n').at(-1)).toBe('200');
    await card('scripted').waitFor({ state: 'detached' });
    const agents = JSON.parse(await ok(['agents', 'list', '--json'])) as { name: string; allow: unknown; policy: string; approved: string[] }[];
    expect(agents.find((a) => a.name === 'scripted')).toMatchObject({ allow: 'all', policy: 'ask', approved: [launcher.upstreamAuthority] });
    expect(agents.find((a) => a.name === 'asker')).toMatchObject({ allow: [launcher.upstreamAuthority], policy: 'ask', approved: [] });
    // A late answer: the CLI says what happened and exits non-zero.
    const late = await cli(['approvals', 'deny', pending.id], launcher.env);
    expect(late.code).not.toBe(0);
    expect(late.stderr).toMatch(/is waiting: it was answered, or its request gave up after 60 s/);
    expect(problems).toEqual([]);
  });

  test('policy (issue 14): a refused host shows with its one-click fix, the agent page edits egress and limits, by keyboard, axe 0 in both schemes', async () => {
    keepScreenshotOnFailure('policy');
    await ok(['agents', 'create', 'fenced', '--egress', 'allowlist']);
    const vars = await launcher.agentEnv('fenced');
    // An unmapped host: the gateway refuses it before opening anything (plain HTTP, so curl shows the JSON).
    const refused = await run('curl', ['-sS', '-w', '\n%{http_code}', 'http://127.0.0.9:9/upload'], {
      env: { PATH: process.env.PATH, ...vars },
      timeoutMs: 20_000,
    });
    expect(refused.stdout.trim().split('\n').at(-1)).toBe('403');
    const region = page.getByRole('region', { name: 'Recently refused by policy' });
    const fix = region.getByRole('button', { name: 'Allow 127.0.0.9:9 for fenced' });
    await fix.waitFor();
    await expectAccessibleInBothSchemes(page, 'a policy refusal card');
    await fix.focus();
    await page.keyboard.press('Enter');
    await region.getByText('Done: its next request goes through.').waitFor();
    const agents = JSON.parse(await ok(['agents', 'list', '--json'])) as { name: string; egress: { mode: string; hosts: string[] } }[];
    expect(agents.find((a) => a.name === 'fenced')?.egress).toEqual({ mode: 'allowlist', hosts: ['127.0.0.9:9'] });
    // The agent's page: Policy, by keyboard.
    await page.getByRole('tab', { name: 'Agents' }).click();
    const row = page
      .getByRole('list', { name: 'Agents' })
      .getByRole('listitem')
      .filter({ has: page.getByText('fenced', { exact: true }) });
    await row.getByRole('button', { name: 'Policy' }).focus();
    await page.keyboard.press('Enter');
    await row.getByRole('form', { name: 'Egress for fenced' }).waitFor();
    await expectAccessibleInBothSchemes(page, "an agent's policy");
    await row.getByLabel('At most').fill('30');
    await row.getByRole('button', { name: 'Set limit' }).focus();
    await page.keyboard.press('Enter');
    await row.getByRole('button', { name: 'Remove the limit 30/minute' }).waitFor();
    const after = JSON.parse(await ok(['agents', 'list', '--json'])) as { name: string; limits: unknown[] }[];
    expect(after.find((a) => a.name === 'fenced')?.limits).toEqual([{ max: 30, per: 'minute' }]);
    expect(problems).toEqual([]);
  });
});
