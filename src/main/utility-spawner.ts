import { createInterface } from 'node:readline';
import type { UtilityProcess } from 'electron';
import { GATEWAY_EXEC_ARGV, type GatewayChild, type Spawner } from '../core/supervisor/spawner.js';

type Fork = (modulePath: string, args: string[], options: Electron.ForkOptions) => UtilityProcess;

/**
 * V8 flags for a utility process. `child_process.fork` hands `execArgv` to Node's option parser;
 * a utility process is a Chromium child whose V8 is set up from its command line, where V8
 * flags ride in one `--js-flags` switch. That Electron does not pass a bare
 * `--max-semi-space-size` on to V8 is what issue 16 reports, not something we could run here
 * (no Electron binary) [I]; the gateway also sets the flag itself at start
 * (src/gateway/heap-limits.ts), so either way it is capped.
 */
export function utilityExecArgv(nodeFlags: readonly string[]): string[] {
  return nodeFlags.length ? [`--js-flags=${nodeFlags.join(' ')}`] : [];
}

/**
 * The gateway as an Electron utility process. `disclaim` stays unset: the gateway (and any
 * child it starts) must stay in the app's TCC responsibility chain, so the app's Full Disk
 * Access grant covers it. `child_process.fork` is impossible in the packaged app (RunAsNode fuse off).
 */
export function utilitySpawner(fork: Fork): Spawner {
  return (entry, env) => {
    const child = fork(entry, [], { env, execArgv: utilityExecArgv(GATEWAY_EXEC_ARGV), stdio: 'pipe', serviceName: 'OneCLI Gateway' });
    let exited = false;
    child.once('exit', () => (exited = true));
    const gateway: GatewayChild = {
      get pid() {
        return child.pid;
      },
      send: (message) => {
        if (!exited) child.postMessage(message);
      },
      onMessage: (listener) => void child.on('message', listener),
      onOutput: (listener) => {
        if (child.stdout) createInterface({ input: child.stdout }).on('line', (l) => listener(l, 'stdout'));
        if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => listener(l, 'stderr'));
      },
      onExit: (listener) => void child.once('exit', (code) => listener(code, null)),
      kill: () => void child.kill(),
    };
    return gateway;
  };
}
