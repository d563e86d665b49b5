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
  /**
   * Resolves once every message sent so far has left the process: `process.exit` drops what is
   * still queued, and the last rate counters and activity are sent just before the gateway exits.
   */
  drained(): Promise<void>;
}

/** The part of a Node process this channel uses: `send` with its written-out callback. */
export type IpcProcess = Pick<NodeJS.Process, 'connected' | 'on' | 'once'> & {
  send?: (message: unknown, sendHandle: undefined, options: object, callback: (err: Error | null) => void) => boolean;
};

/** Node `child_process.fork` IPC (headless mode). 'disconnect' fires when the parent dies. */
export function nodeIpcChannel(proc: IpcProcess = process as IpcProcess): LauncherChannel {
  let inFlight = 0;
  let idle: (() => void)[] = [];
  const written = () => {
    if (--inFlight > 0) return;
    for (const resolve of idle) resolve();
    idle = [];
  };
  return {
    send: (message) => {
      if (!proc.connected || !proc.send) return;
      inFlight++;
      // The callback also runs (with an error) when the channel closes first: nothing is then owed.
      proc.send(message, undefined, {}, written);
    },
    onMessage: (handler) => void proc.on('message', handler),
    onClose: (handler) => void proc.once('disconnect', handler),
    drained: () => (inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => idle.push(resolve))),
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
    // [I] Electron's postMessage hands the message to the port at once; one turn of the loop lets it go.
    drained: () => new Promise<void>((resolve) => setImmediate(resolve)),
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
