import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { AgentRegistry } from '../../../src/core/agents/agent-registry.js';
import { ControlError } from '../../../src/core/control-error.js';
import { buildMapping } from '../../../src/core/mappings/mapping-rules.js';
import { MemorySecretStore } from '../../../src/core/secrets/memory-secret-store.js';
import { SettingsRepository } from '../../../src/core/settings/settings-repository.js';

const registry = (store = new MemorySecretStore()) => {
  const settings = new SettingsRepository({ dataDir: mkdtempSync(path.join(tmpdir(), 'onecli-agents-')) });
  return { store, settings, agents: new AgentRegistry(settings, store) };
};

const now = new Date('2026-12-01T00:00:00Z');
function withMappings(settings: SettingsRepository, ...specs: { host: string; path?: string }[]) {
  settings.update((s) => ({ ...s, mappings: specs.map((spec) => buildMapping({ ...spec, reference: 'local://k' }, now)) }));
}

test('tokens are random, prefixed, kept in the secret store; settings hold only the name', async () => {
  const { agents, store } = registry();
  const a = await agents.create('claude');
  const b = await agents.create('codex');
  expect(a.token).toMatch(/^oc_[A-Za-z0-9_-]{32}$/);
  expect(a.token).not.toBe(b.token);
  expect(await store.get('agent-token:claude')).toBe(a.token);
  expect(JSON.stringify(agents.list())).not.toContain(a.token);
  expect(await agents.credentials()).toEqual([
    { name: 'claude', token: a.token, allow: 'all', ask: false, approved: [], egress: { mode: 'open', hosts: [] }, limits: [] },
    { name: 'codex', token: b.token, allow: 'all', ask: false, approved: [], egress: { mode: 'open', hosts: [] }, limits: [] },
  ]);
});

test('names are validated and unique; revoking removes name and token', async () => {
  const { agents, store } = registry();
  await expect(agents.create('Bad Name')).rejects.toThrow(ControlError);
  await agents.create('x');
  await expect(agents.create('x')).rejects.toThrow(/exists/);
  expect(await agents.revoke('x')).toBe(true);
  expect(await store.get('agent-token:x')).toBeUndefined();
  expect(await agents.revoke('x')).toBe(false);
});

test('a token missing from the store (memory-only run restarted) is reissued', async () => {
  const first = registry();
  await first.agents.ensureDefault();
  const old = await first.agents.token('default');
  // Same settings, new empty store: what a restart without a keychain looks like.
  const restarted = new AgentRegistry((first.agents as unknown as { settings: SettingsRepository }).settings, new MemorySecretStore());
  expect(await restarted.token('default')).toBeUndefined();
  expect(await restarted.reissueMissingTokens()).toEqual(['default']);
  const fresh = await restarted.token('default');
  expect(fresh).toMatch(/^oc_/);
  expect(fresh).not.toBe(old);
  expect(await restarted.reissueMissingTokens()).toEqual([]);
});

describe('scopes and policies (issue 12)', () => {
  test('create with --allow and --ask: the gateway gets the scope, the policy and the "always" list', async () => {
    const { agents, settings } = registry();
    withMappings(settings, { host: 'api.anthropic.com' }, { host: 'api.github.com', path: '/repos' });
    await agents.create('claude', { allow: ['API.anthropic.com'], policy: 'ask' });
    agents.keepAlways('claude', 'api.anthropic.com');
    expect(agents.get('claude')).toMatchObject({ allow: ['api.anthropic.com'], policy: 'ask', approved: ['api.anthropic.com'] });
    expect((await agents.credentials())[0]).toMatchObject({ name: 'claude', allow: ['api.anthropic.com'], ask: true, approved: ['api.anthropic.com'] });
  });

  test('an unknown mapping or agent is refused with what to do, and nothing is kept', async () => {
    const { agents, settings, store } = registry();
    withMappings(settings, { host: 'api.github.com', path: '/repos' });
    await expect(agents.create('ci', { allow: ['api.github.com'] })).rejects.toThrow(
      /^No mapping named api\.github\.com: mappings are named HOST or HOST\/PREFIX, as onecli-launcher mappings list shows them; add one with onecli-launcher mappings add HOST REF\.$/,
    );
    expect(agents.list()).toEqual([]);
    expect(await store.get('agent-token:ci')).toBeUndefined();
    expect(() => agents.allow('nobody', ['api.github.com/repos'])).toThrow(
      /^No agent named "nobody": see onecli-launcher agents list, or create it with onecli-launcher agents create nobody\.$/,
    );
  });

  test('allow adds, disallow removes (from "all": every other mapping), and a mapping out of scope loses its "always"', async () => {
    const { agents, settings } = registry();
    withMappings(settings, { host: 'a.example' }, { host: 'b.example' }, { host: 'b.example', path: '/v1' });
    await agents.create('x');
    expect(agents.allow('x', ['a.example']).allow).toBe('all');
    agents.keepAlways('x', 'b.example/v1');
    expect(agents.disallow('x', ['a.example'])).toMatchObject({ allow: ['b.example', 'b.example/v1'], approved: ['b.example/v1'] });
    expect(agents.disallow('x', ['b.example/v1/'])).toMatchObject({ allow: ['b.example'], approved: [] });
    expect(agents.allow('x', ['a.example', 'a.example']).allow).toEqual(['b.example', 'a.example']);
    expect(agents.update('x', { allow: 'all', policy: 'ask' })).toMatchObject({ allow: 'all', policy: 'ask' });
  });

  test('a removed mapping leaves no scope or "always" naming it', async () => {
    const { agents, settings } = registry();
    withMappings(settings, { host: 'a.example' }, { host: 'b.example' });
    await agents.create('x', { allow: ['a.example', 'b.example'], policy: 'ask' });
    agents.keepAlways('x', 'a.example');
    agents.forgetMapping('a.example');
    expect(agents.get('x')).toMatchObject({ allow: ['b.example'], approved: [] });
  });
});
