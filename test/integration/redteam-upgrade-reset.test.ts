/**
 * Red team: an unauthenticated local client takes the gateway down in under a second.
 *
 * Node's http.Server removes its own 'error' listener from a socket it hands to 'upgrade'. The
 * front server's upgrade paths that answer without forwarding (404 for an unknown path, 401 for a
 * bad token on the base-URL door, 407 on the plain-HTTP door, and every resolve failure) write to
 * that socket with no 'error' listener: a client that sends the request and resets at once makes
 * the write fail, the 'error' event is an uncaught exception, and keepServingOnUncaught exits the
 * process (70) after 20 of them in 10 s. Under the launcher, 5 such exits in a minute and the
 * supervisor gives up: every agent is down until a manual restart.
 *
 * FAILS until fixed (gateway.ts front 'upgrade' handler / error-responses.ts writeRaw*).
 */
import net from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { SECRETS, startFixture, type Fixture } from '../support/fixture.js';
import { proxyAuth } from '../support/redteam-wire.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

/** Sends `bytes` and resets the connection (RST) in the same tick. */
function sendAndReset(port: number, bytes: string): Promise<void> {
  return new Promise((resolve) => {
    const c = net.connect(port, '127.0.0.1', () => {
      c.write(bytes);
      c.resetAndDestroy();
      resolve();
    });
    c.on('error', () => resolve());
  });
}

const UPGRADE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

test.each([
  ['an unknown path (404, no token at all)', () => `GET /nope HTTP/1.1\r\nHost: x\r\n${UPGRADE}\r\n`],
  ['the base-URL door with a wrong token (401)', () => `GET /r/echo/ws HTTP/1.1\r\nHost: x\r\nx-api-key: wrong\r\n${UPGRADE}\r\n`],
  ['the plain-HTTP door without proxy auth (407)', () => `GET http://localhost:1/ws HTTP/1.1\r\nHost: localhost:1\r\n${UPGRADE}\r\n`],
  [
    'the plain-HTTP door to a mapped non-loopback host (403)',
    () => `GET http://api.example.com:443/ws HTTP/1.1\r\nHost: api.example.com:443\r\n${proxyAuth(SECRETS.agentToken)}${UPGRADE}\r\n`,
  ],
])('upgrade request + immediate reset, 40 times: %s — the gateway keeps serving', async (_name, request) => {
  fx = await startFixture((up) => [
    { host: up.authority, header: 'x-api-key', route: 'echo', value: SECRETS.value },
    { host: 'api.example.com', value: SECRETS.value },
  ]);
  const port = fx.gateway.port;
  for (let i = 0; i < 40; i++) {
    await sendAndReset(port, request());
    await new Promise((r) => setTimeout(r, 10));
  }
  // An absence: no uncaught-error line. The lines come through a pipe, so give them a moment.
  await new Promise((r) => setTimeout(r, 300));
  const uncaught = fx.gateway.lines.filter((l) => l.includes('uncaught error in the gateway'));
  expect(uncaught).toEqual([]);
  expect(fx.gateway.child.exitCode).toBeNull();
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status).toBe(200);
});
