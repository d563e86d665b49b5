import { createOpRunner, type OpRunner } from './op-runner.js';
import { locateOp, type OpLocation, type OpLocatorDeps } from './op-locator.js';
import { OpDesktopSource } from './op-source.js';
import { VaultError } from './vault-error.js';
import type { VaultSource } from './vault-source.js';

/**
 * Desktop-app sources over `op`. The install is located once (every `op` on a full search
 * path, or `--op-path`), and located again after a failure, so installing `op` while the
 * launcher runs needs no restart.
 */
export function desktopSources(deps: OpLocatorDeps, explicitPath?: string) {
  let location: Promise<OpLocation> | undefined;
  const locate = () => (location ??= locateOp(deps, { explicitPath }));
  return {
    locate,
    create(account?: string): VaultSource {
      const run: OpRunner = async (args, options) => {
        const found = await locate();
        if (!found.chosen || found.chosen.error) {
          location = undefined;
          throw new VaultError(
            'unavailable',
            found.chosen?.error ??
              `The 1Password CLI (op) was not found in ${found.searchDirs.join(', ')}. Install it (https://developer.1password.com/docs/cli/get-started/).`,
            { remedy: 'choose-op' },
          );
        }
        return createOpRunner(deps, { opPath: found.chosen.path, ...(account ? { extraEnv: { OP_ACCOUNT: account } } : {}) })(args, options);
      };
      return new OpDesktopSource(run);
    },
  };
}
