/**
 * Red team: a slow reader on a blind tunnel must still bound what the gateway takes in.
 *
 * The tunnel's bytes are counted for the minor GC by a second 'data' listener next to pipe()
 * (buffer-reclaim.ts `count()`). A 'data' listener resumes a stream that is not paused: had it
 * resumed one pipe() had paused, a peer that does not read would have the gateway read the other
 * side as fast as it sends, and hold it all. Either way round: an upstream that floods a client
 * that reads nothing, and a client that floods an upstream that reads nothing. What the flooding
 * side gets accepted is bounded by the socket buffers (a few MiB on loopback) plus one pipe's
 * high-water mark, not by what it offers (256 MiB).
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { basicAuth } from '../support/clients.js';
import { SECRETS, startFixture, type Fixture } from '../support/fixture.js';
import { sleep } from '../support/redteam-wire.js';

const OFFERED = 256 * 1024 * 1024;
/** Far below OFFERED, well above loopback's socket buffers on both hops. */
const BOUND = 48 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Writes until `OFFERED` or until the peer stops taking: returns how much the kernel accepted. */
function flood(socket: net.Socket): () => number {
  let offered = 0;
  const more = () => {
    while (offered < OFFERED && !socket.destroyed) {
      offered += CHUNK.length;
      if (!socket.write(CHUNK)) return void socket.once('drain', more);
    }
  };
  more();
  return () => socket.bytesWritten - socket.writableLength;
}

let fx: Fixture | undefined;
let server: net.Server | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
  await fx?.stop();
  fx = undefined;
});

async function openTunnel(port: number, target: number): Promise<net.Socket> {
  const c = net.connect(port, '127.0.0.1');
  sockets.push(c);
  c.on('error', () => undefined);
  await new Promise((r) => c.once('connect', r));
  c.write(`CONNECT 127.0.0.1:${target} HTTP/1.1\r\nHost: 127.0.0.1:${target}\r\nProxy-Authorization: ${basicAuth(SECRETS.agentToken)}\r\n\r\n`);
  let head = '';
  await new Promise<void>((resolve) => {
    const onData = (d: Buffer) => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      c.off('data', onData);
      c.pause();
      resolve();
    };
    c.on('data', onData);
  });
  expect(head).toMatch(/^HTTP\/1\.1 200 /);
  return c;
}

test.each([
  ['the upstream floods a client that reads nothing', 'upstream'],
  ['the client floods an upstream that reads nothing', 'client'],
] as const)('%s: the gateway stops reading the other side', async (_name, flooder) => {
  let accepted: (() => number) | undefined;
  let upstreamSocket: net.Socket | undefined;
  server = net.createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    upstreamSocket = s;
    if (flooder === 'upstream') accepted = flood(s);
    else s.pause();
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const target = (server.address() as AddressInfo).port;
  fx = await startFixture((up) => [{ host: up.authority, value: SECRETS.value }]);
  const client = await openTunnel(fx.gateway.port, target);
  if (flooder === 'client') accepted = flood(client);
  await sleep(2_000);
  expect(upstreamSocket).toBeDefined();
  const got = accepted!();
  // Something flowed (the tunnel works), and then it stopped.
  expect(got).toBeGreaterThan(CHUNK.length);
  expect(got).toBeLessThan(BOUND);
  const later = accepted!();
  await sleep(500);
  expect(accepted!() - later).toBeLessThan(1024 * 1024);
});
