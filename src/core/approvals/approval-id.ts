import { randomBytes } from 'node:crypto';

// Lower-case letters and digits without 0/o and 1/l: read off a card, typed into a terminal,
// never taken for a flag (no leading "-"). 32 symbols, so a byte's low five bits map unbiased.
const SYMBOLS = 'abcdefghijkmnpqrstuvwxyz23456789';
const LENGTH = 10;

/**
 * An approval's id: 50 random bits. Only the control API (bearer token, or the app's own
 * window) can answer an approval, and an agent holds only its proxy token, so the id is not what
 * keeps an agent from approving itself; it is random anyway, so nothing learned from one request
 * (its order, its time) names another.
 */
export function newApprovalId(): string {
  return [...randomBytes(LENGTH)].map((b) => SYMBOLS[b & 31]).join('');
}

export const APPROVAL_ID_PATTERN = /^[a-z2-9]{10}$/;
