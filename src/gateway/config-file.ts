import { readFileSync } from 'node:fs';
import path from 'node:path';
import { credentialValueProblem } from '../shared/credential-value.js';
import type { EgressPolicy, RateLimit } from '../shared/agent-policy.js';
import { GatewayConfigFile, GatewayRuntimeConfig, GatewayTimeouts, type GatewayMapping } from '../shared/gateway-config.js';
import { referencesNeeded, shapeFromInput } from '../shared/credential-rule.js';
import { formatAuthority, isLoopbackHost, parseAuthority } from '../shared/host-authority.js';
import { mappingName } from '../shared/mapping-path.js';
import type { ResolveResult } from '../shared/vault-errors.js';

/** A config problem, reported as one line naming the field; the program exits 2. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export interface StandaloneConfig {
  readonly runtime: GatewayRuntimeConfig;
  /** Mapping id → its values (one, or one per header), read from the environment: never from argv or the file. */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** Problems that do not stop the start (a value that cannot be sent), one sentence each. */
  readonly warnings: readonly string[];
}

function readText(file: string, field: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(field, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function fieldPath(p: readonly PropertyKey[]): string {
  return p.reduce<string>((acc, k) => (typeof k === 'number' ? `${acc}[${k}]` : acc ? `${acc}.${String(k)}` : String(k)), '') || '(file)';
}

/** Loads `--config FILE` (docs/gateway.md). Relative paths in the file are relative to the file. */
export function loadConfigFile(file: string, env: NodeJS.ProcessEnv): StandaloneConfig {
  let json: unknown;
  try {
    json = JSON.parse(readText(file, 'config'));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    throw new ConfigError('config', `${file} is not valid JSON`);
  }
  const parsed = GatewayConfigFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // Issue paths and zod's message only: `received` could echo a value someone pasted in.
    throw new ConfigError(fieldPath(issue?.path ?? []), issue?.message ?? 'invalid');
  }
  const cfg = parsed.data;
  const dir = path.dirname(path.resolve(file));
  const resolvePath = (p: string) => path.resolve(dir, p);

  const listen = parseAuthority(cfg.listen, -1, { minPort: 0 }); // port 0: any free port (tests)
  if (!listen || listen.port < 0) throw new ConfigError('listen', 'expected "host:port", such as "127.0.0.1:10255"');
  if (!isLoopbackHost(listen.host)) throw new ConfigError('listen', 'the gateway only listens on a loopback address (127.0.0.1, ::1 or localhost)');

  const tokens = (env[cfg.agentTokensEnv] ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tokens.length === 0) throw new ConfigError('agentTokensEnv', `environment variable ${cfg.agentTokensEnv} is empty or not set`);
  const shortToken = tokens.findIndex((t) => t.length < 16);
  if (shortToken !== -1) throw new ConfigError('agentTokensEnv', `token ${shortToken + 1} in ${cfg.agentTokensEnv} is shorter than 16 characters`);

  const values = new Map<string, string[]>();
  const warnings: string[] = [];
  const seen = new Set<string>();
  const mappings: GatewayMapping[] = cfg.mappings.map((m, i) => {
    const field = `mappings[${i}]`;
    const authority = parseAuthority(m.host, 443, { allowWildcard: true });
    if (!authority) throw new ConfigError(`${field}.host`, 'expected a host name or IP, optionally with :port, such as "api.anthropic.com"');
    // Named as the launcher names mappings (HOST or HOST/PREFIX), and by its methods when two share a path.
    const prefix = m.path && m.path !== '/' ? m.path : undefined;
    const methods = m.methods ? [...new Set(m.methods)].sort() : undefined;
    const id = `${mappingName(formatAuthority(authority), prefix)}${methods ? `#${methods.join(',')}` : ''}`;
    if (seen.has(id)) throw new ConfigError(`${field}.host`, `${id} is mapped twice`);
    seen.add(id);
    if (m.route && authority.host.startsWith('*.')) throw new ConfigError(`${field}.route`, 'a wildcard host cannot have a route: a route needs one host');
    const shape = shapeFromInput(authority.host, m, prefix);
    if (!shape.ok) throw new ConfigError(`${field}.${shape.field}`, shape.message);
    const envNames = [m.valueEnv, ...(m.valueEnvs ?? [])];
    const needed = referencesNeeded(shape.rule);
    if (envNames.length !== needed)
      throw new ConfigError(`${field}.valueEnvs`, `this shape takes ${needed} value(s): valueEnv${needed > 1 ? ` and ${needed - 1} in valueEnvs` : ' alone'}`);
    const mappingValues = envNames.map((name, j) => {
      const value = env[name];
      if (!value) throw new ConfigError(j === 0 ? `${field}.valueEnv` : `${field}.valueEnvs[${j - 1}]`, `environment variable ${name} is empty or not set`);
      // Not fatal: one bad value must not take the other mappings down. Its requests get a 502
      // `invalid_value`, and the start says which variable to fix.
      const problem = credentialValueProblem(value);
      if (problem)
        warnings.push(
          `${field}.${j === 0 ? 'valueEnv' : `valueEnvs[${j - 1}]`}: environment variable ${name}: ${problem}; requests for ${id} get 502 invalid_value until it is fixed`,
        );
      return value;
    });
    values.set(id, mappingValues);
    return {
      id,
      host: authority.host,
      port: authority.port,
      rule: shape.rule,
      ...(m.route ? { route: m.route } : {}),
      ...(prefix ? { path: prefix } : {}),
      ...(methods ? { methods } : {}),
      ...(m.blocks ? { blocks: m.blocks } : {}),
    };
  });

  const names = tokens.map((_, i) => (tokens.length === 1 ? 'agent' : `agent-${i + 1}`));
  const policies = agentPolicies(cfg.agents ?? {}, names, new Set(mappings.map((m) => m.id)));

  const runtime = GatewayRuntimeConfig.safeParse({
    listen: { host: listen.host, port: listen.port },
    ca: { certPem: readText(resolvePath(cfg.ca.certFile), 'ca.certFile'), keyPem: readText(resolvePath(cfg.ca.keyFile), 'ca.keyFile') },
    ...(cfg.extraCaFile ? { extraCaPem: readText(resolvePath(cfg.extraCaFile), 'extraCaFile') } : {}),
    agents: tokens.map((token, i) => ({ name: names[i] as string, token, ...policies.get(names[i] as string) })),
    mappings,
    logLevel: cfg.logLevel ?? 'info',
    timeouts: GatewayTimeouts.parse(cfg.timeouts ?? {}),
  });
  if (!runtime.success) {
    const issue = runtime.error.issues[0];
    throw new ConfigError(fieldPath(issue?.path ?? []), issue?.message ?? 'invalid');
  }
  return { runtime: runtime.data, values, warnings };
}

/**
 * `agents` of the file: policy by agent name. A limit's `mapping` is written as that mapping's
 * `host` (any spelling the mapping accepts) and stored as its id.
 */
function agentPolicies(agents: NonNullable<GatewayConfigFile['agents']>, names: readonly string[], mappingIds: ReadonlySet<string>) {
  const out = new Map<string, { egress?: EgressPolicy; limits?: RateLimit[] }>();
  for (const [name, policy] of Object.entries(agents)) {
    const field = `agents.${name}`;
    if (!names.includes(name)) throw new ConfigError(field, `no agent is named ${name}: the tokens in agentTokensEnv are named ${names.join(', ')}`);
    const limits = (policy.limits ?? []).map((limit, i) => {
      if (limit.mapping === undefined) return limit;
      const authority = parseAuthority(limit.mapping, 443, { allowWildcard: true });
      const id = authority ? formatAuthority(authority) : undefined;
      if (!id || !mappingIds.has(id)) throw new ConfigError(`${field}.limits[${i}].mapping`, 'must be the host of one of the mappings');
      return { ...limit, mapping: id };
    });
    out.set(name, { ...(policy.egress ? { egress: policy.egress } : {}), ...(limits.length ? { limits } : {}) });
  }
  return out;
}

/** Standalone values never change while the gateway runs. */
export function environmentSource(values: ReadonlyMap<string, readonly string[]>) {
  return async (mappingId: string): Promise<ResolveResult> => {
    const [value, ...more] = values.get(mappingId) ?? [];
    if (!value) return { ok: false, code: 'not_found', message: `No value is configured for ${mappingId}.` };
    return more.length ? { ok: true, value, more } : { ok: true, value };
  };
}
