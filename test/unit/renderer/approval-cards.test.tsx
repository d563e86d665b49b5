// @vitest-environment happy-dom
import { act, screen, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { ApprovalView } from '../../../src/shared/control-api.js';
import { refusal, renderApp } from './support/fake-launcher.js';

const answers = { 'mappings.list': () => [], 'agents.list': () => [], 'import.suggestions': () => [] } as const;

const claudeAnthropic = (over: Partial<ApprovalView> = {}): ApprovalView => ({
  id: 'k3m9x2p7qa',
  agent: 'claude',
  mapping: 'api.anthropic.com',
  host: 'api.anthropic.com',
  service: 'Anthropic',
  requestedAt: Date.now(),
  expiresAt: Date.now() + 60_000,
  ...over,
});

const cards = () => within(screen.getByRole('region', { name: 'Waiting for your approval' })).queryAllByRole('listitem');

describe('Approval cards', () => {
  test('a request waiting when the popover opens shows as a card: who wants what, with three answers', async () => {
    renderApp({ ...answers, 'approvals.list': () => [claudeAnthropic()] });
    const card = await screen.findByRole('listitem', { name: 'claude wants to use Anthropic · api.anthropic.com' });
    expect(within(card).getByText(/^Its request waits for your answer \(\d+ s left\)/)).toBeTruthy();
    expect(
      within(within(card).getByRole('group', { name: 'Answer claude' }))
        .getAllByRole('button')
        .map((b) => b.textContent),
    ).toEqual(['Allow for this session', 'Always', 'Deny']);
  });

  test('a new request pushed by the launcher appears live, on any screen, and goes when answered elsewhere', async () => {
    const { launcher, user } = renderApp(answers);
    await user.click(await screen.findByRole('tab', { name: 'Agents' }));
    expect(cards()).toEqual([]);
    act(() =>
      launcher.emit({
        type: 'approvals',
        pending: [claudeAnthropic({ id: 'aaaaaaaaaa', agent: 'ci', mapping: 'api.github.com/repos', host: 'api.github.com', service: undefined })],
      }),
    );
    expect(cards().map((c) => c.getAttribute('aria-labelledby') && c.querySelector('.approval-title')?.textContent)).toEqual([
      'ci wants to use api.github.com/repos',
    ]);
    // The region is polite: a new card is announced, focus stays where the user is.
    expect(screen.getByRole('region', { name: 'Waiting for your approval' }).getAttribute('aria-live')).toBe('polite');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Agents' }));
    act(() => launcher.emit({ type: 'approvals', pending: [] }));
    expect(cards()).toEqual([]);
  });

  test.each([
    ['Allow for this session', 'session'],
    ['Always', 'always'],
    ['Deny', 'deny'],
  ] as const)('by keyboard: %s answers %s, and the card goes', async (label, decision) => {
    const { launcher, user } = renderApp({
      ...answers,
      'approvals.list': () => [claudeAnthropic()],
      'approvals.decide': ({ id, decision: d }) => ({ id, agent: 'claude', mapping: 'api.anthropic.com', decision: d }),
    });
    const card = await screen.findByRole('listitem', { name: 'claude wants to use Anthropic · api.anthropic.com' });
    const buttons = within(card).getAllByRole('button');
    buttons[0]!.focus();
    for (const b of buttons) {
      if (b.textContent === label) break;
      await user.keyboard('{Tab}');
    }
    expect(document.activeElement?.textContent).toBe(label);
    await user.keyboard('{Enter}');
    expect(launcher.callsOf('approvals.decide')).toEqual([{ id: 'k3m9x2p7qa', decision }]);
    await act(async () => undefined);
    expect(cards()).toEqual([]);
  });

  test('an answer that comes too late: the launcher’s fix is shown on the card', async () => {
    const { user } = renderApp({
      ...answers,
      'approvals.list': () => [claudeAnthropic()],
      'approvals.decide': () =>
        Promise.reject(
          refusal('not_found', 'No approval "k3m9x2p7qa" is waiting: it was answered, or its request gave up after 60 s. See onecli-launcher approvals list.'),
        ),
    });
    const card = await screen.findByRole('listitem', { name: 'claude wants to use Anthropic · api.anthropic.com' });
    await user.click(within(card).getByRole('button', { name: 'Allow for this session' }));
    expect((await within(card).findByRole('alert')).textContent).toMatch(/^No approval "k3m9x2p7qa" is waiting/);
  });
});
