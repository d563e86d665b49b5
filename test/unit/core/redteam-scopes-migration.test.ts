/** Red team of issue 12: a v2 settings file with odd content migrates without losing data or widening access. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { SettingsRepository } from '../../../src/core/settings/settings-repository.js';
import { toGatewayMapping } from '../../../src/core/mappings/mapping-rules.js';
import { mappingNameOf } from '../../../src/shared/settings.js';

const m = (host: string, ref = 'op://API Keys/GitHub/credential') => ({
  host,
  reference: ref,
  rule: { type: 'bearer' },
  createdAt: '2026-01-01T00:00:00.000Z',
});

function load(raw: object) {
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-red12-'));
  writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(raw));
  return new SettingsRepository({ dataDir: dir });
}

describe('v2 → v3 with odd content', () => {
  test('unknown fields and an agent carrying v3-looking fields: every agent still all/allow, the file is kept', () => {
    const repo = load({
      version: 2,
      mystery: { x: 1 },
      mappings: [{ ...m('api.github.com'), extra: true }],
      agents: [{ name: 'ci', createdAt: '2026-01-01T00:00:00.000Z', allow: ['nothing'], policy: 'ask', approved: ['api.github.com'] }],
    });
    expect(repo.health.state).toBe('migrated');
    expect(repo.get().mappings.map(mappingNameOf)).toEqual(['api.github.com']);
    expect(repo.get().agents).toMatchObject([{ name: 'ci', allow: 'all', policy: 'allow', approved: [] }]);
  });

  test('a host with a path-like suffix stays host-wide and is not named as a path mapping', () => {
    const repo = load({ version: 2, mappings: [m('api.github.com/repos')], agents: [] });
    expect(repo.health.state).toBe('migrated');
    const [only] = repo.get().mappings;
    // v2 sent its credential to every path of api.github.com: a name `api.github.com/repos` would
    // tell the user (and an agent's --allow) it is path-scoped while the gateway injects everywhere.
    const gw = toGatewayMapping(only!);
    expect(gw.path ?? '/').toBe('/');
    expect(gw.id).toBe('api.github.com');
  });

  test('duplicate hosts (and a suffix that duplicates one) do not set the whole file aside', () => {
    const repo = load({
      version: 2,
      mappings: [
        m('api.github.com', 'op://A/first/credential'),
        m('api.github.com', 'op://A/second/credential'),
        m('api.github.com/x'),
        m('api.anthropic.com'),
      ],
      agents: [{ name: 'claude', createdAt: '2026-01-01T00:00:00.000Z' }],
    });
    expect(repo.health.state).toBe('migrated');
    expect(repo.get().mappings.map(mappingNameOf)).toEqual(['api.github.com', 'api.anthropic.com']);
    expect(repo.get().mappings[0]?.reference).toBe('op://A/first/credential');
    expect(repo.get().agents.map((a) => a.name)).toEqual(['claude']);
  });
});
