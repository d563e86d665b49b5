// @vitest-environment happy-dom
import { render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { App } from '../../../renderer/src/app.js';
import { httpTransport, SIGNED_OUT_MESSAGE } from '../../../renderer/src/transport/http.js';
import type { ControlCallError } from '../../../renderer/src/transport/control-call-error.js';
import { ControlCallError as CallError } from '../../../renderer/src/transport/control-call-error.js';
import type { Connection } from '../../../renderer/src/transport/index.js';
import { statusView, settingsView } from './support/fake-launcher.js';

/**
 * The headless UI (HTTP + SSE) whose session the launcher no longer knows. Responses are shaped
 * as src/core/control/control-server.ts sends them: `{ result }`, or `{ error: { code, message } }`
 * with its status.
 */
let answer401: (() => Response) | undefined;
beforeEach(() => {
  answer401 = undefined;
  vi.stubGlobal('fetch', async (url: string) => {
    const method = url.replace('/api/call/', '');
    if (answer401) return answer401();
    const results: Record<string, unknown> = { 'status.get': statusView(), 'settings.get': settingsView(), 'activity.recent': [] };
    return Response.json({ result: results[method] });
  });
  vi.stubGlobal(
    'EventSource',
    class {
      static CLOSED = 2;
      readyState = 0;
      onerror: (() => void) | null = null;
      addEventListener() {}
      close() {}
    },
  );
});
afterEach(() => {
  vi.unstubAllGlobals();
});

function headlessConnection(signInError?: ControlCallError): Connection {
  const listeners: ((err: ControlCallError) => void)[] = [];
  let lost: ControlCallError | undefined;
  const transport = httpTransport((err) => {
    lost = err;
    listeners.forEach((l) => l(err));
  });
  return { transport, kind: 'http', signInError, onSignedOut: (l) => (lost ? l(lost) : void listeners.push(l)) };
}

describe('Signed-out screen (headless UI)', () => {
  test('a session the launcher no longer knows: sign in again, with the launcher’s own words', async () => {
    answer401 = () =>
      Response.json(
        { error: { code: 'unauthorized', message: 'This sign-in link was used or has expired: run onecli-launcher ui for a new one.' } },
        { status: 401 },
      );
    render(<App connection={headlessConnection()} />);
    expect(await screen.findByRole('heading', { name: 'Sign in again', level: 1 })).toBeTruthy();
    expect(screen.getByText(/In a terminal, run/).textContent).toBe('In a terminal, run onecli-launcher ui and open the link it prints.');
    expect(screen.getByRole('alert').textContent).toBe('This sign-in link was used or has expired: run onecli-launcher ui for a new one.');
  });

  test('a 401 without a readable body still says how to sign in', async () => {
    answer401 = () => new Response('nope', { status: 401 });
    render(<App connection={headlessConnection()} />);
    expect((await screen.findByRole('alert')).textContent).toBe(SIGNED_OUT_MESSAGE);
  });

  test('a used sign-in link explains itself better than a generic signed-out note', async () => {
    answer401 = () => new Response(null, { status: 401 });
    render(<App connection={headlessConnection(new CallError('unauthorized', 'This sign-in link was already used: run onecli-launcher ui for a new one.'))} />);
    expect((await screen.findByRole('alert')).textContent).toBe('This sign-in link was already used: run onecli-launcher ui for a new one.');
  });

  test('a live session does not show it', async () => {
    render(<App connection={headlessConnection()} />);
    expect(await screen.findByRole('tablist', { name: 'Screens' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Sign in again' })).toBeNull();
  });
});
