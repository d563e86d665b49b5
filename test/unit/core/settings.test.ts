import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { migrateSettings } from '../../../src/core/settings/migrations.js';
import { SettingsRepository } from '../../../src/core/settings/settings-repository.js';
import { withSettingsLock } from '../../../src/core/settings/settings-lock.js';
import { SETTINGS_VERSION } from '../../../src/shared/settings.js';

const fresh = () => mkdtempSync(path.join(tmpdir(), 'onecli-settings-'));
const fixedNow = () => new Date('2026-11-25T10:00:00.000Z');
const mapping = {
  host: 'api.anthropic.com',
  reference: 'op://API Keys/Anthropic/credential',
  rule: { type: 'x-api-key' },
  createdAt: '2026-11-25T10:00:00.000Z',
};

describe('SettingsRepository', () => {
  test('a first start writes defaults, 0600', () => {
    const dir = fresh();
    const repo = new SettingsRepository({ dataDir: dir });
    expect(repo.health).toEqual({ state: 'created' });
    expect(repo.get()).toMatchObject({ version: SETTINGS_VERSION, gateway: { port: 10255 }, mappings: [], source: { kind: 'none' } });
    expect(statSync(path.join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
  });

  test('changes persist and validate; an invalid change writes nothing', () => {
    const dir = fresh();
    const repo = new SettingsRepository({ dataDir: dir });
    repo.update((s) => ({ ...s, mappings: [mapping as never] }));
    expect(new SettingsRepository({ dataDir: dir }).get().mappings[0]?.host).toBe('api.anthropic.com');
    expect(() => repo.update((s) => ({ ...s, mappings: [{ ...mapping, reference: 'op://only-vault' } as never] }))).toThrow(/vault, an item and a field/);
    expect(JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')).mappings).toHaveLength(1);
  });

  test.each([
    ['not JSON', '{ "version": 1, '],
    ['a wrong type', JSON.stringify({ version: 1, gateway: { port: 'x' } })],
    ['a newer version', JSON.stringify({ version: 99 })],
    ['a bad reference', JSON.stringify({ version: 1, mappings: [{ ...mapping, reference: 'https://x' }] })],
  ])('a corrupt file (%s) is set aside, never deleted, and defaults are used', (_name, text) => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'settings.json'), text);
    const repo = new SettingsRepository({ dataDir: dir, now: fixedNow });
    expect(repo.health).toMatchObject({ state: 'set-aside', movedTo: path.join(dir, 'settings.corrupt-2026-11-25T10-00-00-000Z.json') });
    expect(readFileSync((repo.health as { movedTo: string }).movedTo, 'utf8')).toBe(text);
    expect(repo.get().mappings).toEqual([]);
    expect(readdirSync(dir).sort()).toEqual(['settings.corrupt-2026-11-25T10-00-00-000Z.json', 'settings.json']);
  });

  test('an old file is migrated and written back', () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ hosts: [mapping] }));
    const repo = new SettingsRepository({ dataDir: dir });
    expect(repo.health).toEqual({ state: 'migrated' });
    expect(repo.get().mappings).toHaveLength(1);
    expect(JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')).version).toBe(SETTINGS_VERSION);
  });
});

describe('migrateSettings', () => {
  test('chains steps and reports where it started', () => {
    const steps = { 0: (r: Record<string, unknown>) => ({ ...r, a: 1, version: 1 }), 1: (r: Record<string, unknown>) => ({ ...r, b: 2, version: 2 }) };
    expect(migrateSettings({}, 2, steps)).toEqual({ ok: true, raw: { a: 1, b: 2, version: 2 }, from: 0 });
    expect(migrateSettings({ version: 1 }, 2, steps)).toEqual({ ok: true, raw: { b: 2, version: 2 }, from: 1 });
  });
  test('refuses what it cannot understand', () => {
    expect(migrateSettings([])).toMatchObject({ ok: false });
    expect(migrateSettings({ version: 'x' })).toMatchObject({ ok: false });
    expect(migrateSettings({ version: 2 }, 2, {})).toMatchObject({ ok: true });
    expect(migrateSettings({ version: 0 }, 2, { 0: (r) => ({ ...r, version: 1 }) })).toEqual({ ok: false, reason: 'no migration from settings version 1' });
  });
});

test('the settings lock serialises writers', async () => {
  const dir = fresh();
  const order: string[] = [];
  await Promise.all(
    ['a', 'b', 'c'].map((name) =>
      withSettingsLock(dir, async () => {
        order.push(`${name}-in`);
        await new Promise((r) => setTimeout(r, 30));
        order.push(`${name}-out`);
      }),
    ),
  );
  for (let i = 0; i < order.length; i += 2) expect(order[i]?.replace('-in', '')).toBe(order[i + 1]?.replace('-out', ''));
});

describe('settings version 2 (issue 16: extra upstream CA, dismissed notices)', () => {
  test('a version-1 file migrates: no extra CA chosen yet, no notice dismissed, the rest kept', () => {
    const dir = fresh();
    writeFileSync(
      path.join(dir, 'settings.json'),
      JSON.stringify({
        version: 1,
        gateway: { port: 12000 },
        mappings: [mapping],
        preferences: { launchAtLogin: true, checkForUpdates: false, onboarded: true },
      }),
    );
    const repo = new SettingsRepository({ dataDir: dir });
    expect(repo.health).toEqual({ state: 'migrated' });
    expect(repo.get()).toMatchObject({
      version: SETTINGS_VERSION,
      gateway: { port: 12000 },
      upstream: {},
      preferences: { launchAtLogin: true, checkForUpdates: false, onboarded: true, dismissedNotices: [] },
    });
    expect(repo.get().mappings).toHaveLength(1);
    expect(JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')).version).toBe(SETTINGS_VERSION);
  });

  test('the 1 → 2 step is pure and leaves a file without preferences alone', () => {
    expect(migrateSettings({ version: 1 }, 2)).toEqual({ ok: true, raw: { version: 2, upstream: {} }, from: 1 });
    expect(migrateSettings({ version: 1, preferences: { onboarded: true } }, 2)).toEqual({
      ok: true,
      raw: { version: 2, upstream: {}, preferences: { onboarded: true, dismissedNotices: [] } },
      from: 1,
    });
  });

  test('an extra CA path that is not a string is a corrupt file, set aside', () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ version: 2, upstream: { extraCaFile: 42 } }));
    expect(new SettingsRepository({ dataDir: dir, now: fixedNow }).health).toMatchObject({
      state: 'set-aside',
      reason: expect.stringMatching(/^upstream\.extraCaFile/),
    });
  });
});

describe('settings version 3 (issue 12: path rules, agent scopes, approval on first use)', () => {
  // Written by the v2 launcher itself (mappings add ×2, agents create ×2), not by hand.
  const V2_FILE = readFileSync(path.resolve(import.meta.dirname, '../../fixtures/settings-v2.json'), 'utf8');

  test('a real v2 file migrates unchanged in meaning: every agent may use every mapping, nothing asks', () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'settings.json'), V2_FILE);
    const v2 = JSON.parse(V2_FILE) as { mappings: object[]; agents: { name: string; createdAt: string }[] };
    const repo = new SettingsRepository({ dataDir: dir });
    expect(repo.health).toEqual({ state: 'migrated' });
    const s = repo.get();
    expect(s.version).toBe(SETTINGS_VERSION);
    // Mappings: byte for byte what they were (no path, no methods: every request to the host).
    expect(s.mappings).toEqual(v2.mappings);
    expect(s.agents).toEqual(v2.agents.map((a) => ({ ...a, allow: 'all', policy: 'allow', approved: [], egress: { mode: 'open', hosts: [] }, limits: [] })));
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8'));
    expect(onDisk.version).toBe(SETTINGS_VERSION);
    expect(onDisk.agents[0]).toMatchObject({ name: 'claude', allow: 'all', policy: 'allow' });
    // And the file reads back as it was written: no second migration.
    expect(new SettingsRepository({ dataDir: dir }).health).toEqual({ state: 'ok' });
  });

  test('the 2 → 3 step is pure and leaves a file without agents alone', () => {
    expect(migrateSettings({ version: 2 }, 3)).toEqual({ ok: true, raw: { version: 3 }, from: 2 });
    expect(migrateSettings({ version: 2, agents: [{ name: 'a', createdAt: 'x' }] }, 3)).toEqual({
      ok: true,
      raw: { version: 3, agents: [{ name: 'a', createdAt: 'x', allow: 'all', policy: 'allow', approved: [] }] },
      from: 2,
    });
  });

  test('several mappings per host, told apart by path; two with one name are refused', () => {
    const repo = new SettingsRepository({ dataDir: fresh() });
    const github = { ...mapping, host: 'api.github.com', rule: { type: 'bearer' as const } };
    repo.update((s) => ({ ...s, mappings: [github, { ...github, path: 'repos/acme/', methods: ['get', 'HEAD'] }] as never }));
    expect(repo.get().mappings[1]).toMatchObject({ path: '/repos/acme', methods: ['GET', 'HEAD'] });
    expect(() => repo.update((s) => ({ ...s, mappings: [...s.mappings, { ...github, path: '/repos/acme/', methods: ['POST'] }] }))).toThrow(
      /two mappings are named api\.github\.com\/repos\/acme/,
    );
    expect(() => repo.update((s) => ({ ...s, mappings: [{ ...github, path: '/a/../b' }] }))).toThrow(/segments/);
  });

  test('an agent scope is "all" or a list of mapping names; a policy is ask or allow', () => {
    const repo = new SettingsRepository({ dataDir: fresh() });
    repo.update((s) => ({
      ...s,
      agents: [{ name: 'ci', createdAt: 'x', allow: ['api.github.com/repos'], policy: 'ask', approved: [], egress: { mode: 'open', hosts: [] }, limits: [] }],
    }));
    expect(repo.get().agents[0]).toMatchObject({ allow: ['api.github.com/repos'], policy: 'ask' });
    expect(() => repo.update((s) => ({ ...s, agents: [{ ...s.agents[0]!, policy: 'sometimes' as never }] }))).toThrow();
    expect(() => repo.update((s) => ({ ...s, agents: [{ ...s.agents[0]!, allow: 'some' as never }] }))).toThrow();
  });
});

describe('settings version 4 (issue 14: egress, rate limits, block rules)', () => {
  const v3 = {
    version: 3,
    mappings: [{ host: 'api.github.com', reference: 'op://Dev/GitHub/token', rule: { type: 'bearer' }, createdAt: '2026-11-30T10:00:00.000Z' }],
    agents: [
      { name: 'claude', createdAt: '2026-11-30T10:00:00.000Z', allow: 'all', policy: 'allow', approved: [] },
      { name: 'ci', createdAt: '2026-11-30T10:01:00.000Z', allow: ['api.github.com'], policy: 'ask', approved: ['api.github.com'] },
    ],
  };

  test('a v3 file migrates unchanged in meaning: open egress, no limits, no block rules; scopes and policies kept', () => {
    const dir = fresh();
    writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(v3));
    const repo = new SettingsRepository({ dataDir: dir });
    expect(repo.health).toEqual({ state: 'migrated' });
    const s = repo.get();
    expect(s.version).toBe(4);
    expect(s.mappings).toEqual(v3.mappings);
    expect(s.agents).toEqual(v3.agents.map((a) => ({ ...a, egress: { mode: 'open', hosts: [] }, limits: [] })));
    expect(JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')).version).toBe(4);
  });

  test('an older OneCLI refuses a v4 file instead of dropping an allowlist it cannot read', () => {
    expect(migrateSettings({ version: 4 }, 3)).toMatchObject({ ok: false, reason: expect.stringMatching(/newer OneCLI/) });
  });

  test('egress entries are stored canonical, bad ones and duplicate limits are refused', () => {
    const repo = new SettingsRepository({ dataDir: fresh() });
    const agent = { name: 'ci', createdAt: 'x', allow: 'all' as const, policy: 'allow' as const, approved: [] };
    repo.update((s) => ({
      ...s,
      agents: [{ ...agent, egress: { mode: 'allowlist', hosts: ['Registry.NPMJS.org.', '*.GitHubUserContent.com'] }, limits: [] }],
    }));
    expect(repo.get().agents[0]!.egress).toEqual({ mode: 'allowlist', hosts: ['registry.npmjs.org', '*.githubusercontent.com'] });
    expect(() => repo.update((s) => ({ ...s, agents: [{ ...agent, egress: { mode: 'allowlist', hosts: ['paste.example/x'] }, limits: [] }] }))).toThrow(
      /must be a host/,
    );
    const twice = [
      { max: 10, per: 'minute' as const },
      { max: 20, per: 'minute' as const },
    ];
    expect(() => repo.update((s) => ({ ...s, agents: [{ ...agent, egress: { mode: 'open', hosts: [] }, limits: twice }] }))).toThrow(/two limits per minute/);
  });
});
