import { readdirSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { basicAuth } from '../support/clients.js';
import { SECRETS, startFixture, type Fixture } from '../support/fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture((up) => [{ host: up.authority, value: SECRETS.value }], { logLevel: 'info' });
});
afterAll(() => f?.stop());

/** Open descriptors of the gateway process: a socket the gateway forgot keeps its fd. */
const openFds = () => readdirSync(`/proc/${f.gateway.child.pid}/fd`).length;

async function connectThenLeave(handshake: boolean): Promise<void> {
  const socket = net.connect(f.gateway.port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  socket.write(`CONNECT ${f.upstream.authority} HTTP/1.1\r\nProxy-Authorization: ${basicAuth(SECRETS.agentToken)}\r\n\r\n`);
  await new Promise((r) => socket.once('data', r));
  if (handshake) {
    const secure = tls.connect({ socket, servername: 'localhost', ca: f.ca.certPem });
    await new Promise((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    secure.destroy();
  } else socket.destroy();
}

test.each([
  ['before its ClientHello', false],
  ['right after the handshake', true],
])('a client that leaves %s is closed on the gateway side at once (no sockets held)', async (_when, handshake) => {
  const before = openFds();
  for (let i = 0; i < 200; i++) await connectThenLeave(handshake);
  const deadline = Date.now() + 3_000; // far below the 10 s handshake timeout that used to free them
  while (openFds() - before > 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(openFds() - before).toBeLessThanOrEqual(10);
});
