/**
 * Waits on a condition, not on time: polls `condition` until it returns something other than
 * false/undefined (and returns that), or fails after `timeoutMs` with `what` in the message.
 * A throwing condition counts as not yet; its last error is in the failure.
 */
export async function waitFor<T>(condition: () => T | false | undefined | Promise<T | false | undefined>, timeoutMs: number, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (let pollMs = 10; ; pollMs = Math.min(pollMs * 2, 100)) {
    try {
      const value = await condition();
      if (value !== false && value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, lastError === undefined ? undefined : { cause: lastError });
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
