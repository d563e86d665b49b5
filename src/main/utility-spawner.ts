import { createInterface } from 'node:readline';
import type { UtilityProcess } from 'electron';
import { GATEWAY_EXEC_ARGV, type GatewayChild, type Spawner } from '../core/supervisor/spawner.js';

type Fork = (modulePath: string, args: string[], options: Electron.ForkOptions) => UtilityProcess;

/**
 * The gateway as an Electron utility process. `disclaim` stays unset: the gateway (and any
 * child it starts) must stay in the app's TCC responsibility chain, so the app's Full Disk
 * Access grant covers it. `child_process.fork` is impossible in the packaged app (RunAsNode fuse off).
 */
export function utilitySpawner(fork: Fork): Spawner {
  return (entry, env) => {
    const child = fork(entry, [], { env, execArgv: GATEWAY_EXEC_ARGV, stdio: 'pipe', serviceName: 'OneCLI Gateway' });
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
