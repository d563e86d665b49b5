import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * How every check in build/ ends: a line per problem (as a GitHub Actions error annotation
 * when running there), the notes, and a non-zero exit code if anything failed.
 */
export interface CheckResult {
  readonly problems: readonly string[];
  readonly notes?: readonly string[];
}

export function reportCheck(title: string, result: CheckResult, env: NodeJS.ProcessEnv = process.env): boolean {
  const inActions = env.GITHUB_ACTIONS === 'true';
  for (const note of result.notes ?? [])
    console.log(inActions && note.startsWith('warning:') ? `::warning title=${title}::${note.slice(9).trim()}` : `  ${note}`);
  if (result.problems.length === 0) {
    console.log(`✓ ${title}`);
    return true;
  }
  for (const problem of result.problems) console.error(inActions ? `::error title=${title}::${problem}` : `✗ ${title}: ${problem}`);
  process.exitCode = 1;
  return false;
}

/** True when this module is the script node/tsx was asked to run (not imported by a test). */
export function isEntryPoint(moduleUrl: string): boolean {
  const entry = process.argv[1];
  return entry !== undefined && pathToFileURL(path.resolve(entry)).href === moduleUrl;
}
