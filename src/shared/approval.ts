import { z } from 'zod';

/**
 * Approval on first use (issue 12): an agent that asks gets each mapping approved by the user
 * before its credential is sent. Session approvals last like a 1Password CLI session: 10 minutes
 * without use, 12 hours at most. A held request waits this long, then gets 403 `not_approved`.
 */
export const APPROVAL_SESSION_IDLE_MS = 10 * 60_000;
export const APPROVAL_SESSION_MAX_MS = 12 * 3600_000;
export const APPROVAL_WAIT_MS = 60_000;

/** The user's answer; `timeout` when nobody answered within APPROVAL_WAIT_MS. */
export const ApprovalDecision = z.enum(['session', 'always', 'deny', 'timeout']);
export type ApprovalDecision = z.infer<typeof ApprovalDecision>;
