import type { ControlMethod, ControlParams, ControlResult, ControlTransport } from '../shared/control-api.js';
import { ControlError } from '../core/control-error.js';
import { invoke } from '../core/control/invoke.js';
import type { LauncherCore } from '../core/launcher-core.js';

/**
 * The control API in process, for CLI commands when no launcher runs: the same `invoke` as the
 * HTTP server, with the settings lock held by the caller. A failure is thrown as a ControlError;
 * an unexpected one as itself, so the CLI reports it as it would any other.
 */
export function localTransport(core: LauncherCore): ControlTransport {
  return {
    async call<M extends ControlMethod>(method: M, params: ControlParams<M>): Promise<ControlResult<M>> {
      const outcome = await invoke(core, method, params, 'cli');
      if (outcome.ok) return outcome.result as ControlResult<M>;
      if ('unexpected' in outcome) throw outcome.unexpected;
      throw new ControlError(outcome.error.code, outcome.error.message, { remedy: outcome.error.remedy });
    },
    subscribe: () => () => undefined,
  };
}
