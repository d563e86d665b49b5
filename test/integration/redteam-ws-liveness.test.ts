/**
 * Red team: the WebSocket scan holds back the end of a frame that could start a needle, until the
 * next bytes arrive. A message that ends in a needle's first byte ('s' of "sk-…", 'c' of its
 * base64 "c2st…") is delivered without its last byte; a request/response protocol then waits for
 * a reply whose end sits in the gateway until the server speaks again: a deadlock. Any binary
 * frame ending in one of those bytes does the same (2 in 256).
 * FAILS until fixed (upgrade.ts + value-mask.ts: scan frame payloads, flush at a frame's end
 * what cannot continue into this frame any more; see the report).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DOORS, startBench, type Bench } from '../support/redteam-doors.js';
import { sleep, SWITCHING, wsFrame, wsFrames, type HostileRequest } from '../support/redteam-wire.js';

const MESSAGES = ['the answer is abc', 'yes', 'ok: sk'];

async function script(req: HostileRequest): Promise<void> {
  const s = req.socket;
  s.write(`${SWITCHING}\r\n`);
  const msg = MESSAGES[Number(new URL(req.target.replace(/^[a-z]+:\/\/[^/]+/, ''), 'https://x').searchParams.get('m'))] ?? 'x';
  s.write(wsFrame(1, msg));
  // A server that answered and now waits for the client's next message.
  s.resume();
  await sleep(4_000);
  s.end();
}

let bench: Bench;
beforeAll(async () => {
  bench = await startBench(script);
});
afterAll(() => bench?.stop());

test.each(DOORS.filter((d) => d !== 'self').flatMap((d) => MESSAGES.map((m, i) => [d, m, i] as const)))(
  '%s door: a whole frame %j arrives while the server waits',
  async (door, msg, i) => {
    const got = await bench.upgrade(door, `/ws?m=${i}`, Buffer.alloc(0), 800);
    const end = got.indexOf('\r\n\r\n');
    expect(got.subarray(0, 12).toString()).toBe('HTTP/1.1 101');
    const frames = wsFrames(got.subarray(end + 4));
    expect(frames.map((f) => f.payload.toString())).toEqual([msg]);
  },
);
