/** Crashes counted toward a loop are the ones within this window. */
export const CRASH_WINDOW_MS = 60_000;
/** This many crashes within the window is a loop: stop restarting and report. */
export const CRASH_LOOP_LIMIT = 5;
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 15_000;

/**
 * What to do after the gateway died: wait and restart, or give up on a crash loop. Pure, so
 * the policy is tested without processes or clocks. `crashTimes` includes the crash just seen.
 */
export function afterCrash(crashTimes: readonly number[], now: number): { delayMs: number } | 'give-up' {
  const recent = crashTimes.filter((t) => now - t < CRASH_WINDOW_MS).length;
  if (recent >= CRASH_LOOP_LIMIT) return 'give-up';
  return { delayMs: Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, recent - 1)) };
}
