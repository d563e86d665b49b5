// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { AgentView } from '../../../src/shared/control-api.js';
import { PolicyDenials } from '../../../renderer/src/components/policy-denials.js';
import { AgentsScreen } from '../../../renderer/src/screens/agents/agents-screen.js';
import { renderScreen, statusView } from './support/fake-launcher.js';

const ci: AgentView = {
  name: 'ci',
  createdAt: '2025-03-04T10:00:00.000Z',
  allow: 'all',
  policy: 'allow',
  approved: [],
  egress: { mode: 'allowlist', hosts: ['registry.npmjs.org'] },
  limits: [{ max: 100, per: 'minute' }],
};
const mapping = {
  name: 'api.github.com',
  host: 'api.github.com',
  reference: 'op://Dev/GitHub/token',
  rule: { type: 'bearer' as const },
  header: 'authorization',
  blocks: [{ methods: ['DELETE'] }],
  createdAt: 'x',
};

describe('an agent’s policy (issue 14)', () => {
  test('the row says where it may go and how often; Policy edits egress by keyboard and sends only what changed', async () => {
    let agent = ci;
    const { launcher, user } = renderScreen(<AgentsScreen />, {
      'agents.list': () => [agent],
      'mappings.list': () => [mapping],
      'agents.egress': (p) =>
        (agent = {
          ...agent,
          egress: { mode: p.mode ?? agent.egress.mode, hosts: [...agent.egress.hosts.filter((h) => !p.remove?.includes(h)), ...(p.add ?? [])] },
        }),
      'agents.limit': (p) =>
        (agent = { ...agent, limits: p.off ? [] : [...agent.limits, { max: p.max!, per: p.per!, ...(p.mapping ? { mapping: p.mapping } : {}) }] }),
    });
    const row = within(await screen.findByRole('list', { name: 'Agents' })).getAllByRole('listitem')[0] as HTMLElement;
    expect(within(row).getByText(/^Reaches only/).textContent).toBe('Reaches only its mappings and 1 host · at most 100/minute');
    await user.click(within(row).getByRole('button', { name: 'Policy' }));
    const hosts = await screen.findByLabelText('Allowed hosts, one per line');
    await user.clear(hosts);
    await user.type(hosts, 'pypi.org');
    await user.click(screen.getByRole('button', { name: 'Save egress' }));
    expect(launcher.callsOf('agents.egress')).toEqual([{ name: 'ci', mode: 'allowlist', add: ['pypi.org'], remove: ['registry.npmjs.org'] }]);
    await user.click(screen.getByRole('button', { name: 'Add GitHub' }));
    expect(launcher.callsOf('agents.egress')[1]).toEqual({ name: 'ci', presets: ['github'] });
    // The block rules of the mappings in its scope are shown (they are the mapping's, for every agent).
    expect(screen.getByRole('list', { name: 'Block rules that apply to ci' }).textContent).toBe('api.github.com: DELETE /');
    await user.click(screen.getByRole('button', { name: 'Remove the limit 100/minute' }));
    expect(launcher.callsOf('agents.limit')).toEqual([{ name: 'ci', off: true, per: 'minute' }]);
    await user.clear(screen.getByLabelText('At most'));
    await user.type(screen.getByLabelText('At most'), '5');
    await user.selectOptions(screen.getByLabelText('requests per'), 'hour');
    await user.selectOptions(screen.getByLabelText('on'), 'api.github.com');
    await user.click(screen.getByRole('button', { name: 'Set limit' }));
    expect(launcher.callsOf('agents.limit')[1]).toEqual({ name: 'ci', max: 5, per: 'hour', mapping: 'api.github.com' });
  });

  test('a refusal shows above the screens with its one-click fix; the fix calls the launcher', async () => {
    const at = Date.now() - 5_000;
    const { launcher, user } = renderScreen(<PolicyDenials />, {
      'status.get': () =>
        statusView({
          policyDenials: [
            {
              agent: 'claude',
              host: 'paste.example',
              mapping: null,
              decision: 'egress_denied',
              rule: 'egress allowlist',
              at,
              count: 3,
              fix: { kind: 'allow-egress', agent: 'claude', host: 'paste.example' },
            },
            { agent: 'claude', host: 'api.openai.com', mapping: 'api.openai.com', decision: 'rate_limited', rule: '10/minute', at, count: 1 },
          ],
        }),
      'agents.egress': () => ci,
    });
    const region = await screen.findByRole('region', { name: 'Recently refused by policy' });
    await within(region).findByRole('button', { name: 'Allow paste.example for claude' });
    expect(region.textContent).toContain('claude was refused paste.example: not on its egress allowlist (egress allowlist) · 3 times');
    expect(region.textContent).toContain('over its rate limit (10/minute)');
    await user.click(within(region).getByRole('button', { name: 'Allow paste.example for claude' }));
    expect(launcher.callsOf('agents.egress')).toEqual([{ name: 'claude', add: ['paste.example'] }]);
    expect(await within(region).findByText('Done: its next request goes through.')).toBeTruthy();
  });
});
