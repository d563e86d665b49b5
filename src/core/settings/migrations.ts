import { SETTINGS_VERSION } from '../../shared/settings.js';

type Migration = (raw: Record<string, unknown>) => Record<string, unknown>;

/**
 * Settings migrations, keyed by the version they upgrade *from*. Each is pure and takes the
 * raw object one version forward; `migrateSettings` chains them. Add one when
 * SETTINGS_VERSION goes up, never edit an old one.
 */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  // Version 0: files written before the schema carried a version (pre-release builds kept
  // mappings under `hosts`).
  0: ({ hosts, ...rest }) => ({ ...rest, ...(Array.isArray(hosts) ? { mappings: hosts } : {}), version: 1 }),
  // Version 1 → 2: extra upstream trust became a setting (`upstream.extraCaFile`, none until the
  // user picks a file: a version-1 launch took it from --extra-ca / NODE_EXTRA_CA_CERTS only,
  // which still work), and one-time notices are remembered once dismissed.
  1: (raw) => {
    const preferences = typeof raw.preferences === 'object' && raw.preferences !== null ? (raw.preferences as Record<string, unknown>) : undefined;
    return { ...raw, upstream: {}, ...(preferences ? { preferences: { ...preferences, dismissedNotices: [] } } : {}), version: 2 };
  },
  // Version 2 → 3: scoped access (issue 12). Mappings may carry a path prefix and methods (a v2
  // mapping has neither: every path, every method, as before); agents carry a scope and a
  // policy. Meaning unchanged: every agent may use every mapping, and nothing asks first.
  2: (raw) => {
    const agents = Array.isArray(raw.agents)
      ? raw.agents.map((a: unknown) => (typeof a === 'object' && a !== null ? { ...a, allow: 'all', policy: 'allow', approved: [] } : a))
      : raw.agents;
    // A v2 host with a path-like suffix (`api.github.com/repos`, hand-edited) was host-wide to the
    // v2 gateway; in v3 that spelling is the name of a path mapping, so it is stored as its host
    // (`api.github.com`): every path, as before, and a name that says so. Two mappings of one host
    // (the v2 gateway refused to start with them) keep the first, as `mappings add` would have.
    const seen = new Set<string>();
    const mappings = Array.isArray(raw.mappings)
      ? raw.mappings
          .map((m: unknown) => {
            if (typeof m !== 'object' || m === null || typeof (m as { host?: unknown }).host !== 'string') return m;
            const host = (m as { host: string }).host;
            const bare = host
              .trim()
              .replace(/^https?:\/\//i, '')
              .replace(/\/.*$/, '');
            return bare === host || bare === '' ? m : { ...m, host: bare };
          })
          .filter((m: unknown) => {
            const host = typeof m === 'object' && m !== null ? (m as { host?: unknown }).host : undefined;
            if (typeof host !== 'string') return true;
            const key = host.toLowerCase();
            if (seen.has(key)) return false;
            seen.add(key);
            return true;
          })
      : raw.mappings;
    return { ...raw, ...(agents === undefined ? {} : { agents }), ...(mappings === undefined ? {} : { mappings }), version: 3 };
  },
  // Version 3 → 4: policy (issue 14). Agents carry egress (open: every host, as before) and rate
  // limits (none); mappings may carry block rules (a v3 mapping has none). Meaning unchanged. The
  // version goes up although the new fields have defaults, so that an older OneCLI refuses the
  // file ("written by a newer OneCLI") rather than dropping an allowlist it does not know, which
  // would open an agent's egress without a word.
  3: (raw) => {
    const agents = Array.isArray(raw.agents)
      ? raw.agents.map((a: unknown) => (typeof a === 'object' && a !== null ? { ...a, egress: { mode: 'open', hosts: [] }, limits: [] } : a))
      : raw.agents;
    return { ...raw, ...(agents === undefined ? {} : { agents }), version: 4 };
  },
};

export type MigrationOutcome = { ok: true; raw: Record<string, unknown>; from: number } | { ok: false; reason: string };

export function migrateSettings(input: unknown, target = SETTINGS_VERSION, migrations = MIGRATIONS): MigrationOutcome {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { ok: false, reason: 'the file does not hold a settings object' };
  let raw = input as Record<string, unknown>;
  const from = raw.version === undefined ? 0 : raw.version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 0) return { ok: false, reason: 'its "version" is not a number' };
  if (from > target) return { ok: false, reason: `it was written by a newer OneCLI (settings version ${from}); update OneCLI to use it` };
  for (let v = from; v < target; v++) {
    const step = migrations[v];
    if (!step) return { ok: false, reason: `no migration from settings version ${v}` };
    raw = step(raw);
  }
  return { ok: true, raw, from };
}
