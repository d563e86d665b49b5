import { spawnSync } from 'node:child_process';

export interface ToolOutput {
  readonly status: number | null;
  /** stderr, then stdout: codesign prints `Executable=` and the signature details on stderr, the DR and entitlements on stdout. */
  readonly text: string;
}

/** Runs a macOS tool (codesign, plutil, npx) with an argv array, no shell, and returns what it printed. */
export function runTool(command: string, args: readonly string[]): ToolOutput {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${command} could not be run: ${result.error.message}`);
  return { status: result.status, text: `${result.stderr}${result.stdout}` };
}
