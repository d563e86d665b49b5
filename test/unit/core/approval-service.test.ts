import { describe, expect, test } from 'vitest';
import { APPROVAL_SESSION_MAX_MS, APPROVAL_WAIT_MS } from '../../../src/shared/approval.js';
import type { ApprovalView } from '../../../src/shared/control-api.js';
import { APPROVAL_ID_PATTERN, newApprovalId } from '../../../src/core/approvals/approval-id.js';
import { ApprovalService, DENY_REMEMBERED_MS, MAX_PENDING, MAX_PENDING_PER_AGENT } from '../../../src/core/approvals/approval-service.js';
import { ControlError } from '../../../src/core/control-error.js';
import { ManualTimers } from '../../support/manual-timers.js';

const MAPPINGS: Record<string, { host: string; service?: string }> = {
  'api.anthropic.com': { host: 'api.anthropic.com', service: 'Anthropic' },
  'api.github.com/repos': { host: 'api.github.com' },
};
for (let i = 0; i < 40; i++) MAPPINGS[`m${i}.example`] = { host: `m${i}.example` };

function service(options: { standing?: (agent: string, mapping: string) => 'ask' | 'approved' | 'refused' } = {}) {
  const timers = new ManualTimers();
  const changes: ApprovalView[][] = [];
  const always: string[] = [];
  const warnings: string[] = [];
  let n = 0;
  const approvals = new ApprovalService({
    describe: (id) => MAPPINGS[id],
    standing: options.standing ?? (() => 'ask'),
    keepAlways: (agent, mapping) => always.push(`${agent} ${mapping}`),
    onChange: (pending) => changes.push([...pending]),
    log: { info: () => undefined, warn: (_o, msg) => warnings.push(msg ?? '') },
    timers,
    newId: () => `id${++n}`,
  });
  return { approvals, timers, changes, always, warnings };
}

describe('approval on first use, in the core', () => {
  test('a request shows one card; Allow for this session answers with a 12-hour hard end', async () => {
    const { approvals, timers, changes } = service();
    const outcome = approvals.request('claude', 'api.anthropic.com');
    expect(approvals.list()).toEqual([
      {
        id: 'id1',
        agent: 'claude',
        mapping: 'api.anthropic.com',
        host: 'api.anthropic.com',
        service: 'Anthropic',
        requestedAt: timers.t,
        expiresAt: timers.t + APPROVAL_WAIT_MS,
      },
    ]);
    expect(changes.at(-1)).toHaveLength(1);
    timers.advance(5_000);
    expect(approvals.decide('id1', 'session')).toMatchObject({ agent: 'claude', mapping: 'api.anthropic.com' });
    expect(await outcome).toEqual({ decision: 'session', expiresAt: timers.t + APPROVAL_SESSION_MAX_MS });
    expect(approvals.list()).toEqual([]);
    expect(changes.at(-1)).toEqual([]);
  });

  test('concurrent requests of one agent for one mapping share one card and one answer', async () => {
    const { approvals } = service();
    const a = approvals.request('claude', 'api.anthropic.com');
    const b = approvals.request('claude', 'api.anthropic.com');
    const other = approvals.request('codex', 'api.anthropic.com');
    expect(approvals.list().map((v) => `${v.id} ${v.agent}`)).toEqual(['id1 claude', 'id2 codex']);
    approvals.decide('id1', 'deny');
    expect(await a).toEqual({ decision: 'deny' });
    expect(await b).toEqual({ decision: 'deny' });
    expect(approvals.list().map((v) => v.agent)).toEqual(['codex']);
    approvals.decide('id2', 'session');
    expect((await other).decision).toBe('session');
  });

  test('Always is kept in the settings', async () => {
    const { approvals, always } = service();
    const outcome = approvals.request('ci', 'api.github.com/repos');
    approvals.decide('id1', 'always');
    expect((await outcome).decision).toBe('always');
    expect(always).toEqual(['ci api.github.com/repos']);
  });

  test('nobody answers within 60 s: not approved (the gateway says 403 not_approved), and the card goes', async () => {
    const { approvals, timers } = service();
    const outcome = approvals.request('claude', 'api.anthropic.com');
    timers.advance(APPROVAL_WAIT_MS - 1);
    expect(approvals.list()).toHaveLength(1);
    timers.advance(1);
    expect(await outcome).toEqual({ decision: 'timeout' });
    expect(approvals.list()).toEqual([]);
    expect(() => approvals.decide('id1', 'session')).toThrow(/No approval "id1" is waiting: it was answered, or its request gave up after 60 s/);
    expect(() => approvals.decide('id1', 'session')).toThrow(ControlError);
  });

  test('after a Deny, the same agent and mapping are denied without a new card for 10 minutes, unless the agent is edited', async () => {
    const { approvals, timers } = service();
    void approvals.request('claude', 'api.anthropic.com');
    approvals.decide('id1', 'deny');
    expect(await approvals.request('claude', 'api.anthropic.com')).toEqual({ decision: 'deny' });
    expect(approvals.list()).toEqual([]);
    timers.advance(DENY_REMEMBERED_MS);
    void approvals.request('claude', 'api.anthropic.com');
    expect(approvals.list()).toHaveLength(1);
    approvals.decide(approvals.list()[0]!.id, 'deny');
    approvals.forgetDenials('claude');
    void approvals.request('claude', 'api.anthropic.com');
    expect(approvals.list()).toHaveLength(1);
  });

  test('a hostile agent cannot flood the user: a few cards per agent, the rest not approved at once', async () => {
    const { approvals, warnings } = service();
    const outcomes = Array.from({ length: 10 }, (_, i) => approvals.request('evil', `m${i}.example`));
    expect(approvals.list()).toHaveLength(MAX_PENDING_PER_AGENT);
    for (const extra of outcomes.slice(MAX_PENDING_PER_AGENT)) expect(await extra).toEqual({ decision: 'timeout' });
    expect(warnings.some((w) => /too many approvals waiting/.test(w))).toBe(true);
    // Other agents still get their cards, up to the overall bound.
    for (let i = 0; i < 30; i++) void approvals.request(`agent${i}`, `m${10 + i}.example`);
    expect(approvals.list()).toHaveLength(MAX_PENDING);
  });

  test('nothing is asked about a mapping that does not exist or is outside the agent scope', async () => {
    const { approvals } = service({ standing: (agent) => (agent === 'ci' ? 'refused' : 'ask') });
    expect(await approvals.request('claude', 'nope.example')).toEqual({ decision: 'timeout' });
    expect(await approvals.request('ci', 'api.anthropic.com')).toEqual({ decision: 'timeout' });
    expect(approvals.list()).toEqual([]);
  });

  test('allowed always meanwhile (the gateway had not heard yet): approved at once, no card', async () => {
    const { approvals, timers } = service({ standing: () => 'approved' });
    expect(await approvals.request('claude', 'api.anthropic.com')).toEqual({ decision: 'always', expiresAt: timers.t + APPROVAL_SESSION_MAX_MS });
    expect(approvals.list()).toEqual([]);
  });

  test('revoking an agent ends its waits as not approved', async () => {
    const { approvals } = service();
    const outcome = approvals.request('claude', 'api.anthropic.com');
    void approvals.request('codex', 'api.anthropic.com');
    approvals.cancelWhere((v) => v.agent === 'claude');
    expect(await outcome).toEqual({ decision: 'timeout' });
    expect(approvals.list().map((v) => v.agent)).toEqual(['codex']);
  });
});

test('approval ids are random, 10 characters a terminal and a card can carry, never a flag', () => {
  const ids = new Set(Array.from({ length: 2000 }, newApprovalId));
  expect(ids.size).toBe(2000);
  for (const id of ids) expect(id).toMatch(APPROVAL_ID_PATTERN);
  // Every symbol turns up: the alphabet is used in full, not a biased part of it.
  expect(new Set([...ids].join('')).size).toBe(32);
});
