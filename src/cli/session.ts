import type { ControlTransport } from '../shared/control-api.js';
import { ControlError } from '../core/control-error.js';
import { octal, secureDataDir } from '../core/data-dir-permissions.js';
import { openCore } from '../core/open-core.js';
import { readRuntimeInfo, type RuntimeInfo } from '../core/runtime-file.js';
import { CONTROL_TOKEN } from '../core/secrets/secret-names.js';
import { napiKeyring } from '../core/secrets/napi-keyring.js';
import { openSecretStore } from '../core/secrets/open-secret-store.js';
import { withSettingsLock } from '../core/settings/settings-lock.js';
import { KnownSecrets } from '../shared/log-redaction.js';
import { cliLogger } from './cli-log.js';
import { httpTransport } from './control-client.js';
import { ignoredLaunchFlag, type LaunchFlags } from './ignored-flags.js';
import { localTransport } from './local-transport.js';

export interface GlobalOptions {
  readonly dataDir: string;
  readonly port?: number | undefined;
  readonly opPath?: string | undefined;
  /** `--extra-ca`, else NODE_EXTRA_CA_CERTS. */
  readonly extraCa?: string | undefined;
  readonly insecureFileStore: boolean;
  /** The launch flags the command line itself gave: a running launcher must honour them, or the command refuses. */
  readonly given: LaunchFlags;
}

/** Secrets this CLI process handles, censored in its log records. */
const cliKnown = new KnownSecrets();
/** A logger for CLI commands: warnings and errors to stderr as one line of text each, nothing else. */
export const cliLog = cliLogger(cliKnown);

/**
 * Runs a command against the launcher: through the running one's control API (one writer, and
 * changes reach the gateway at once), or, when none runs, in process under the settings lock.
 */
export async function withControl<T>(
  opts: GlobalOptions,
  work: (api: ControlTransport, mode: 'running' | 'direct', launcher?: RuntimeInfo) => Promise<T>,
): Promise<T> {
  // runtime.json says where to send the control token: only trust it from a folder nobody else can write.
  const secured = secureDataDir(opts.dataDir);
  if (secured.tightenedFrom !== undefined)
    cliLog.warn({ dataDir: opts.dataDir, was: octal(secured.tightenedFrom), now: '0700' }, 'the data folder was open to other users; it is now closed to them');
  const running = readRuntimeInfo(opts.dataDir);
  if (running) {
    // Refused before anything is sent: the running launcher keeps the options it started with.
    const ignored = ignoredLaunchFlag(opts.given, running);
    if (ignored) throw new ControlError('invalid_params', ignored);
    let token = running.controlToken;
    if (!token) {
      const { store } = await openSecretStore({ dataDir: opts.dataDir, allowFileStore: opts.insecureFileStore, keyring: napiKeyring() });
      token = await store.get(CONTROL_TOKEN);
    }
    if (!token)
      throw new ControlError(
        'unauthorized',
        `A launcher runs (pid ${running.pid}) but its control token is not readable here; run this command as the same user.`,
      );
    cliKnown.add(token);
    return work(httpTransport(running.controlUrl, token), 'running', running);
  }
  return withSettingsLock(opts.dataDir, async () => {
    const core = await openCore({
      dataDir: opts.dataDir,
      port: opts.port,
      opPath: opts.opPath,
      extraCaFile: opts.extraCa,
      allowFileStore: opts.insecureFileStore,
      log: cliLog,
      knownSecrets: cliKnown,
    });
    return work(localTransport(core), 'direct');
  });
}
