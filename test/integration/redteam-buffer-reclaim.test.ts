/**
 * Red team: an agent makes the gateway run a garbage collection per request, for a few bytes.
 *
 * The relay prompts a minor GC after every 2 MiB of bodies (buffer-reclaim.ts). A request body
 * was counted by its declared Content-Length, before any byte of it arrived: a request that
 * declares 8 MiB, sends ten bytes and goes away cost the gateway a stop-the-world scavenge (its
 * every agent waits on it), and each new connection another one, paid for with one request head.
 * Counted through the real gateway process with --trace-gc (V8 names a forced collection
 * "testing"): the bodies actually received decide, so a real large upload still prompts one.
 *
 * FAILED before the fix (upstream-request.ts counted `content-length` at once).
 *
 * And the other way round: a chunked upload has no length to count, so it was not counted at all,
 * and its dead buffers stayed until V8 collected on its own (sixteen chunked 1 MiB echoes left the
 * gateway at 95–101 MiB against 78–79 with a length; docs/performance.md). Now every body is
 * counted chunk by chunk as the upstream leg reads it. FAILED before that fix (no collection).
 */
import net from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { SECRETS, startFixture, type Fixture } from '../support/fixture.js';
import { readAll, sleep } from '../support/redteam-wire.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

const forcedScavenges = (lines: string[]) => lines.filter((l) => /Scavenge.*\btesting\b/.test(l)).length;

const chunkedPost = `POST /r/echo/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${SECRETS.agentToken}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n`;

const post = (length: number) => `POST /r/echo/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${SECRETS.agentToken}\r\nContent-Length: ${length}\r\n\r\n`;

/** Sends a request head that promises more body than the ten bytes after it, and goes away. */
function lie(port: number, head: string): Promise<void> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => {
      c.write(head + '0123456789');
      setTimeout(() => {
        c.destroy();
        resolve();
      }, 30);
    });
    c.on('error', () => resolve());
  });
}

/**
 * A gateway with --trace-gc, and twenty requests whose heads promise an 8 MiB body and bring ten
 * bytes (~3 KiB in all, nowhere near the 2 MiB a collection is for): none prompts a collection.
 * Returns the forced scavenges counted after them.
 */
async function liesPromptNoCollection(head: string): Promise<number> {
  fx = await startFixture((up) => [{ host: up.authority, header: 'x-api-key', route: 'echo', value: SECRETS.value }], { nodeArgs: ['--trace-gc'] });
  await sleep(300);
  const before = forcedScavenges(fx.gateway.lines);
  for (let i = 0; i < 20; i++) {
    await lie(fx.gateway.port, head);
    await sleep(20);
  }
  await sleep(300);
  const afterLies = forcedScavenges(fx.gateway.lines);
  expect(afterLies - before).toBe(0);
  return afterLies;
}

test('a declared Content-Length that never arrives prompts no collection; a body that does still does', async () => {
  const afterLies = await liesPromptNoCollection(post(8 * 1024 * 1024));
  const { gateway } = fx as Fixture;
  const port = gateway.port;

  // A 4 MiB upload that does arrive (the answer is small): its buffers are reclaimed.
  const size = 4 * 1024 * 1024;
  const c = net.connect(port, '127.0.0.1');
  await new Promise((r) => c.once('connect', r));
  c.write(post(size).replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
  c.write(Buffer.alloc(size, 'a'));
  const answer = (await readAll(c, 10_000)).toString('latin1');
  expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  expect(answer).toContain(`"bodyLength":${size}`);
  await sleep(300);
  expect(forcedScavenges(gateway.lines) - afterLies).toBeGreaterThanOrEqual(1);
});

test('a chunked upload that arrives prompts a collection; chunk sizes that never arrive do not', async () => {
  // The lies announce an 8 MiB chunk and send ten bytes of it.
  const afterLies = await liesPromptNoCollection(`${chunkedPost}800000\r\n`);
  const { gateway } = fx as Fixture;
  const port = gateway.port;

  // 4 MiB in 64 chunks of 64 KiB, then the last chunk: counted as it arrives.
  const chunk = 64 * 1024;
  const c = net.connect(port, '127.0.0.1');
  await new Promise((r) => c.once('connect', r));
  c.write(chunkedPost);
  for (let i = 0; i < 64; i++) c.write(Buffer.concat([Buffer.from(`${chunk.toString(16)}\r\n`), Buffer.alloc(chunk, 'a'), Buffer.from('\r\n')]));
  c.write('0\r\n\r\n');
  const answer = (await readAll(c, 10_000)).toString('latin1');
  expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  expect(answer).toContain(`"bodyLength":${64 * chunk}`);
  await sleep(300);
  expect(forcedScavenges(gateway.lines) - afterLies).toBeGreaterThanOrEqual(1);
});
