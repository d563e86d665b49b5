import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { promisify } from 'node:util';
import type { DoctorCheck, ExtraCaView, StatusView } from '../../shared/control-api.js';
import type { CaState } from '../ca/ca-manager.js';
import type { OpLocation } from '../vault/op-locator.js';
import { VaultError } from '../vault/vault-error.js';
import { inspectDataDir } from '../data-dir-permissions.js';
import { probeCaTrust } from './ca-trust-probe.js';
import { runDoctorChecks, type DoctorFacts } from './doctor-checks.js';

const run = promisify(execFile);

const canRead = (file: string) => {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
};

/** Group name of a file and its setgid bit, via `stat` (no native group lookup in Node). */
async function fileGroup(file: string): Promise<{ group: string | undefined; setgid: boolean }> {
  const setgid = (statSync(file).mode & 0o2000) !== 0;
  try {
    const { stdout } = await run('stat', ['-c', '%G', file], { timeout: 2_000 });
    return { group: stdout.trim() || undefined, setgid };
  } catch {
    return { group: undefined, setgid };
  }
}

async function userGroups(): Promise<string[] | undefined> {
  try {
    return (await run('id', ['-Gn'], { timeout: 2_000 })).stdout.trim().split(/\s+/);
  } catch {
    return undefined;
  }
}

/** True when nothing listens on 127.0.0.1:port (we could bind it). */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** What the doctor looks at in the launcher: a narrow view the core hands it, so the doctor never reaches into the core. */
export interface DoctorSubject {
  readonly dataDir: string;
  status(): StatusView;
  /** How many vaults the connected source shows; rejects (a VaultError) when it does not answer. */
  listVaults(): Promise<number>;
  ensureCa(): Promise<CaState>;
  extraCaView(): ExtraCaView;
  /** Finds every `op` install. */
  locateOp(): Promise<OpLocation>;
}

/** Runs every check against this machine. Each has a stable id, a status and a fix. */
export async function runDoctor(subject: DoctorSubject, env: NodeJS.ProcessEnv = process.env, only?: readonly string[]): Promise<DoctorCheck[]> {
  const wanted = (id: string) => !only || only.some((prefix) => id.startsWith(prefix));
  const status = subject.status();
  const [op, source] = await Promise.all([
    subject.locateOp(),
    status.source.kind === 'none'
      ? Promise.resolve(undefined)
      : subject.listVaults().then(
          (vaults): DoctorFacts['source'] => ({ ok: true, vaults }),
          (err: { fix?: string }): DoctorFacts['source'] => ({
            ok: false,
            message: err.fix ?? 'the source failed; see the launcher log',
            ...(err instanceof VaultError && err.remedy ? { remedy: err.remedy } : {}),
          }),
        ),
  ]);
  const linux = process.platform === 'linux';
  const facts: DoctorFacts = {
    platform: process.platform,
    home: homedir(),
    env,
    status,
    op,
    opGroup: linux && op.chosen && !op.chosen.error ? await fileGroup(op.chosen.realPath).catch(() => undefined) : undefined,
    userGroups: linux ? await userGroups() : undefined,
    canRead,
    exists: existsSync,
    source,
    // LaunchServices starts apps with no TERM_PROGRAM; a shell always sets one of these.
    startedFromTerminal: Boolean(env.TERM_PROGRAM ?? env.TERM),
    dataDir: { path: subject.dataDir, inspection: inspectDataDir(subject.dataDir) },
    extraCa: subject.extraCaView(),
    portFree: status.gateway.state === 'stopped' && status.gateway.port > 0 ? await portIsFree(status.gateway.port) : undefined,
  };
  // Real clients (node, curl, python) against a throwaway server with a leaf from our CA:
  // the only proof that what `env` prints makes agents trust the gateway.
  const probeTrust = !only || only.some((prefix) => 'ca.trusted'.startsWith(prefix) || prefix.startsWith('ca.trusted') || prefix === 'ca.bundle');
  const ca = probeTrust ? await subject.ensureCa().catch(() => undefined) : undefined;
  const trust = ca ? await probeCaTrust({ certPem: ca.ca.certPem, keyPem: ca.ca.keyPem, caFile: ca.certFile, bundleFile: ca.bundleFile }) : [];
  return [...runDoctorChecks(facts), ...trust].filter((c) => wanted(c.id));
}
