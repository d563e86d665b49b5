import type { FromGateway } from '../shared/gateway-messages.js';

/**
 * The launcher ↔ gateway channel: the child's inherited IPC channel, never a socket another
 * process could reach. Two transports behind one small interface.
 */
export interface LauncherChannel {
  send(message: FromGateway): void;
  onMessage(handler: (raw: unknown) => void): void;
  /** Called once when the parent is gone; the gateway then exits (no orphans). */
  onClose(handler: () => void): void;
}

/** Node `child_process.fork` IPC (headless mode). 'disconnect' fires when the parent dies. */
export function nodeIpcChannel(proc: NodeJS.Process = process): LauncherChannel {
  return {
    send: (message) => {
      if (proc.connected) proc.send?.(message);
    },
    onMessage: (handler) => void proc.on('message', handler),
    onClose: (handler) => void proc.once('disconnect', handler),
  };
}

/** The subset of Electron's `process.parentPort` we use (the gateway may not import electron). */
export interface ParentPortLike {
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  postMessage(message: unknown): void;
}

const PARENT_WATCH_MS = 1_000;

/**
 * Electron `utilityProcess` parentPort (the packaged app). Electron does not document that the
 * child learns of the parent's death, so a watchdog notices the re-parenting (ppid changes).
 */
export function parentPortChannel(port: ParentPortLike, proc: Pick<NodeJS.Process, 'ppid'> = process): LauncherChannel {
  const parent = proc.ppid;
  return {
    send: (message) => port.postMessage(message),
    onMessage: (handler) => void port.on('message', (event) => handler(event.data)),
    onClose: (handler) => {
      const timer = setInterval(() => {
        if (proc.ppid !== parent) {
          clearInterval(timer);
          handler();
        }
      }, PARENT_WATCH_MS);
      timer.unref();
    },
  };
}
