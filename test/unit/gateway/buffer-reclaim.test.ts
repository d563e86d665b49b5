import { Readable } from 'node:stream';
import { setImmediate as nextImmediate } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BufferReclaim, minorGc, RECLAIM_EVERY_BYTES } from '../../../src/gateway/buffer-reclaim.js';

describe('BufferReclaim', () => {
  it('collects once per threshold of relayed bytes, after the current tick', async () => {
    let runs = 0;
    const reclaim = new BufferReclaim(() => runs++, 1000);
    reclaim.relayed(600);
    reclaim.relayed(399);
    await nextImmediate();
    expect(runs).toBe(0);
    reclaim.relayed(1);
    expect(runs).toBe(0); // never inside the request's own tick
    await nextImmediate();
    expect(runs).toBe(1);
    // Counting starts again from zero after a collection.
    reclaim.relayed(999);
    await nextImmediate();
    expect(runs).toBe(1);
  });

  it('coalesces a burst past the threshold into one collection', async () => {
    let runs = 0;
    const reclaim = new BufferReclaim(() => runs++, 1000);
    for (let i = 0; i < 50; i++) reclaim.relayed(1000);
    await nextImmediate();
    expect(runs).toBe(1);
  });

  it('counts what a piped stream hands on without changing what the destination gets', async () => {
    let runs = 0;
    const reclaim = new BufferReclaim(() => runs++, 3000);
    const chunks = [Buffer.alloc(1000, 1), Buffer.alloc(1000, 2), Buffer.alloc(1500, 3)];
    const source = Readable.from(chunks, { objectMode: false });
    const got: Buffer[] = [];
    const { Writable } = await import('node:stream');
    const sink = new Writable({ write: (c: Buffer, _e, cb) => (got.push(c), cb()) });
    source.pipe(sink);
    reclaim.count(source);
    await new Promise((r) => sink.once('finish', r));
    await nextImmediate();
    expect(Buffer.concat(got)).toEqual(Buffer.concat(chunks));
    expect(runs).toBe(1);
  });

  it('counts a stream its reader starts later, without starting it or taking a chunk from the reader', async () => {
    const counted: number[] = [];
    const reclaim = new BufferReclaim(() => undefined, 1 << 30);
    const relayed = reclaim.relayed.bind(reclaim);
    reclaim.relayed = (bytes) => (counted.push(bytes), relayed(bytes));
    // A request body whose parser has pushed chunks before the upstream leg reads it.
    const source = new Readable({ read() {} });
    source.push(Buffer.alloc(700, 1));
    source.push(Buffer.alloc(300, 2));
    await nextImmediate();
    reclaim.countWhenRead(source);
    await nextImmediate();
    await nextImmediate();
    expect(source.readableFlowing).toBeNull(); // not started by the count
    expect(counted).toEqual([]);
    const got: Buffer[] = [];
    source.on('data', (c: Buffer) => got.push(c));
    source.push(Buffer.alloc(500, 3));
    source.push(null);
    await new Promise((r) => source.once('end', r));
    expect(Buffer.concat(got).length).toBe(1500);
    expect(counted.reduce((a, b) => a + b, 0)).toBe(1500);
    // Paused and resumed (back-pressure): each chunk is still counted once.
    const again = new Readable({ read() {} });
    const seen: Buffer[] = [];
    const before = counted.length;
    reclaim.countWhenRead(again);
    again.on('data', (c: Buffer) => {
      seen.push(c);
      again.pause();
      setImmediate(() => again.resume());
    });
    for (let i = 0; i < 4; i++) again.push(Buffer.alloc(100, i));
    again.push(null);
    await new Promise((r) => again.once('end', r));
    expect(seen.length).toBe(4);
    expect(counted.slice(before).reduce((a, b) => a + b, 0)).toBe(400);
  });

  it('uses a threshold of a few MiB', () => {
    expect(RECLAIM_EVERY_BYTES).toBeGreaterThanOrEqual(1024 * 1024);
    expect(RECLAIM_EVERY_BYTES).toBeLessThanOrEqual(8 * 1024 * 1024);
  });
});

describe('minorGc', () => {
  it('finds V8 gc (with or without --expose-gc on the command line), and it frees dead body buffers', async () => {
    const gc = minorGc();
    expect(gc).toBeTypeOf('function');
    gc!();
    const before = process.memoryUsage().arrayBuffers;
    // What a relayed body leaves behind: chunk after chunk, each dropped once written on.
    let kept = 0;
    for (let i = 0; i < 64; i++)
      kept += Buffer.allocUnsafeSlow(256 * 1024)
        .fill(i)
        .at(-1)!;
    expect(kept).toBeGreaterThan(0);
    const piled = process.memoryUsage().arrayBuffers;
    expect(piled - before).toBeGreaterThan(8 * 1024 * 1024);
    gc!();
    // V8 frees the backing stores on a helper thread after the collection: wait for it, briefly.
    for (let i = 0; i < 50 && process.memoryUsage().arrayBuffers - before >= 2 * 1024 * 1024; i++) await new Promise((r) => setTimeout(r, 20));
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 * 1024 * 1024);
  });
});
