import { readFileSync } from 'node:fs';
import type { CoreLogger, GatewayHandle } from '../core-deps.js';
import { writeFileAtomic } from '../files/write-file-atomic.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { systemRootsPem } from './ca-files.js';
import { loadOrCreateCa, type CaState } from './ca-manager.js';
import { describeCa } from './local-ca.js';

export interface CaServiceDeps {
  readonly dataDir: string;
  readonly secrets: SecretStore;
  readonly log: CoreLogger;
  readonly gateway: Pick<GatewayHandle, 'restart'>;
  readonly systemRoots?: (() => string) | undefined;
  readonly now?: (() => Date) | undefined;
}

/** The local CA: loaded (or created) on first use, so commands that never need it work without a keychain; rotated on request. */
export class CaService {
  #state: CaState | undefined;

  constructor(private readonly deps: CaServiceDeps) {}

  /** The CA once loaded; undefined before (status shows no CA yet). */
  get current(): CaState | undefined {
    return this.#state;
  }

  async ensure(): Promise<CaState> {
    return this.#state ?? (await this.load());
  }

  /** Loads it from the keychain and data folder, or makes a new one; writes ca.pem and the bundle again. */
  async load(rotate = false): Promise<CaState> {
    const { deps } = this;
    this.#state = await loadOrCreateCa(
      {
        dataDir: deps.dataDir,
        secrets: deps.secrets,
        readFile: (file) => {
          try {
            return readFileSync(file, 'utf8');
          } catch {
            return undefined;
          }
        },
        writeFileAtomic: (file, data, mode) => writeFileAtomic(file, data, mode),
        systemRoots: deps.systemRoots ?? (() => systemRootsPem()),
        ...(deps.now ? { now: deps.now } : {}),
      },
      { rotate },
    );
    if (this.#state.created) deps.log.info({ certFile: this.#state.certFile, rotated: rotate }, 'local CA created');
    return this.#state;
  }

  /** A new CA at the same paths; the gateway restarts to mint leaves from it. */
  async rotate(): Promise<{ sha256: string }> {
    const ca = await this.load(true);
    await this.deps.gateway.restart();
    return { sha256: describeCa(ca.ca.certPem).sha256 };
  }
}
