import type { ControlParams, ControlResult, MappingView } from '../../shared/control-api.js';
import { credentialValueProblem } from '../../shared/credential-value.js';
import { ruleHeaderName } from '../../shared/header-rule.js';
import { mappingNameOf, type Mapping } from '../../shared/settings.js';
import type { AgentService } from '../agents/agent-service.js';
import type { CaService } from '../ca/ca-service.js';
import { ControlError } from '../control-error.js';
import type { GatewayHandle } from '../core-deps.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import { MappingInputError, buildMapping, mappingKey, maskValue, parseMappingName } from './mapping-rules.js';
import { probeThroughGateway } from './probe.js';
import { editBlocks } from '../policy/policy-edits.js';
import type { MappingResolver } from './resolve-mapping.js';
import type { Remedy } from '../../shared/remedy.js';

export interface MappingServiceDeps {
  readonly settings: SettingsRepository;
  readonly resolver: MappingResolver;
  readonly gateway: GatewayHandle;
  readonly agents: Pick<AgentService, 'probeCredentials' | 'mappingRemoved'>;
  readonly ca: Pick<CaService, 'ensure'>;
  readonly now: () => Date;
}

function view(m: Mapping): MappingView {
  return { ...m, name: mappingNameOf(m), header: ruleHeaderName(m.rule) };
}

/**
 * The host (and path, and methods) → credential mappings: kept in settings, pushed to the gateway
 * on every change. A mapping is named `HOST` or `HOST/PREFIX` (its id everywhere).
 */
export class MappingService {
  constructor(private readonly deps: MappingServiceDeps) {}

  list(): MappingView[] {
    return this.deps.settings.get().mappings.map(view);
  }

  async add(p: ControlParams<'mappings.add'>): Promise<MappingView> {
    let mapping;
    try {
      mapping = buildMapping(p, this.deps.now());
    } catch (err) {
      if (err instanceof MappingInputError) throw new ControlError('invalid_params', err.message);
      throw err;
    }
    const name = mappingNameOf(mapping);
    const exists = this.deps.settings.get().mappings.some((m) => mappingNameOf(m) === name);
    if (exists && !p.replace)
      throw new ControlError(
        'conflict',
        `${name} is already mapped: edit that mapping or remove it first${mapping.path ? '' : ', or give this one its own path prefix'}.`,
        { remedy: 'replace-mapping' },
      );
    // A replaced mapping keeps its block rules: a new key for a host must not quietly lift a
    // "never DELETE" the user set on the old one.
    const blocks = this.deps.settings.get().mappings.find((m) => mappingNameOf(m) === name)?.blocks;
    const stored: Mapping = blocks ? { ...mapping, blocks } : mapping;
    this.deps.settings.update((s) => ({ ...s, mappings: [...s.mappings.filter((m) => mappingNameOf(m) !== name), stored] }));
    await this.deps.gateway.sync([name]);
    return view(stored);
  }

  /** Removes a mapping by name; no agent's scope or "always" keeps naming it, and its waiting approvals end. */
  async remove(raw: string): Promise<{ removed: boolean }> {
    const name = safeName(raw);
    const before = this.deps.settings.get().mappings.length;
    this.deps.settings.update((s) => ({ ...s, mappings: s.mappings.filter((m) => mappingNameOf(m) !== name) }));
    const removed = this.deps.settings.get().mappings.length < before;
    if (removed) {
      this.deps.agents.mappingRemoved(name);
      await this.deps.gateway.sync([name]);
    }
    return { removed };
  }

  /** Adds or removes block rules (issue 14): requests the credential is never used for, whichever agent asks. */
  async block(p: ControlParams<'mappings.block'>): Promise<MappingView> {
    const name = safeName(p.host);
    const current = this.#find(name, `No mapping named ${name} (mappings are named HOST or HOST/PREFIX).`, 'list-mappings');
    const blocks = editBlocks(current.blocks, p, name);
    const { blocks: _old, ...rest } = current;
    const next: Mapping = { ...rest, ...(blocks ? { blocks } : {}) };
    this.deps.settings.update((s) => ({ ...s, mappings: s.mappings.map((m) => (mappingNameOf(m) === name ? next : m)) }));
    await this.deps.gateway.sync(); // the value is unchanged: its cache stays
    return view(next);
  }

  /** Resolves the value here (never through the gateway) and shows it masked. */
  async test(raw: string): Promise<ControlResult<'mappings.test'>> {
    const key = safeName(raw);
    const mapping = this.#find(key, `No mapping named ${key} (mappings are named HOST or HOST/PREFIX).`, 'list-mappings');
    const result = await this.deps.resolver.resolve(key);
    if (!result.ok) return result;
    const problem = credentialValueProblem(result.value);
    if (problem)
      return {
        ok: false,
        code: 'invalid_value',
        message: `${key} resolves, but ${problem}, so the gateway will not send it (502 invalid_value). Fix the stored value: the key alone, on one line.`,
      };
    return { ok: true, header: ruleHeaderName(mapping.rule), masked: maskValue(result.value), length: result.value.length };
  }

  /** "Test a request": a real request through the gateway, as an agent makes it. */
  async probe(raw: string): Promise<ControlResult<'mappings.probe'>> {
    const key = safeName(raw);
    const mapping = this.#find(key, `No mapping named ${key}.`, 'list-mappings');
    const { host: name, port } = mappingKey(mapping.host);
    if (name.startsWith('*.'))
      throw new ControlError('invalid_params', 'A wildcard mapping has no single host to test; test one of its hosts with curl through the gateway.');
    if (this.deps.gateway.status.state !== 'running') throw new ControlError('unavailable', 'The gateway is not running; start it first.');
    const agentToken = await this.deps.agents.probeCredentials();
    const ca = await this.deps.ca.ensure();
    const outcome = await probeThroughGateway({ gatewayPort: this.deps.gateway.agentPort, agentToken, host: name, port, caPem: ca.ca.certPem });
    return { ...outcome, header: ruleHeaderName(mapping.rule) };
  }

  #find(key: string, notMapped: string, remedy?: Remedy): Mapping {
    const mapping = this.deps.settings.get().mappings.find((m) => mappingNameOf(m) === key);
    if (!mapping) throw new ControlError('not_found', notMapped, remedy ? { remedy } : undefined);
    return mapping;
  }
}

/** A mapping's name as given (`HOST` or `HOST/PREFIX`), as stored; invalid_params with the fix when it is none. */
function safeName(raw: string): string {
  try {
    return parseMappingName(raw).name;
  } catch (err) {
    if (err instanceof MappingInputError) throw new ControlError('invalid_params', err.message);
    throw err;
  }
}
