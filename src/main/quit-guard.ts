import type { App } from 'electron';

/**
 * Holds `will-quit` until the core has stopped the gateway (gracefully, then forcibly), once.
 * Without this the app would exit and leave the gateway to notice its parent is gone.
 */
export function holdQuitUntilStopped(app: Pick<App, 'on' | 'quit'>, stop: () => Promise<void>, onError: (err: unknown) => void): void {
  let stopped = false;
  let stopping = false;
  app.on('will-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    stop()
      .catch(onError)
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
}
