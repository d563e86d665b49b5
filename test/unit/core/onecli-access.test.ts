import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { RateLimit } from '../../../src/shared/agent-policy.js';
import { APPROVAL_SESSION_IDLE_MS } from '../../../src/shared/approval.js';
import type { ApprovalView } from '../../../src/shared/control-api.js';
import type { ActivityEntry } from '../../../src/shared/gateway-messages.js';
import { AgentRegistry } from '../../../src/core/agents/agent-registry.js';
import { ApprovalService, DENY_REMEMBERED_MS } from '../../../src/core/approvals/approval-service.js';
import { approvalStanding, approvalTarget } from '../../../src/core/approvals/approval-targets.js';
import { buildMapping } from '../../../src/core/mappings/mapping-rules.js';
import type { Resolution } from '../../../src/core/mappings/resolve-mapping.js';
import { DOOR_CACHE_ENTRIES, OnecliAccess } from '../../../src/core/onecli/onecli-access.js';
import { ONECLI_APPROVAL_WAIT_MS } from '../../../src/core/onecli/onecli-consent.js';
import { statusOf, type DoorFailure } from '../../../src/core/onecli/onecli-failures.js';
import { MemorySecretStore } from '../../../src/core/secrets/memory-secret-store.js';
import { SettingsRepository } from '../../../src/core/settings/settings-repository.js';
import { VaultError } from '../../../src/core/vault/vault-error.js';
import type { VaultSource } from '../../../src/core/vault/vault-source.js';
import { ManualTimers } from '../../support/manual-timers.js';
import { memoryLog } from '../../support/memory-log.js';

const REF = {
  anthropic: 'op://API Keys/Anthropic/credential',
  cfId: 'op://API Keys/Cloudflare/id',
  cfSecret: 'op://API Keys/Cloudflare/secret',
  unmapped: 'op://Private/Database/password',
};
const VALUES: Record<string, string> = {
  [REF.anthropic]: 'sk-ant-UNIT-0000-onecli-door-value',
  [REF.cfId]: 'cf-id-UNIT-1111-onecli-door',
  [REF.cfSecret]: 'cf-secret-UNIT-2222-onecli-door',
  [REF.unmapped]: 'db-password-UNIT-3333-onecli',
};
const ALL_VALUES = Object.values(VALUES);
const now = new Date('2026-12-01T00:00:00Z');

/** A source that lists names only (a FieldSummary has no value), in the desktop app's spelling. */
const source: VaultSource = {
  kind: 'desktop',
  resolve: async () => {
    throw new Error('the door resolves through resolveReference, never the source directly');
  },
  listVaults: async () => [{ id: 'v1', name: 'API Keys' }],
  listItems: async () => [{ id: 'i1', title: 'Anthropic', category: 'API_CREDENTIAL', urls: ['https://api.anthropic.com'] }],
  listFields: async () => [
    { id: 'notesPlain', label: 'notesPlain', type: 'STRING', reference: 'op://v1/i1/notesPlain' },
    { id: 'f1', label: 'credential', type: 'CONCEALED', section: 'Admin', sectionId: 's1', reference: 'op://v1/i1/s1/f1' },
  ],
};

async function door(options: { allow?: string[]; policy?: 'ask' | 'allow'; limits?: RateLimit[]; agent?: boolean; failing?: Resolution } = {}) {
  const settings = new SettingsRepository({ dataDir: mkdtempSync(path.join(tmpdir(), 'onecli-door-')) });
  settings.update((s) => ({
    ...s,
    mappings: [
      buildMapping({ host: 'api.anthropic.com', reference: REF.anthropic }, now),
      buildMapping({ host: 'app.example.com', reference: REF.cfId, references: [REF.cfSecret], preset: 'cloudflare-access' }, now),
    ],
  }));
  const registry = new AgentRegistry(settings, new MemorySecretStore());
  await registry.create('claude');
  if (options.agent !== false) await registry.create('onecli', { allow: options.allow, policy: options.policy });
  if (options.limits) registry.setPolicy('onecli', { limits: options.limits });
  const timers = new ManualTimers();
  const cards: ApprovalView[][] = [];
  const approvals = new ApprovalService({
    describe: (id) => approvalTarget(settings.get(), id),
    standing: (agent, id) => approvalStanding(settings.get(), agent, id),
    keepAlways: (agent, id) => registry.keepAlways(agent, id),
    onChange: (pending) => cards.push([...pending]),
    log: { info: () => undefined, warn: () => undefined },
    timers,
  });
  const resolved: string[] = [];
  const rows: ActivityEntry[] = [];
  const memory = memoryLog();
  const access = new OnecliAccess({
    settings,
    resolveReference: async (reference) => {
      resolved.push(reference);
      if (options.failing) return options.failing;
      const value = VALUES[reference];
      return value ? { ok: true, value } : { ok: false, code: 'not_found', message: 'No such vault, item or field.' };
    },
    source: async () => source,
    ask: (agent, reference) => approvals.request(agent, reference),
    record: (entry) => rows.push(entry),
    log: memory.log,
    clock: timers,
    setTimer: (fn, ms) => {
      const handle = timers.setTimeout(fn, ms);
      return { clear: () => timers.clearTimeout(handle) };
    },
  });
  const pendingCard = () => approvals.list()[0];
  return { access, settings, registry, approvals, timers, resolved, rows, cards, pendingCard, logs: memory.lines };
}

/** Lets the approval promise chain settle (no time passes). */
const settle = () => new Promise((r) => setImmediate(r));

function expectNoValues(...texts: unknown[]) {
  const all = JSON.stringify(texts);
  for (const v of ALL_VALUES) expect(all).not.toContain(v);
}

describe('the onecli agent with every reference (the default enable makes)', () => {
  test("a reference resolves from the app's source; its activity row names the reference, never the value", async () => {
    const d = await door();
    expect(await d.access.resolve(REF.unmapped)).toEqual({ ok: true, value: VALUES[REF.unmapped] });
    expect(await d.access.resolve(REF.anthropic)).toEqual({ ok: true, value: VALUES[REF.anthropic] });
    expect(d.rows.map(({ ms: _ms, ...r }) => r)).toEqual([
      { at: d.timers.t, agent: 'onecli', door: 'onecli', method: 'resolve', host: REF.unmapped, mapping: null, status: 200, decision: 'resolved' },
      {
        at: d.timers.t,
        agent: 'onecli',
        door: 'onecli',
        method: 'resolve',
        host: REF.anthropic,
        mapping: 'api.anthropic.com',
        status: 200,
        decision: 'resolved',
      },
    ]);
    expectNoValues(d.rows, d.logs);
  });

  test("the gateway's cache times: a value for 60 s, a miss for 30 s, an outage backs off 60 s; invalidate forgets", async () => {
    const d = await door();
    await d.access.resolve(REF.anthropic);
    d.timers.advance(59_000);
    await d.access.resolve(REF.anthropic);
    expect(d.resolved).toEqual([REF.anthropic]);
    d.timers.advance(2_000);
    await d.access.resolve(REF.anthropic);
    expect(d.resolved).toHaveLength(2);
    const missing = 'op://API Keys/Gone/credential';
    expect(await d.access.resolve(missing)).toMatchObject({ ok: false, failure: { code: 'not_found' } });
    d.timers.advance(29_000);
    await d.access.resolve(missing);
    expect(d.resolved.filter((r) => r === missing)).toHaveLength(1);
    d.timers.advance(2_000);
    await d.access.resolve(missing);
    expect(d.resolved.filter((r) => r === missing)).toHaveLength(2);
    d.access.invalidate();
    await d.access.resolve(REF.anthropic);
    expect(d.resolved.filter((r) => r === REF.anthropic)).toHaveLength(3);

    const down = await door({ failing: { ok: false, code: 'unavailable', message: 'Could not reach 1Password.' } });
    await down.access.resolve(REF.anthropic);
    down.timers.advance(59_000);
    await down.access.resolve(REF.anthropic);
    expect(down.resolved).toHaveLength(1);

    // Locked or signed out is asked again after 30 s, as the gateway does: unlocking is quick.
    const locked = await door({ failing: { ok: false, code: 'auth_required', message: 'Unlock 1Password.', remedy: 'connect-1password' } });
    const first = await locked.access.resolve(REF.anthropic);
    expect(first).toMatchObject({ ok: false, failure: { code: 'auth_required', message: expect.stringContaining('Run: onecli-launcher pair') } });
    locked.timers.advance(31_000);
    await locked.access.resolve(REF.anthropic);
    expect(locked.resolved).toHaveLength(2);
  });

  test("the picker's lists in upstream's shapes and the SDK's names, never a value", async () => {
    const d = await door();
    expect(await d.access.listVaults()).toEqual({ ok: true, value: { vaults: [{ id: 'v1', title: 'API Keys' }] } });
    expect(await d.access.listItems('v1')).toEqual({ ok: true, value: { items: [{ id: 'i1', title: 'Anthropic', category: 'ApiCredentials' }] } });
    expect(await d.access.listFields('v1', 'i1')).toEqual({
      ok: true,
      value: {
        fields: [
          { id: 'notesPlain', title: 'notesPlain', fieldType: 'Text' },
          { id: 'f1', title: 'credential', fieldType: 'Concealed', sectionId: 's1' },
        ],
        sections: [{ id: 's1', title: 'Admin' }],
      },
    });
    expect(await d.access.validate()).toEqual({ ok: true, value: { valid: true } });
  });

  test('a text that is not a reference is refused and never shown: the row says "(not a reference)"', async () => {
    const d = await door();
    const pasted = 'sk-live-PASTED-INTO-THE-WRONG-BOX-9999';
    const r = await d.access.resolve(pasted);
    expect(r).toMatchObject({ ok: false, failure: { code: 'bad_reference' } });
    expect(await d.access.resolve('local://anthropic')).toMatchObject({ ok: false, failure: { code: 'bad_reference', message: /op:\/\/ references/ } });
    expect(d.rows[0]).toMatchObject({ host: '(not a reference)', status: 400, error: 'bad_reference' });
    expect(JSON.stringify([r, d.rows, d.logs])).not.toContain(pasted);
    expect(d.resolved).toEqual([]);
  });
});

test('many distinct references (a caller that varies them) do not grow the door without bound: its cache keeps the most recent', async () => {
  const d = await door();
  expect(await d.access.resolve(REF.anthropic)).toMatchObject({ ok: true });
  for (let i = 0; i < DOOR_CACHE_ENTRIES; i++) await d.access.resolve(`op://Private/Flood ${i}/${'x'.repeat(200)}`);
  // The oldest went to make room: resolved again, from the source.
  expect(await d.access.resolve(REF.anthropic)).toMatchObject({ ok: true });
  expect(d.resolved.filter((r) => r === REF.anthropic)).toHaveLength(2);
});

describe('scope: a list of mappings gives their references, nothing else', () => {
  test("each header's reference of an allowed mapping; any other is 400 not_permitted with the fix, and nothing is resolved", async () => {
    const d = await door({ allow: ['app.example.com'] });
    expect(await d.access.resolve(REF.cfId)).toMatchObject({ ok: true });
    expect(await d.access.resolve(REF.cfSecret)).toMatchObject({ ok: true });
    const outside = await d.access.resolve(REF.anthropic);
    expect(outside).toEqual({
      ok: false,
      failure: {
        code: 'not_permitted',
        message: `The onecli agent may not use ${REF.anthropic}: allow the mapping that holds it with onecli-launcher agents allow onecli api.anthropic.com, or under Agents.`,
      },
    });
    expect(statusOf((outside as { failure: DoorFailure }).failure).status).toBe(400);
    const unmapped = await d.access.resolve(REF.unmapped);
    expect(unmapped).toMatchObject({ ok: false, failure: { code: 'not_permitted', message: /no mapping in its scope holds this reference/ } });
    expect(d.resolved).toEqual([REF.cfId, REF.cfSecret]);
    expect(d.rows.slice(2)).toMatchObject([
      { host: REF.anthropic, mapping: 'api.anthropic.com', status: 400, error: 'not_permitted', decision: 'not_permitted' },
      { host: REF.unmapped, mapping: null, status: 400, error: 'not_permitted', decision: 'not_permitted' },
    ]);
  });

  test('browsing is off (403: the names of everything else are outside the grant); validate still answers', async () => {
    const d = await door({ allow: ['api.anthropic.com'] });
    for (const list of [d.access.listVaults(), d.access.listItems('v1'), d.access.listFields('v1', 'i1')]) {
      const r = await list;
      expect(r).toMatchObject({ ok: false, failure: { code: 'not_permitted', everyReference: true, message: /Browsing 1Password is off for OneCLI/ } });
      expect(statusOf((r as { failure: DoorFailure }).failure).status).toBe(403);
    }
    expect(await d.access.validate()).toEqual({ ok: true, value: { valid: true } });
  });

  test('without an onecli agent (revoked) every call is 403, which OneCLI treats as an outage and backs off', async () => {
    const d = await door({ agent: false });
    const r = await d.access.resolve(REF.anthropic);
    expect(r).toMatchObject({ ok: false, failure: { code: 'not_permitted', everyReference: true, message: /onecli-compat enable again/ } });
    expect(statusOf((r as { failure: DoorFailure }).failure).status).toBe(403);
    expect(await d.access.validate()).toMatchObject({ ok: false, failure: { everyReference: true } });
  });
});

describe('rate limits of the onecli agent', () => {
  test('agent-wide: 429 with Retry-After once used up; a refused or cached call is no resolution, a limit counts resolutions handed out', async () => {
    const d = await door({ limits: [{ max: 2, per: 'minute' }] });
    d.timers.t = 60_000 * 1000; // the start of a minute
    expect(await d.access.resolve(REF.anthropic)).toMatchObject({ ok: true });
    expect(await d.access.resolve(REF.unmapped)).toMatchObject({ ok: true });
    d.timers.advance(15_000);
    const third = await d.access.resolve(REF.anthropic);
    expect(third).toEqual({
      ok: false,
      failure: {
        code: 'rate_limited_by_policy',
        message: 'The onecli agent reached its limit of 2/minute; nothing was resolved. Retry in 45 s, or raise the limit under Agents.',
        retryAfter: 45,
      },
    });
    expect(statusOf((third as { failure: DoorFailure }).failure).status).toBe(429);
    expect(d.rows.at(-1)).toMatchObject({ status: 429, error: 'rate_limited_by_policy', decision: 'rate_limited', rule: '2/minute' });
    d.timers.advance(45_000);
    expect(await d.access.resolve(REF.anthropic)).toMatchObject({ ok: true });
  });

  test('a limit on a mapping applies to the references it holds', async () => {
    const d = await door({ limits: [{ max: 1, per: 'hour', mapping: 'api.anthropic.com' }] });
    expect(await d.access.resolve(REF.anthropic)).toMatchObject({ ok: true });
    expect(await d.access.resolve(REF.anthropic)).toMatchObject({ ok: false, failure: { code: 'rate_limited_by_policy' } });
    expect(await d.access.resolve(REF.unmapped)).toMatchObject({ ok: true });
  });
});

describe('consent: an onecli agent that asks', () => {
  test('one card per reference; Allow for this session lets it and later calls through until 10 minutes idle', async () => {
    const d = await door({ policy: 'ask' });
    const first = d.access.resolve(REF.anthropic);
    const second = d.access.resolve(REF.anthropic);
    await settle();
    expect(d.approvals.list()).toMatchObject([{ agent: 'onecli', mapping: REF.anthropic, host: 'api.anthropic.com', service: 'Anthropic' }]);
    d.approvals.decide(d.pendingCard()!.id, 'session');
    expect(await first).toMatchObject({ ok: true });
    expect(await second).toMatchObject({ ok: true });
    d.timers.advance(APPROVAL_SESSION_IDLE_MS - 1_000);
    expect(await d.access.resolve(REF.anthropic)).toMatchObject({ ok: true });
    expect(d.approvals.list()).toEqual([]);
    d.timers.advance(APPROVAL_SESSION_IDLE_MS + 1);
    void d.access.resolve(REF.anthropic);
    await settle();
    expect(d.approvals.list()).toHaveLength(1);
    // A reference no mapping holds is asked about by itself.
    void d.access.resolve(REF.unmapped);
    await settle();
    expect(d.approvals.list()[1]).toMatchObject({ mapping: REF.unmapped, host: 'OneCLI' });
  });

  test("unanswered: not_approved after 12 s, under OneCLI's 15 s; the card stays, and a later answer is there for the next try", async () => {
    const d = await door({ policy: 'ask' });
    const call = d.access.resolve(REF.anthropic);
    await settle();
    d.timers.advance(ONECLI_APPROVAL_WAIT_MS);
    const r = await call;
    expect(r).toMatchObject({ ok: false, failure: { code: 'not_approved', message: /OneCLI's next try after that gets it/ } });
    expect(statusOf((r as { failure: DoorFailure }).failure).status).toBe(400);
    expect(d.rows.at(-1)).toMatchObject({ status: 400, decision: 'not_approved', error: 'not_approved' });
    expect(d.approvals.list()).toHaveLength(1);
    d.approvals.decide(d.pendingCard()!.id, 'session');
    await settle();
    expect(await d.access.resolve(REF.anthropic)).toMatchObject({ ok: true });
    expect(d.resolved).toEqual([REF.anthropic]);
  });

  test('Deny is 400 denied, and the same reference is refused without a card for 10 minutes', async () => {
    const d = await door({ policy: 'ask' });
    const call = d.access.resolve(REF.anthropic);
    await settle();
    d.approvals.decide(d.pendingCard()!.id, 'deny');
    expect(await call).toMatchObject({ ok: false, failure: { code: 'denied' } });
    expect(await d.access.resolve(REF.anthropic)).toMatchObject({ ok: false, failure: { code: 'denied' } });
    expect(d.approvals.list()).toEqual([]);
    d.timers.advance(DENY_REMEMBERED_MS + 1);
    void d.access.resolve(REF.anthropic);
    await settle();
    expect(d.approvals.list()).toHaveLength(1);
    expect(d.resolved).toEqual([]);
  });

  test('Always keeps the reference in the agent\'s "always" list; the agent screen keeps it, or takes it back', async () => {
    const d = await door({ policy: 'ask' });
    const call = d.access.resolve(REF.anthropic);
    await settle();
    d.approvals.decide(d.pendingCard()!.id, 'always');
    expect(await call).toMatchObject({ ok: true });
    expect(d.registry.get('onecli').approved).toEqual([REF.anthropic]);
    // What the Access panel sends back: the list as shown.
    expect(d.registry.update('onecli', { approved: [REF.anthropic] }).approved).toEqual([REF.anthropic]);
    expect(() => d.registry.update('onecli', { approved: ['op://not a/ref'] })).toThrow(/not a valid reference/);
    expect(d.registry.update('onecli', { approved: [] }).approved).toEqual([]);
    d.registry.update('onecli', { approved: [REF.anthropic] });
    // Narrowing the scope to a mapping that does not hold it takes its "always" away.
    expect(d.registry.update('onecli', { allow: ['app.example.com'] }).approved).toEqual([]);
  });

  test('"always" taken back under Agents → Access: the next use asks again (the session its answer made ends with it)', async () => {
    const d = await door({ policy: 'ask' });
    const call = d.access.resolve(REF.anthropic);
    await settle();
    d.approvals.decide(d.pendingCard()!.id, 'always');
    expect(await call).toMatchObject({ ok: true });
    d.registry.update('onecli', { approved: [] });
    void d.access.resolve(REF.anthropic);
    await settle();
    expect(d.approvals.list()).toMatchObject([{ agent: 'onecli', mapping: REF.anthropic }]);
  });

  test('sessions end when the policy narrows, as at the gateway: asking turned off and on again, or the scope narrowed and widened, asks again', async () => {
    const d = await door({ policy: 'ask' });
    const allowFor = async (reference: string) => {
      const call = d.access.resolve(reference);
      await settle();
      d.approvals.decide(d.pendingCard()!.id, 'session');
      expect(await call).toMatchObject({ ok: true });
    };
    await allowFor(REF.anthropic);
    // Each edit is heard by the door as the gateway hears it (the core's sync), with no call in between.
    d.registry.update('onecli', { policy: 'allow' });
    d.access.agentsChanged();
    d.registry.update('onecli', { policy: 'ask' });
    d.access.agentsChanged();
    void d.access.resolve(REF.anthropic);
    await settle();
    expect(d.approvals.list()).toHaveLength(1);
    d.approvals.decide(d.pendingCard()!.id, 'session');
    await settle();
    d.registry.update('onecli', { allow: ['app.example.com'] });
    d.access.agentsChanged();
    d.registry.update('onecli', { allow: 'all' });
    d.access.agentsChanged();
    void d.access.resolve(REF.anthropic);
    await settle();
    expect(d.approvals.list()).toHaveLength(1);
  });

  test('an edit that grants more (a rate limit, a wider scope) keeps the sessions', async () => {
    const d = await door({ policy: 'ask', allow: ['api.anthropic.com'] });
    const call = d.access.resolve(REF.anthropic);
    await settle();
    d.approvals.decide(d.pendingCard()!.id, 'session');
    expect(await call).toMatchObject({ ok: true });
    d.registry.update('onecli', { allow: 'all' });
    d.access.agentsChanged();
    d.registry.setPolicy('onecli', { limits: [{ max: 100, per: 'minute' }] });
    d.access.agentsChanged();
    expect(await d.access.resolve(REF.anthropic)).toMatchObject({ ok: true });
    expect(d.approvals.list()).toEqual([]);
  });

  test('a scope narrowed while the card waits: the answer comes, the reference is still refused', async () => {
    const d = await door({ policy: 'ask' });
    const call = d.access.resolve(REF.anthropic);
    await settle();
    d.registry.update('onecli', { allow: ['app.example.com'] });
    d.approvals.decide(d.pendingCard()!.id, 'session');
    expect(await call).toMatchObject({ ok: false, failure: { code: 'not_permitted' } });
    expect(d.resolved).toEqual([]);
  });
});

test("each failure's status is what upstream's gateway caches as intended (onepassword.rs): one reference → 404/400, the whole source → other", () => {
  const status = (failure: DoorFailure) => statusOf(failure).status;
  expect(status({ code: 'not_found', message: '' })).toBe(404);
  for (const code of ['bad_reference', 'not_permitted', 'denied', 'not_approved'] as const) expect(status({ code, message: '' })).toBe(400);
  expect(status({ code: 'not_permitted', message: '', everyReference: true })).toBe(403);
  for (const code of ['rate_limited', 'rate_limited_by_policy'] as const) expect(status({ code, message: '' })).toBe(429);
  for (const code of ['auth_required', 'unavailable'] as const) expect(status({ code, message: '' })).toBe(503);
});

test('a source that fails while listing: its VaultError, with the command that fixes it; never a crash', async () => {
  const d = await door();
  const failing = new OnecliAccess({
    settings: d.settings,
    resolveReference: async () => ({ ok: false, code: 'unavailable', message: 'x' }),
    source: async () => {
      throw new VaultError('auth_required', 'No 1Password source is connected.', { remedy: 'connect-1password' });
    },
    ask: async () => ({ decision: 'timeout' }),
    record: () => undefined,
    log: memoryLog().log,
  });
  expect(await failing.listVaults()).toMatchObject({ ok: false, failure: { code: 'auth_required', message: /No 1Password source is connected\..*pair/ } });
  expect(await failing.validate()).toMatchObject({ ok: false, failure: { code: 'auth_required' } });
});
