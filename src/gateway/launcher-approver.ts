import { APPROVAL_WAIT_MS, type ApprovalDecision } from '../shared/approval.js';
import type { LauncherChannel } from './launcher-channel.js';

type Answer = { decision: ApprovalDecision; expiresAt?: number | undefined };

/** Asks the launcher to get the user's approval, and waits for the answer (or a timeout). */
export class LauncherApprover {
  readonly #pending = new Map<number, { resolve: (a: Answer) => void; timer: NodeJS.Timeout }>();
  #nextId = 1;

  constructor(private readonly channel: LauncherChannel) {}

  approve = (agent: string, mappingId: string): Promise<Answer> =>
    new Promise((resolve) => {
      const requestId = this.#nextId++;
      const timer = setTimeout(() => {
        this.#pending.delete(requestId);
        resolve({ decision: 'timeout' });
      }, APPROVAL_WAIT_MS + 2_000);
      this.#pending.set(requestId, { resolve, timer });
      this.channel.send({ type: 'approval-request', requestId, agent, mappingId });
    });

  settle(requestId: number, answer: Answer): void {
    const pending = this.#pending.get(requestId);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.#pending.delete(requestId);
    pending.resolve(answer);
  }
}
