import { mkdirSync } from 'node:fs';
import path from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * CLI commands that edit settings while no launcher runs hold this lock, so two terminals
 * never write over each other. A lock left by a crashed process goes stale after 10 s.
 */
export async function withSettingsLock<T>(dataDir: string, work: () => Promise<T> | T): Promise<T> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dataDir, {
      lockfilePath: path.join(dataDir, 'settings.lock'),
      stale: 10_000,
      retries: { retries: 20, minTimeout: 50, maxTimeout: 500 },
    });
  } catch {
    throw new Error(`another onecli-launcher command is changing the settings in ${dataDir}; retry in a moment`);
  }
  try {
    return await work();
  } finally {
    await release();
  }
}
