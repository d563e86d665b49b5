import type { ControlTransport } from '../../../src/shared/control-api.js';
import type { ControlCallError } from './control-call-error.js';
import { httpTransport, signInFromFragment } from './http.js';
import { ipcTransport } from './ipc.js';

export interface Connection {
  readonly transport: ControlTransport;
  readonly kind: 'ipc' | 'http';
  /** Why sign-in failed, when the page came with a used or expired link. */
  readonly signInError: ControlCallError | undefined;
  /** Called once when the launcher no longer knows this window (HTTP only). */
  onSignedOut(listener: (err: ControlCallError) => void): void;
}

/** IPC when the Electron preload is there, HTTP + SSE otherwise (the headless UI). */
export async function connect(): Promise<Connection> {
  if (window.onecli) return { transport: ipcTransport(window.onecli), kind: 'ipc', signInError: undefined, onSignedOut: () => undefined };
  const listeners: ((err: ControlCallError) => void)[] = [];
  let lost: ControlCallError | undefined;
  const transport = httpTransport((err) => {
    lost = err;
    listeners.forEach((l) => l(err));
  });
  const signInError = await signInFromFragment();
  return {
    transport,
    kind: 'http',
    signInError,
    onSignedOut: (listener) => {
      if (lost) listener(lost);
      else listeners.push(listener);
    },
  };
}
