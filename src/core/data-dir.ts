import { homedir } from 'node:os';
import path from 'node:path';

/**
 * Where settings, the CA files and runtime state live. Matches Electron's `userData` for
 * productName "OneCLI" on macOS, so the app and the CLI share one folder.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home = homedir()): string {
  if (env.ONECLI_DATA_DIR) return path.resolve(env.ONECLI_DATA_DIR);
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'OneCLI');
  return path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'onecli-launcher');
}
