/**
 * Red team: a body-less answer (HEAD, 304, 204) is whole with its head, so an upstream that misbehaves
 * after sending it must not take it from the agent.
 *
 * A response without a length has its head flushed at the end of the tick, so it can share a write
 * with the first body bytes (relay-to-client.ts). Through node:http (a request with `Expect`, and
 * the bench's leg), bytes an upstream sends after a HEAD or 304 head are a parse error reported in
 * that same tick: the relay cut the client's response before the head went, and the agent got no
 * answer at all where it had had a complete one. FAILED before the fix (the head waited for the tick).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { basicAuth } from '../support/clients.js';
import { SECRETS, startFixture, type Fixture } from '../support/fixture.js';
import { readAll } from '../support/redteam-wire.js';

/** Answers every request with a head and no length, then bytes no body-less answer may have. */
const ANSWERS: Record<string, string> = {
  '/head': 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nhello world',
  '/304': 'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\nhello world',
  '/204': 'HTTP/1.1 204 No Content\r\nX-Kind: empty\r\n\r\nhello world',
};

let fx: Fixture;
let upstream: net.Server;
let port = 0;
beforeAll(async () => {
  upstream = net.createServer((s) => {
    s.on('error', () => undefined);
    s.once('data', (d: Buffer) => {
      const path = d.toString('latin1').split(' ')[1] ?? '';
      s.end(ANSWERS[path] ?? 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  port = (upstream.address() as AddressInfo).port;
  fx = await startFixture((up) => [{ host: up.authority, value: SECRETS.value }]);
}, 30_000);
afterAll(async () => {
  await fx?.stop();
  await new Promise<void>((r) => upstream.close(() => r()));
});

async function ask(method: string, path: string, extra: string): Promise<string> {
  const c = net.connect(fx.gateway.port, '127.0.0.1');
  c.on('error', () => undefined);
  await new Promise((r) => c.once('connect', r));
  c.write(
    `${method} http://127.0.0.1:${port}${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nProxy-Authorization: ${basicAuth(SECRETS.agentToken)}\r\nConnection: close\r\n${extra}\r\n`,
  );
  return (await readAll(c, 1_500)).toString('latin1');
}

// `Expect` takes the node:http leg (upstream-request.ts); without it, undici's.
test.each([
  ['HEAD', '/head', '200 OK', 'node:http', 'Expect: 100-continue\r\n'],
  ['GET', '/304', '304 Not Modified', 'node:http', 'Expect: 100-continue\r\n'],
  ['GET', '/204', '204 No Content', 'node:http', 'Expect: 100-continue\r\n'],
  ['HEAD', '/head', '200 OK', 'undici', ''],
  ['GET', '/304', '304 Not Modified', 'undici', ''],
  ['GET', '/204', '204 No Content', 'undici', ''],
])('%s %s (%s) answered with trailing bytes, %s leg: the agent still gets the answer', async (method, path, status, _leg, extra) => {
  const got = await ask(method, path, extra);
  expect(got).toContain(`HTTP/1.1 ${status}\r\n`);
  expect(got).not.toContain('hello world');
});
