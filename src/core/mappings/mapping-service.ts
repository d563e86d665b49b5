import type { ControlParams, ControlResult, MappingView } from '../../shared/control-api.js';
import { credentialValueProblem } from '../../shared/credential-value.js';
import { ruleHeaderName } from '../../shared/header-rule.js';
import type { Mapping } from '../../shared/settings.js';
import type { AgentService } from '../agents/agent-service.js';
import type { CaService } from '../ca/ca-service.js';
import { ControlError } from '../control-error.js';
import type { GatewayHandle } from '../core-deps.js';
import type { SettingsRepository } from '../settings/settings-repository.js';
import { MappingInputError, buildMapping, mappingKey, maskValue } from './mapping-rules.js';
import { probeThroughGateway } from './probe.js';
import type { MappingResolver } from './resolve-mapping.js';

export interface MappingServiceDeps {
  readonly settings: SettingsRepository;
  readonly resolver: MappingResolver;
  readonly gateway: GatewayHandle;
  readonly agents: Pick<AgentService, 'probeCredentials'>;
  readonly ca: Pick<CaService, 'ensure'>;
  readonly now: () => Date;
}

function view(m: Mapping): MappingView {
  return { ...m, header: ruleHeaderName(m.rule) };
}

/** The host → credential mappings: kept in settings, pushed to the gateway on every change. */
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
    const exists = this.deps.settings.get().mappings.some((m) => m.host === mapping.host);
    if (exists && !p.replace) throw new ControlError('conflict', `${mapping.host} is already mapped; remove it first or pass --replace.`);
    this.deps.settings.update((s) => ({ ...s, mappings: [...s.mappings.filter((m) => m.host !== mapping.host), mapping] }));
    await this.deps.gateway.sync([mapping.host]);
    return view(mapping);
  }

  async remove(host: string): Promise<{ removed: boolean }> {
    const key = safeKey(host);
    const before = this.deps.settings.get().mappings.length;
    this.deps.settings.update((s) => ({ ...s, mappings: s.mappings.filter((m) => m.host !== key) }));
    const removed = this.deps.settings.get().mappings.length < before;
    if (removed) await this.deps.gateway.sync([key]);
    return { removed };
  }

  /** Resolves the value here (never through the gateway) and shows it masked. */
  async test(host: string): Promise<ControlResult<'mappings.test'>> {
    const key = safeKey(host);
    const mapping = this.#find(key, `${key} is not mapped; see onecli-launcher mappings list.`);
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
  async probe(host: string): Promise<ControlResult<'mappings.probe'>> {
    const key = safeKey(host);
    const mapping = this.#find(key, `${key} is not mapped.`);
    const { host: name, port } = mappingKey(key);
    if (name.startsWith('*.'))
      throw new ControlError('invalid_params', 'A wildcard mapping has no single host to test; test one of its hosts with curl through the gateway.');
    if (this.deps.gateway.status.state !== 'running') throw new ControlError('unavailable', 'The gateway is not running; start it first.');
    const agentToken = await this.deps.agents.probeCredentials();
    const ca = await this.deps.ca.ensure();
    const outcome = await probeThroughGateway({ gatewayPort: this.deps.gateway.agentPort, agentToken, host: name, port, caPem: ca.ca.certPem });
    return { ...outcome, header: ruleHeaderName(mapping.rule) };
  }

  #find(key: string, notMapped: string): Mapping {
    const mapping = this.deps.settings.get().mappings.find((m) => m.host === key);
    if (!mapping) throw new ControlError('not_found', notMapped);
    return mapping;
  }
}

function safeKey(host: string): string {
  try {
    return mappingKey(host).key;
  } catch (err) {
    if (err instanceof MappingInputError) throw new ControlError('invalid_params', err.message);
    throw err;
  }
}
