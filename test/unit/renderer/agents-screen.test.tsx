// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { AgentView, ControlResult, MappingView } from '../../../src/shared/control-api.js';
import { AgentsScreen } from '../../../renderer/src/screens/agents/agents-screen.js';
import { activityEntry, deferred, refusal, renderScreen } from './support/fake-launcher.js';

const claude: AgentView = {
  name: 'claude',
  createdAt: '2025-03-04T10:00:00.000Z',
  lastUsed: Date.now() - 5 * 60_000,
  allow: 'all',
  policy: 'allow',
  approved: [],
  egress: { mode: 'open', hosts: [] },
  limits: [],
};
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
        agents.push({
          name,
          createdAt: new Date().toISOString(),
          allow: 'all',
          policy: 'allow',
          approved: [],
          egress: { mode: 'open', hosts: [] },
          limits: [],
        });
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

  test('Access: every mapping or only some, ask first, and "always" answers can be taken back', async () => {
    const ci: AgentView = { ...claude, name: 'ci', allow: 'all', policy: 'ask', approved: ['api.anthropic.com'] };
    const github: MappingView = {
      name: 'api.github.com/repos',
      host: 'api.github.com',
      path: '/repos',
      methods: ['GET'],
      reference: 'local://gh',
      rule: { type: 'bearer' },
      header: 'authorization',
      createdAt: '2025-03-04T10:00:00.000Z',
    };
    const anthropic: MappingView = {
      name: 'api.anthropic.com',
      host: 'api.anthropic.com',
      reference: 'local://a',
      rule: { type: 'x-api-key' },
      header: 'x-api-key',
      createdAt: '2025-03-04T10:00:00.000Z',
    };
    let current = ci;
    const { launcher, user } = renderScreen(<AgentsScreen />, {
      'agents.list': () => [current],
      'mappings.list': () => [anthropic, github],
      'agents.update': ({ name, allow, policy, approved }) => {
        current = { ...current, name, allow: allow ?? current.allow, policy: policy ?? current.policy, approved: approved ?? current.approved };
        return current;
      },
    });
    const row = within(await screen.findByRole('list', { name: 'Agents' })).getAllByRole('listitem')[0] as HTMLElement;
    expect(within(row).getByText(/^May use/).textContent).toBe('May use every mapping · asks before first use');
    await user.click(within(row).getByRole('button', { name: 'Access' }));
    const form = screen.getByRole('form', { name: 'Access for ci' });
    expect(within(form).getByRole('switch', { name: 'Ask before its first use of each mapping' })).toHaveProperty('checked', true);
    await user.click(within(form).getByRole('radio', { name: 'Only these' }));
    // Nothing chosen: said at the field, nothing sent.
    await user.click(within(form).getByRole('button', { name: 'Save access' }));
    expect(within(form).getByText(/^Choose at least one mapping/)).toBeTruthy();
    expect(launcher.callsOf('agents.update')).toEqual([]);
    await user.click(within(form).getByRole('checkbox', { name: /api\.github\.com\/repos/ }));
    await user.click(within(form).getByRole('button', { name: 'Ask again for api.anthropic.com' }));
    await user.click(within(form).getByRole('button', { name: 'Save access' }));
    expect(launcher.callsOf('agents.update')).toEqual([{ name: 'ci', allow: ['api.github.com/repos'], policy: 'ask', approved: [] }]);
    expect(await within(row).findByText('May use api.github.com/repos · asks before first use')).toBeTruthy();
    expect(screen.queryByRole('form', { name: 'Access for ci' })).toBeNull();
  });

  test('a new agent can be made to ask first', async () => {
    const agents: AgentView[] = [];
    const { launcher, user } = renderScreen(<AgentsScreen />, {
      'agents.list': () => [...agents],
      'agents.create': ({ name, policy }) => {
        agents.push({ ...claude, name, policy: policy ?? 'allow' });
        return { name, token: 'tok_secret_once' };
      },
      'env.get': ({ agent }) => envFor(agent ?? 'default'),
    });
    await screen.findByText('No agents yet.');
    await user.type(screen.getByLabelText('New agent'), 'claude');
    await user.click(screen.getByRole('switch', { name: 'Ask before its first use of each mapping' }));
    await user.click(screen.getByRole('button', { name: 'Create' }));
    expect(launcher.callsOf('agents.create')).toEqual([{ name: 'claude', policy: 'ask' }]);
  });
});
