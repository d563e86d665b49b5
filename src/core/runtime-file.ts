import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './files/write-file-atomic.js';

/** Written by a running launcher so CLI commands find its control API: one writer for the settings. */
export const RuntimeInfo = z.object({
  pid: z.number().int(),
  /** Always loopback: the CLI sends its control token there. */
  controlUrl: z.string().regex(/^http:\/\/127\.0\.0\.1:\d{1,5}$/),
  gatewayPort: z.number().int(),
  startedAt: z.string(),
  /** Present only when no keychain holds the control token (0600 file, same user). */
  controlToken: z.string().optional(),
  /**
   * What the launcher was started with, so a CLI command can tell which of its own flags the
   * running launcher would ignore (and say so) instead of dropping them silently.
   */
  launch: z
    .object({
      /** `--port`, when given. */
      port: z.number().int().optional(),
      /** `--op-path`, absolute. */
      opPath: z.string().optional(),
      /** `--extra-ca` (or NODE_EXTRA_CA_CERTS), absolute. */
      extraCaFile: z.string().optional(),
      /** Where its secrets live: `memory` means no keychain and no file store opt-in. */
      secretStore: z.enum(['keychain', 'file', 'memory', 'none']),
      /** Its PATH: where its doctor looks for op, node, curl and python3. */
      path: z.string().optional(),
    })
    .optional(),
});
export type RuntimeInfo = z.infer<typeof RuntimeInfo>;

export const RUNTIME_FILE = 'runtime.json';

export async function writeRuntimeInfo(dataDir: string, info: RuntimeInfo): Promise<void> {
  await writeFileAtomic(path.join(dataDir, RUNTIME_FILE), JSON.stringify(info, null, 2), 0o600);
}

export function removeRuntimeInfo(dataDir: string, pid: number): void {
  const current = readRuntimeInfo(dataDir);
  if (current?.pid === pid) rmSync(path.join(dataDir, RUNTIME_FILE), { force: true });
}

/** The running launcher's info, or undefined when none runs (a stale file from a crash is ignored). */
export function readRuntimeInfo(dataDir: string, isAlive: (pid: number) => boolean = pidAlive): RuntimeInfo | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path.join(dataDir, RUNTIME_FILE), 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = RuntimeInfo.safeParse(raw);
  return parsed.success && isAlive(parsed.data.pid) ? parsed.data : undefined;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
