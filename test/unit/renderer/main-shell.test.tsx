// @vitest-environment happy-dom
import { act, screen, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import { IPC } from '../../../src/shared/ipc-channels.js';
import { refusal, renderApp, statusView } from './support/fake-launcher.js';

const SCREENS = ['Status', 'Mappings', 'Agents', 'Activity', 'Doctor', 'Settings'];
const answers = { 'mappings.list': () => [], 'agents.list': () => [], 'import.suggestions': () => [] } as const;

describe('Main shell', () => {
  test('says it is connecting until the launcher answers, then shows Status with the gateway’s state in the header', async () => {
    renderApp(answers);
    expect(screen.getByText('Connecting to the launcher…')).toBeTruthy();
    const tabs = within(await screen.findByRole('tablist', { name: 'Screens' })).getAllByRole('tab');
    expect(tabs.map((t) => t.textContent)).toEqual(SCREENS);
    expect(tabs[0]?.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByRole('tabpanel', { name: 'Status' })).toBeTruthy();
    expect(screen.getByText('Gateway', { selector: '.pill .visually-hidden' }).parentElement?.textContent).toBe('Gateway Running');
  });

  test('the header follows the gateway’s state as the launcher pushes it', async () => {
    const { launcher } = renderApp(answers);
    await screen.findByRole('tablist');
    act(() => launcher.emit({ type: 'status', status: statusView({ gateway: { state: 'failed', reason: 'crashed 5 times' } }) }));
    expect(screen.getByText('Gateway', { selector: '.pill .visually-hidden' }).parentElement?.textContent).toBe('Gateway Failed');
  });

  test('arrow keys, Home and End move between screens; one tab stop', async () => {
    const { user } = renderApp(answers);
    const status = await screen.findByRole('tab', { name: 'Status' });
    expect(screen.getAllByRole('tab').filter((t) => t.tabIndex === 0)).toEqual([status]);
    status.focus();
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(screen.getByRole('tab', { name: 'Mappings' }));
    expect(screen.getByRole('tabpanel', { name: 'Mappings' })).toBeTruthy();
    expect(await screen.findByRole('heading', { name: 'Mappings', level: 1 })).toBeTruthy();
    await user.keyboard('{End}');
    expect(screen.getByRole('tab', { name: 'Settings' }).getAttribute('aria-selected')).toBe('true');
    expect(await screen.findByRole('heading', { name: 'Settings', level: 1 })).toBeTruthy();
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(status);
    await user.keyboard('{ArrowLeft}{Home}');
    expect(screen.getByRole('tab', { name: 'Status' }).getAttribute('aria-selected')).toBe('true');
  });

  test('links on Status switch the screen', async () => {
    const { user } = renderApp(answers);
    await user.click(await screen.findByRole('button', { name: '1 agent' }));
    expect(screen.getByRole('tab', { name: 'Agents' }).getAttribute('aria-selected')).toBe('true');
    expect(await screen.findByRole('heading', { name: 'Agents', level: 1 })).toBeTruthy();
  });

  test('a launcher that does not answer: its fix, and Try again reconnects', async () => {
    let down = true;
    const { user } = renderApp({
      ...answers,
      'status.get': () => (down ? Promise.reject(refusal('unavailable', 'The launcher is not answering. Quit OneCLI and open it again.')) : statusView()),
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The launcher is not answering. Quit OneCLI and open it again.');
    down = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('tablist', { name: 'Screens' })).toBeTruthy();
  });

  test('the preload says it is ready for events once the page listens', async () => {
    const { launcher } = renderApp(answers);
    await screen.findByRole('tablist');
    expect(launcher.sent).toEqual([IPC.ready]);
  });
});
