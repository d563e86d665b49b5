// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { ControlResult } from '../../../src/shared/control-api.js';
import { AgentsScreen } from '../../../renderer/src/screens/agents/agents-screen.js';
import { activityEntry, deferred, refusal, renderScreen } from './support/fake-launcher.js';

const claude = { name: 'claude', createdAt: '2025-03-04T10:00:00.000Z', lastUsed: Date.now() - 5 * 60_000 };
const envFor = (agent: string) => ({
  agent,
  vars: { HTTPS_PROXY: `http://x:tok_${agent}@127.0.0.1:10255`, ANTHROPIC_BASE_URL: 'http://127.0.0.1:10255/r/anthropic' },
});

describe('Agents screen', () => {
  test('loading, then each agent with when it was made and last used, and the hosts it reached', async () => {
    const list = deferred<ControlResult<'agents.list'>>();
    renderScreen(<AgentsScreen />, {
      'agents.list': () => list.promise,
      'activity.recent': () => [
        activityEntry({ agent: 'claude', host: 'api.anthropic.com' }),
        activityEntry({ agent: 'claude', host: 'api.anthropic.com', status: 502, error: 'auth_required' }),
      ],
    });
    expect(screen.getByText('Loading agents…')).toBeTruthy();
    list.resolve([claude]);
    const row = within(await screen.findByRole('list', { name: 'Agents' })).getAllByRole('listitem')[0] as HTMLElement;
    expect(within(row).getByText(/^Created /).textContent).toBe('Created Mar 4, 2025 · last used 5 min ago');
    expect((await within(row).findByRole('list', { name: 'Hosts claude used' })).textContent).toBe('api.anthropic.com: 2 requests, 1 failed, just now');
  });

  test('no agents yet says so', async () => {
    renderScreen(<AgentsScreen />, { 'agents.list': () => [] });
    expect(await screen.findByText('No agents yet.')).toBeTruthy();
  });

  test('a name the launcher would refuse is explained at the field, and nothing is sent', async () => {
    const { launcher, user } = renderScreen(<AgentsScreen />, { 'agents.list': () => [] });
    await user.type(screen.getByLabelText('New agent'), 'CI Bot{Enter}');
    const field = screen.getByLabelText('New agent');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/^Use lower-case letters/).textContent).toBe('Use lower-case letters, digits, ".", "_" or "-" (up to 40), such as ci-bot.');
    expect(field.getAttribute('aria-describedby')).toBe(screen.getByText(/^Use lower-case letters/).id);
    expect(launcher.callsOf('agents.create')).toEqual([]);
  });

  test('creating an agent shows its setup to copy, and lists it', async () => {
    const agents = [claude];
    const { launcher, user } = renderScreen(<AgentsScreen />, {
      'agents.list': () => [...agents],
      'agents.create': ({ name }) => {
        agents.push({ name, createdAt: new Date().toISOString(), lastUsed: undefined as never });
        return { name, token: 'tok_secret_once' };
      },
      'env.get': ({ agent }) => envFor(agent ?? 'default'),
    });
    await screen.findByRole('list', { name: 'Agents' });
    await user.type(screen.getByLabelText('New agent'), ' ci-bot ');
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(launcher.callsOf('agents.create')).toEqual([{ name: 'ci-bot' }]);
    expect((await screen.findByText(/^Created “ci-bot”/)).textContent).toBe('Created “ci-bot”. Copy its setup into the shell that runs it:');
    const setup = await screen.findByLabelText('Shell setup for “ci-bot”');
    expect(setup.textContent).toBe("export HTTPS_PROXY='http://x:tok_ci-bot@127.0.0.1:10255'\nexport ANTHROPIC_BASE_URL='http://127.0.0.1:10255/r/anthropic'");
    expect(screen.queryByText(/tok_secret_once/)).toBeNull();
    expect(
      within(await screen.findByRole('list', { name: 'Agents' }))
        .getAllByRole('listitem')
        .map((li) => li.querySelector('strong')?.textContent),
    ).toEqual(['claude', 'ci-bot']);
    expect((screen.getByLabelText('New agent') as HTMLInputElement).value).toBe('');
  });

  test('a name already taken: the launcher’s fix is shown, and what was typed stays', async () => {
    const { user } = renderScreen(<AgentsScreen />, {
      'agents.list': () => [claude],
      'agents.create': () => Promise.reject(refusal('conflict', 'An agent named claude exists: choose another name, or revoke it first.')),
    });
    await user.type(screen.getByLabelText('New agent'), 'claude{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe('An agent named claude exists: choose another name, or revoke it first.');
    expect((screen.getByLabelText('New agent') as HTMLInputElement).value).toBe('claude');
  });

  test('Setup shows an agent’s environment, and its error when there is none', async () => {
    const { user } = renderScreen(<AgentsScreen />, {
      'agents.list': () => [claude],
      'env.get': () => Promise.reject(refusal('not_found', 'No agent named claude: it was revoked. Create a new one.')),
    });
    const setupButton = await screen.findByRole('button', { name: 'Setup' });
    expect(setupButton.getAttribute('aria-expanded')).toBe('false');
    await user.click(setupButton);
    expect(screen.getByRole('button', { name: 'Hide setup' }).getAttribute('aria-expanded')).toBe('true');
    expect((await screen.findByRole('alert')).textContent).toBe('No agent named claude: it was revoked. Create a new one.');
  });

  test('revoking asks first (Cancel has focus, Escape backs out), then revokes and refreshes the list', async () => {
    let agents = [claude];
    const { launcher, user } = renderScreen(<AgentsScreen />, {
      'agents.list': () => agents,
      'agents.revoke': ({ name }) => {
        agents = agents.filter((a) => a.name !== name);
        return { revoked: true };
      },
    });
    const revoke = await screen.findByRole('button', { name: 'Revoke' });
    await user.click(revoke);
    const dialog = screen.getByRole('dialog', { name: 'Revoke “claude”?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    // (Where focus returns is left to the e2e tests: happy-dom lets autoFocus land inside a
    // dialog before showModal(), which Chromium does not, so the opener is not what it would be.)
    expect(launcher.callsOf('agents.revoke')).toEqual([]);

    await user.click(revoke);
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('No agents yet.')).toBeTruthy();
    expect(launcher.callsOf('agents.revoke')).toEqual([{ name: 'claude' }]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  test('a failed revoke keeps the dialog open with the launcher’s fix', async () => {
    const { user } = renderScreen(<AgentsScreen />, {
      'agents.list': () => [claude],
      'agents.revoke': () => Promise.reject(refusal('no_keychain', 'The keychain is locked: unlock it, then revoke again.')),
    });
    await user.click(await screen.findByRole('button', { name: 'Revoke' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect((await within(dialog).findByRole('alert')).textContent).toBe('The keychain is locked: unlock it, then revoke again.');
  });

  test('when the list cannot be read, the launcher’s fix is shown', async () => {
    renderScreen(<AgentsScreen />, {
      'agents.list': () => Promise.reject(refusal('no_keychain', 'No keychain is reachable: agent tokens cannot be read. See Doctor.')),
    });
    expect((await screen.findByRole('alert')).textContent).toBe('No keychain is reachable: agent tokens cannot be read. See Doctor.');
  });
});
