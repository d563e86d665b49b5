// @vitest-environment happy-dom
import { act, screen, within } from '@testing-library/react';
import { describe, expect, test, vi } from 'vitest';
import type { StatusView } from '../../../src/shared/control-api.js';
import { StatusScreen } from '../../../renderer/src/screens/status-screen.js';
import { UNREADABLE_ANSWER } from '../../../renderer/src/transport/control-call-error.js';
import { activityEntry, deferred, refusal, renderScreen, statusView } from './support/fake-launcher.js';

const gatewayCard = () => screen.getByRole('region', { name: /^Gateway/ });

describe('Status screen', () => {
  test('says it is loading until the launcher answers', async () => {
    const answer = deferred<StatusView>();
    renderScreen(<StatusScreen onNavigate={vi.fn()} />, { 'status.get': () => answer.promise });
    expect(screen.getByText('Loading status…')).toBeTruthy();
    answer.resolve(statusView());
    expect(await screen.findByRole('heading', { name: 'Status', level: 1 })).toBeTruthy();
  });

  test('a running gateway: its address, the 1Password source, the store, counts and the latest requests', async () => {
    renderScreen(<StatusScreen onNavigate={vi.fn()} />, {
      'status.get': () => statusView({ mappings: 2, agents: 1, source: { kind: 'desktop', detail: 'my.1password.com' } }),
      'activity.recent': () => [activityEntry({ host: 'api.anthropic.com', agent: 'claude' })],
      'doctor.run': () => [{ id: 'source.desktop', title: '1Password app integration', status: 'ok', detail: '3 vault(s) visible' }],
    });
    expect(await screen.findByRole('heading', { name: 'Gateway running', level: 2 })).toBeTruthy();
    expect(within(gatewayCard()).getByText('127.0.0.1:10255')).toBeTruthy();
    const details = screen.getByRole('region', { name: 'Details' });
    expect(await within(details).findByText('3 vault(s) visible')).toBeTruthy();
    expect(within(details).getByText(/^1Password app \(my\.1password\.com\)/)).toBeTruthy();
    expect(within(details).getByText('Keychain')).toBeTruthy();
    expect(within(details).getByRole('button', { name: '2 hosts' })).toBeTruthy();
    expect(within(details).getByRole('button', { name: '1 agent' })).toBeTruthy();
    const latest = await screen.findByRole('list', { name: 'Latest requests' });
    expect(within(latest).getByRole('listitem').textContent).toMatch(/200api\.anthropic\.com · claudejust now/);
  });

  test('1Password not connected: a Connect 1Password button, not a command, and it connects here', async () => {
    const { user, launcher } = renderScreen(<StatusScreen onNavigate={vi.fn()} />, {
      'status.get': () => statusView({ source: { kind: 'none' } }),
      'doctor.run': () => [
        {
          id: 'source.connected',
          title: '1Password',
          status: 'warn',
          detail: 'no 1Password source connected (local:// secrets still work)',
          fix: 'Connect 1Password: the 1Password app, or a service-account token.',
          remedy: 'connect-1password',
        },
      ],
      'pair.desktop': () => ({ vaults: 2, op: 'op' }),
    });
    const details = await screen.findByRole('region', { name: 'Details' });
    expect(await within(details).findByText('no 1Password source connected (local:// secrets still work)')).toBeTruthy();
    expect(details.textContent).not.toMatch(/onecli-launcher/);
    await user.click(within(details).getByRole('button', { name: 'Connect 1Password' }));
    const dialog = await screen.findByRole('dialog', { name: 'Connect 1Password' });
    await user.click(within(dialog).getByRole('button', { name: 'Use the 1Password app' }));
    expect(await within(dialog).findByText('Connected to the 1Password app (2 vaults visible).')).toBeTruthy();
    expect(launcher.callsOf('pair.desktop')).toHaveLength(1);
  });

  test('a gateway that could not take its port says which port, and links to Settings', async () => {
    const onNavigate = vi.fn();
    const { user } = renderScreen(<StatusScreen onNavigate={onNavigate} />, {
      'status.get': () =>
        statusView({
          gateway: {
            state: 'failed',
            port: 10255,
            address: undefined,
            reason: 'listen EADDRINUSE: address already in use 127.0.0.1:10255',
            errno: 'EADDRINUSE',
          },
        }),
    });
    expect(await screen.findByRole('heading', { name: 'Gateway failed' })).toBeTruthy();
    expect(within(gatewayCard()).getByText('port 10255')).toBeTruthy();
    expect(within(gatewayCard()).getByText(/EADDRINUSE/).textContent).toBe('Reason: listen EADDRINUSE: address already in use 127.0.0.1:10255');
    expect(within(gatewayCard()).getByRole('alert').textContent).toBe(
      'Port 10255 is taken by another program: stop it, or choose another port in Settings (headless: start with --port <free port>).',
    );
    await user.click(screen.getByRole('button', { name: 'Change the port in Settings' }));
    expect(onNavigate).toHaveBeenCalledWith('settings');
  });

  test('Restart asks the launcher to restart the gateway, and shows its fix when that fails', async () => {
    const { launcher, user } = renderScreen(<StatusScreen onNavigate={vi.fn()} />, {
      'gateway.restart': () => Promise.reject(refusal('conflict', 'The gateway is already restarting; wait for it.')),
    });
    await user.click(await screen.findByRole('button', { name: 'Restart' }));
    expect(launcher.callsOf('gateway.restart')).toEqual([{}]);
    expect((await within(gatewayCard()).findByRole('alert')).textContent).toBe('The gateway is already restarting; wait for it.');
  });

  test('a running gateway with recent failures is degraded, and each error has its fix', async () => {
    renderScreen(<StatusScreen onNavigate={vi.fn()} />, {
      'status.get': () => statusView({ lastErrors: [{ at: Date.now() - 60_000, mapping: 'api.openai.com', code: 'not_found', host: 'api.openai.com' }] }),
    });
    expect(await screen.findByRole('heading', { name: 'Gateway degraded' })).toBeTruthy();
    expect(within(gatewayCard()).getByText('1 request failed in the last 10 minutes.')).toBeTruthy();
    const errors = screen.getByRole('region', { name: 'Recent errors' });
    expect(within(errors).getByRole('listitem').textContent).toMatch(
      /api\.openai\.com not_foundThe 1Password item or field is gone or renamed: pick it again under Mappings\.1 min ago/,
    );
  });

  test('a status pushed by the launcher replaces what is shown', async () => {
    const { launcher } = renderScreen(<StatusScreen onNavigate={vi.fn()} />);
    await screen.findByRole('heading', { name: 'Gateway running' });
    act(() => launcher.emit({ type: 'status', status: statusView({ gateway: { state: 'restarting' } }) }));
    expect(screen.getByRole('heading', { name: 'Gateway restarting' })).toBeTruthy();
  });

  test('the counts and See all lead to their screens, from the keyboard too', async () => {
    const onNavigate = vi.fn();
    const { user } = renderScreen(<StatusScreen onNavigate={onNavigate} />);
    (await screen.findByRole('button', { name: '1 host' })).focus();
    await user.keyboard('{Enter}');
    await user.tab();
    await user.keyboard(' ');
    await user.click(screen.getByRole('button', { name: 'See all' }));
    expect(onNavigate.mock.calls).toEqual([['mappings'], ['agents'], ['activity']]);
  });

  test('when status cannot be read, the launcher’s message is the whole screen', async () => {
    renderScreen(<StatusScreen onNavigate={vi.fn()} />, {
      'status.get': () => Promise.reject(refusal('unavailable', 'The launcher is still opening its settings; try again in a moment.')),
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The launcher is still opening its settings; try again in a moment.');
    expect(alert.dataset.code).toBe('unavailable');
  });

  test('an answer this UI cannot read says to update, not what the launcher sent', async () => {
    const { launcher } = renderScreen(<StatusScreen onNavigate={vi.fn()} />, { 'status.get': () => ({ gateway: 'up, token sk-live-123' }) as never });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(UNREADABLE_ANSWER);
    expect(alert.textContent).not.toMatch(/sk-live/);
    // The answer was off-contract on purpose: take the expected violations off the list.
    expect(launcher.violations.splice(0).every((v) => v.startsWith('status.get: the scripted answer is not a valid result'))).toBe(true);
  });
});
