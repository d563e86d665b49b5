import type { ApprovalTimers } from '../../src/core/approvals/approval-service.js';

/** A manual clock: timers fire only when the test moves time on (`advance`), so nothing sleeps. */
export class ManualTimers implements ApprovalTimers {
  t = 1_000_000;
  #timers: { at: number; fn: () => void; live: boolean }[] = [];
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const timer = { at: this.t + ms, fn, live: true };
    this.#timers.push(timer);
    return timer;
  };
  clearTimeout = (h: unknown) => {
    (h as { live: boolean }).live = false;
  };
  advance(ms: number) {
    this.t += ms;
    for (const timer of this.#timers.filter((x) => x.live && x.at <= this.t)) {
      timer.live = false;
      timer.fn();
    }
  }
}
