/** Thrown by `withDeadline` when the keychain has not answered in time. */
export class DeadlineExceeded extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/**
 * Runs a keychain call with a time limit. A Secret Service waiting on an unlock prompt, or a
 * wedged D-Bus peer, can keep a call pending for a long time, and the launcher must still
 * start and say why. The signal asks the native call to stop; we stop waiting either way.
 */
export async function withDeadline<T>(timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new DeadlineExceeded(timeoutMs)); // first, so the race reports the deadline, not the abort
      controller.abort();
    }, timeoutMs);
    timer.unref?.(); // a pending probe must not keep the process alive
  });
  try {
    return await Promise.race([run(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}
