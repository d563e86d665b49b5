import { CONTROL_METHODS, type ControlMethod, type ControlParams, type ControlResult, type ControlTransport } from '../shared/control-api.js';
import { CONTROL_HANDLERS } from '../core/control/control-handlers.js';
import { ControlError } from '../core/control-error.js';
import { toControlError } from '../core/control/to-control-error.js';
import type { LauncherCore } from '../core/launcher-core.js';

/**
 * The control API in process, for CLI commands when no launcher runs: the same handlers and
 * the same validation as the HTTP server, with the settings lock held by the caller.
 */
export function localTransport(core: LauncherCore): ControlTransport {
  return {
    async call<M extends ControlMethod>(method: M, params: ControlParams<M>): Promise<ControlResult<M>> {
      const parsed = CONTROL_METHODS[method].params.safeParse(params);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ControlError('invalid_params', `${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}`);
      }
      const handler = CONTROL_HANDLERS[method] as (c: LauncherCore, p: unknown) => Promise<ControlResult<M>>;
      try {
        return await handler(core, parsed.data);
      } catch (err) {
        throw toControlError(err) ?? err;
      }
    },
    subscribe: () => () => undefined,
  };
}
