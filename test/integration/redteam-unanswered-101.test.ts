/**
 * Red team: a 101 Switching Protocols to a request that asked for no upgrade leaves the agent's
 * request unanswered until the idle timeout (5 min by default), with no activity entry.
 *
 * Node's http client, getting an upgrade answer with no 'upgrade' listener on the request,
 * destroys the socket and emits 'close' on the request, neither 'response' nor 'error'.
 * forwardRequest (src/gateway/forward.ts) listens for 'response' and 'error' only, so nothing
 * ever answers `res`. The same happens for any request whose upstream socket closes after a
 * response head was parsed but before 'response' (e.g. CONNECT-like answers).
 * FAILS until fixed: answer 502 (upstream_unreachable or a new code) on upReq 'close' when no
 * response was relayed, or add an 'upgrade' listener in forwardRequest that destroys the socket
 * and answers 502.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startBench, type Bench } from '../support/redteam-doors.js';
import { parseResponse } from '../support/redteam-wire.js';

let bench: Bench;
beforeAll(async () => {
  bench = await startBench((req) => {
    req.socket.end(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nraw ${req.key} bytes`);
  });
});
afterAll(() => bench?.stop());

test.each(['route', 'mitm', 'plain'] as const)('%s door: the agent gets an answer (502) within 2 s, and no value', async (door) => {
  const t0 = Date.now();
  const raw = await bench.get(door, '/anything');
  expect(Date.now() - t0).toBeLessThan(2_000);
  expect(raw.toString('latin1')).not.toContain('sk-live');
  expect(parseResponse(raw).status).toBe(502);
});
