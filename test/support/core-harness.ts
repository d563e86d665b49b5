import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CoreDeps } from '../../src/core/core-deps.js';
import { LauncherCore } from '../../src/core/launcher-core.js';
import { MemorySecretStore } from '../../src/core/secrets/memory-secret-store.js';
import { SettingsRepository } from '../../src/core/settings/settings-repository.js';
import { forkSpawner, gatewayEnv } from '../../src/core/supervisor/spawner.js';
import { desktopSources } from '../../src/core/vault/desktop-sources.js';
import { nodeLocatorFs } from '../../src/core/vault/op-locator.js';
import { nodeExecFile } from '../../src/core/vault/op-runner.js';
import { ServiceAccountSource } from '../../src/core/vault/service-account-source.js';
import { GATEWAY_MAIN } from './gateway-process.js';
import { memoryLog } from './memory-log.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');

/**
 * An `op` on disk that runs the test double, steered by a file: the launcher passes `op` an
 * allowlisted environment, so FAKE_OP_* variables could never reach it.
 */
export function installFakeOp(dir: string): { opPath: string; setMode(mode: string): void } {
  const bin = path.join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const modeFile = path.join(dir, 'op-mode');
  writeFileSync(modeFile, 'ok');
  const opPath = path.join(bin, 'op');
  writeFileSync(
    opPath,
    `#!/bin/sh\nFAKE_OP_FIXTURE='${path.join(FIXTURES, 'op-fixture.json')}' FAKE_OP_MODE="$(cat '${modeFile}')" exec '${process.execPath}' '${path.join(FIXTURES, 'fake-op.mjs')}' "$@"\n`,
  );
  chmodSync(opPath, 0o755);
  return { opPath, setMode: (mode) => writeFileSync(modeFile, mode) };
}

/** A real core (real gateway process, real op double) with an in-memory secret store. */
export function coreHarness(opts: { extraCaPem?: string } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-core-'));
  const op = installFakeOp(dir);
  const secrets = new MemorySecretStore();
  // The real logger, in memory: tests read what the core and the gateway's relayed lines logged.
  const memory = memoryLog();
  const desktop = desktopSources({ execFile: nodeExecFile, env: process.env, clock: { now: Date.now }, fs: nodeLocatorFs }, op.opPath);
  const settings = new SettingsRepository({ dataDir: path.join(dir, 'data') });
  // The parts, for a test that builds another core from them (on its own clock, say).
  const deps: CoreDeps = {
    dataDir: path.join(dir, 'data'),
    settings,
    secrets,
    secretStoreSummary: { kind: 'none', detail: 'memory (test)' },
    sources: { serviceAccount: (t) => new ServiceAccountSource(t), desktop: (a) => desktop.create(a) },
    spawnGateway: forkSpawner,
    gatewayEntry: GATEWAY_MAIN,
    gatewayEnv: gatewayEnv(process.env),
    port: 0,
    extraCaPem: opts.extraCaPem,
    log: memory.log,
    locateOp: desktop.locate,
  };
  return { core: new LauncherCore(deps), deps, settings, secrets, op, dir, logs: memory.records };
}
