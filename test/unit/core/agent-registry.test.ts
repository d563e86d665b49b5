import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { AgentRegistry } from '../../../src/core/agents/agent-registry.js';
import { ControlError } from '../../../src/core/control-error.js';
import { MemorySecretStore } from '../../../src/core/secrets/memory-secret-store.js';
import { SettingsRepository } from '../../../src/core/settings/settings-repository.js';

const registry = (store = new MemorySecretStore()) => ({
  store,
  agents: new AgentRegistry(new SettingsRepository({ dataDir: mkdtempSync(path.join(tmpdir(), 'onecli-agents-')) }), store),
});

test('tokens are random, prefixed, kept in the secret store; settings hold only the name', async () => {
  const { agents, store } = registry();
  const a = await agents.create('claude');
  const b = await agents.create('codex');
  expect(a.token).toMatch(/^oc_[A-Za-z0-9_-]{32}$/);
  expect(a.token).not.toBe(b.token);
  expect(await store.get('agent-token:claude')).toBe(a.token);
  expect(JSON.stringify(agents.list())).not.toContain(a.token);
  expect(await agents.credentials()).toEqual([
    { name: 'claude', token: a.token },
    { name: 'codex', token: b.token },
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
