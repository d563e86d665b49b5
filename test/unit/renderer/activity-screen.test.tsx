// @vitest-environment happy-dom
import { act, screen, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { ActivityScreen } from '../../../renderer/src/screens/activity-screen.js';
import { activityEntry, refusal, renderScreen } from './support/fake-launcher.js';

describe('Activity screen', () => {
  test('says there is nothing yet, and how to send a first request', async () => {
    renderScreen(<ActivityScreen />);
    expect(screen.getByRole('heading', { name: 'Activity', level: 1 })).toBeTruthy();
    expect(await screen.findByText(/No requests yet\. Start an agent with its setup \(Agents\), or run onecli-launcher run -- <command>\./)).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('0 recent requests');
  });

  test('lists recent requests newest first, with who, where, which mapping and how long', async () => {
    renderScreen(<ActivityScreen />, {
      'activity.recent': () => [
        activityEntry({ at: Date.now() - 60_000, host: 'api.openai.com', mapping: null, door: 'tunnel' }),
        activityEntry({ host: 'api.anthropic.com', ms: 812.6 }),
      ],
    });
    const list = await screen.findByRole('list', { name: 'Recent requests, newest first' });
    const rows = within(list).getAllByRole('listitem');
    expect(rows.map((r) => within(r).getByText(/^api\./).textContent)).toEqual(['api.anthropic.com', 'api.openai.com']);
    expect(rows[0]?.textContent).toMatch(/claude · mapping api\.anthropic\.com/);
    expect(rows[0]?.textContent).toMatch(/813 ms/);
    expect(rows[1]?.textContent).toMatch(/no mapping · tunnel, not mapped/);
    expect(screen.getByRole('status').textContent).toBe('2 recent requests');
  });

  test('each row says what was decided about the credential (issue 12), never a value', async () => {
    renderScreen(<ActivityScreen />, {
      'activity.recent': () => [
        activityEntry({ agent: 'ci', mapping: 'api.github.com/repos', status: 403, error: 'not_permitted', decision: 'not_permitted', at: Date.now() - 3_000 }),
        activityEntry({ agent: 'claude', status: 0, decision: 'awaiting_approval', at: Date.now() - 2_000 }),
        activityEntry({ agent: 'claude', decision: 'injected', at: Date.now() - 1_000 }),
      ],
    });
    const rows = within(await screen.findByRole('list', { name: 'Recent requests, newest first' })).getAllByRole('listitem');
    expect(rows[0]?.textContent).toMatch(/claude · mapping api\.anthropic\.com · injected/);
    expect(rows[1]?.textContent).toMatch(/claude · mapping api\.anthropic\.com · awaiting approval/);
    expect(rows[2]?.textContent).toMatch(/ci · mapping api\.github\.com\/repos · not permitted/);
    expect(rows[2]?.textContent).toMatch(/not_permitted: The agent may not use this mapping: allow it under Agents\./);
  });

  test('a failed request says what went wrong and what to do about it', async () => {
    renderScreen(<ActivityScreen />, { 'activity.recent': () => [activityEntry({ status: 502, error: 'auth_required' })] });
    const row = within(await screen.findByRole('list', { name: /Recent requests/ })).getByRole('listitem');
    expect(within(row).getByText(/^auth_required:/).textContent).toBe(
      'auth_required: Unlock the 1Password app (or reconnect 1Password), then retry the request.',
    );
  });

  test('new requests pushed by the launcher appear at the top without a reload', async () => {
    const { launcher } = renderScreen(<ActivityScreen />, { 'activity.recent': () => [activityEntry({ host: 'api.anthropic.com' })] });
    await screen.findByRole('list', { name: /Recent requests/ });
    act(() => launcher.emit({ type: 'activity', entries: [activityEntry({ host: 'api.github.com', agent: 'ci-bot', at: Date.now() })] }));
    const rows = within(screen.getByRole('list', { name: /Recent requests/ })).getAllByRole('listitem');
    expect(rows[0]?.textContent).toMatch(/api\.github\.com.*ci-bot/);
    expect(screen.getByRole('status').textContent).toBe('2 recent requests');
  });

  test('when the history cannot be read, the launcher’s fix is shown as an alert', async () => {
    renderScreen(<ActivityScreen />, {
      'activity.recent': () => Promise.reject(refusal('unavailable', 'The launcher is starting up; try again in a moment.')),
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The launcher is starting up; try again in a moment.');
    expect(alert.dataset.code).toBe('unavailable');
  });
});
