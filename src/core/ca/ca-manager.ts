import { CA_KEY } from '../secrets/secret-names.js';
import type { SecretStore } from '../secrets/secret-store.js';
import { caFilePaths, combinedBundle } from './ca-files.js';
import { createLocalCa, isUsableCa, type LocalCaPem } from './local-ca.js';

/** The keychain entry holding the CA's private key. */
export const CA_KEY_SECRET = CA_KEY;

export interface CaDeps {
  readonly dataDir: string;
  readonly secrets: Pick<SecretStore, 'get' | 'set'>;
  readonly readFile: (file: string) => string | undefined;
  readonly writeFileAtomic: (file: string, data: string, mode: number) => Promise<void>;
  readonly systemRoots: () => string;
  readonly now?: () => Date;
}

export interface CaState {
  readonly ca: LocalCaPem;
  /** True when this call made a new CA (first start, rotation, or the old one was unusable). */
  readonly created: boolean;
  readonly certFile: string;
  readonly bundleFile: string;
}

/**
 * The local CA: created on first start, its key in the keychain, `ca.pem` and the combined
 * bundle in the data dir. The files are rewritten at every start so the bundle follows the
 * system's roots. `rotate` makes a new CA; agents pick it up from the same paths.
 */
export async function loadOrCreateCa(deps: CaDeps, { rotate = false } = {}): Promise<CaState> {
  const now = deps.now?.() ?? new Date();
  const { certFile, bundleFile } = caFilePaths(deps.dataDir);
  let ca: LocalCaPem | undefined;
  if (!rotate) {
    const keyPem = await deps.secrets.get(CA_KEY_SECRET);
    const certPem = deps.readFile(certFile);
    if (keyPem && certPem && (await isUsableCa({ certPem, keyPem }, now))) ca = { certPem, keyPem };
  }
  const created = ca === undefined;
  if (!ca) {
    ca = await createLocalCa(now);
    // Key first: a cert on disk without its key in the keychain would be useless.
    await deps.secrets.set(CA_KEY_SECRET, ca.keyPem);
  }
  await deps.writeFileAtomic(certFile, ca.certPem, 0o644);
  await deps.writeFileAtomic(bundleFile, combinedBundle(deps.systemRoots(), ca.certPem), 0o644);
  return { ca, created, certFile, bundleFile };
}
