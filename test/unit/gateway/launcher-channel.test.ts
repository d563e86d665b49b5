import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { nodeIpcChannel, type IpcProcess } from '../../../src/gateway/launcher-channel.js';

/** A forked child's `process` whose IPC writes finish when the test says so. */
function fakeProcess() {
  const emitter = new EventEmitter();
  const pending: ((err: Error | null) => void)[] = [];
  const sent: unknown[] = [];
  const proc = Object.assign(emitter, {
    connected: true,
    send: (message: unknown, _h: undefined, _o: object, callback: (err: Error | null) => void) => {
      sent.push(message);
      pending.push(callback);
      return true;
    },
  }) as unknown as IpcProcess;
  return { proc, sent, writeOne: () => pending.shift()?.(null), closeChannel: () => pending.splice(0).forEach((cb) => cb(new Error('channel closed'))) };
}

const settledWithin = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('nodeIpcChannel.drained', () => {
  it('resolves at once when nothing is in flight', async () => {
    expect(await settledWithin(nodeIpcChannel(fakeProcess().proc).drained())).toBe(true);
  });

  it('waits until every message sent so far has been written (process.exit would drop the rest)', async () => {
    const f = fakeProcess();
    const channel = nodeIpcChannel(f.proc);
    channel.send({ type: 'rate-usage', counters: [] });
    channel.send({ type: 'activity', entries: [] });
    const drained = channel.drained();
    expect(await settledWithin(drained)).toBe(false);
    f.writeOne();
    expect(await settledWithin(drained)).toBe(false);
    f.writeOne();
    expect(await settledWithin(drained)).toBe(true);
    expect(f.sent).toHaveLength(2);
  });

  it('resolves when the channel closes with messages still queued', async () => {
    const f = fakeProcess();
    const channel = nodeIpcChannel(f.proc);
    channel.send({ type: 'rate-usage', counters: [] });
    const drained = channel.drained();
    f.closeChannel();
    expect(await settledWithin(drained)).toBe(true);
  });

  it('sends nothing once the parent is gone', async () => {
    const f = fakeProcess();
    (f.proc as { connected: boolean }).connected = false;
    const channel = nodeIpcChannel(f.proc);
    channel.send({ type: 'rate-usage', counters: [] });
    expect(f.sent).toHaveLength(0);
    expect(await settledWithin(channel.drained())).toBe(true);
  });
});
