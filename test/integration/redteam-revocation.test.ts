/**
 * Red team: revocation on the base-URL door. A tunnel (proxy door) of a revoked agent closes at
 * once; the base-URL door's connections are not tracked per agent (only its WebSockets are), so:
 *  - a streaming answer (SSE, a watch stream) that began before `agents revoke` keeps flowing to
 *    the revoked agent for as long as the upstream sends;
 *  - a request that was waiting for its credential (a cache miss: 1Password takes seconds) when
 *    the agent was revoked goes out afterwards with the real key, and its answer is delivered
 *    (on the proxy door the tunnel closes, but the request still goes out with the key);
 *  - the same for a request waiting for its credential when its mapping is removed.
 * FAILS until fixed (doors/route.ts: track the front socket under the agent's key for the life of
 * the request, as handleRouteUpgrade does; re-check `state.auth.isCurrent(agent)` in the
 * withCredential callback before forwarding, in every door, mitm.ts included).
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { SECRETS } from '../support/fixture.js';
import { forkGateway, type ForkedGateway } from '../support/launcher-double.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { sleep, startHostileUpstream, type HostileUpstream } from '../support/redteam-wire.js';
import { waitFor } from '../support/wait-for.js';

let ca: CaPem;
let upCa: CaPem;
let up: HostileUpstream;
let gw: ForkedGateway;
const agents = [{ name: 'claude', token: SECRETS.agentToken }];
let resolveDelayMs = 0;
/** Resolves the double has answered: a held request's credential has arrived once this grows. */
let resolvesAnswered = 0;
let mappings: { id: string; host: string; port: number; rule: { type: 'x-api-key' }; route: string }[];

beforeAll(async () => {
  [ca, upCa] = await Promise.all([makeCa('Red-team Local CA'), makeCa('Red-team Upstream CA')]);
  up = await startHostileUpstream(await makeServerCert(upCa, ['localhost']), async (req) => {
    const s = req.socket;
    // An event stream that goes on: one event every 100 ms for 4 s.
    s.write('HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n');
    for (let i = 0; i < 40 && !s.destroyed; i++) {
      const ev = `data: ${i}\n\n`;
      s.write(`${ev.length.toString(16)}\r\n${ev}\r\n`);
      await sleep(100);
    }
    s.end('0\r\n\r\n');
  });
  mappings = [{ id: 'up', host: 'localhost', port: up.port, rule: { type: 'x-api-key' }, route: 'up' }];
  gw = await forkGateway(
    { listen: { host: '127.0.0.1', port: 0 }, ca: { certPem: ca.certPem, keyPem: ca.keyPem }, extraCaPem: upCa.certPem, agents, mappings, logLevel: 'info' },
    async () => {
      // The upstream's (1Password's) pace, not a wait for the gateway: a cache miss takes time.
      if (resolveDelayMs) await sleep(resolveDelayMs);
      resolvesAnswered++;
      return { ok: true, value: SECRETS.value };
    },
  );
});
afterAll(async () => {
  await gw?.stop();
  await up?.close();
});

/** `token` is (or is no longer) accepted by the gateway: a request with it is not answered 401/407. */
async function tokenAccepted(token: string, expectAccepted: boolean): Promise<void> {
  await waitFor(
    async () => {
      const c = await open();
      c.socket.write(`GET /r/nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${token}\r\nConnection: close\r\n\r\n`);
      const head = await waitFor(() => /^HTTP\/1\.1 (\d{3})/.exec(c.text())?.[1], 2_000, 'an answer');
      c.socket.destroy();
      return (head !== '401' && head !== '407') === expectAccepted;
    },
    5_000,
    expectAccepted ? 'the token to be accepted' : 'the token to be refused',
  );
}
const agentsApplied = (expectAccepted: boolean) => tokenAccepted(SECRETS.agentToken, expectAccepted);

let probes = 0;
/**
 * Everything sent to the gateway so far has been applied. The IPC channel is ordered but races
 * the TCP connections, and the gateway acknowledges nothing: so send one more set-agents with a
 * fresh probe token and wait until that token is accepted.
 */
async function messagesApplied(current: typeof agents): Promise<void> {
  const probe = `probe-token-${++probes}-${'x'.repeat(16)}`;
  gw.send({ type: 'set-agents', agents: [...current, { name: `probe-${probes}`, token: probe }] });
  await tokenAccepted(probe, true);
}

/** A request is held for its credential: the gateway has asked the launcher double. */
const heldForCredential = (resolvesBefore: number) => waitFor(() => gw.resolves.length > resolvesBefore, 10_000, 'the gateway to ask for the credential');

/** The held request's credential has arrived and the gateway has answered the client (or closed it). */
const settled = (c: { text: () => string; closed: () => boolean }, answeredBefore: number) =>
  waitFor(() => resolvesAnswered > answeredBefore && (c.closed() || /^HTTP\/1\.1 \d{3}/.test(c.text())), 10_000, 'the held request to be settled');

function open(): Promise<{ socket: net.Socket; text: () => string; closed: () => boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(gw.port, '127.0.0.1', () => {
      let text = '';
      let closed = false;
      socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
      socket.on('close', () => (closed = true));
      socket.on('error', () => undefined);
      resolve({ socket, text: () => text, closed: () => closed });
    });
  });
}
const events = (text: string) => (text.match(/data: /g) ?? []).length;

test('a stream that began before the revocation stops with it', async () => {
  gw.send({ type: 'set-agents', agents });
  await agentsApplied(true);
  const c = await open();
  c.socket.write(`GET /r/up/events HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${SECRETS.agentToken}\r\n\r\n`);
  await waitFor(() => events(c.text()) > 0, 3_000, 'the first event');
  gw.send({ type: 'set-agents', agents: [] });
  // The stream runs 4 s; closed well before that, it was closed by the revocation.
  await waitFor(() => c.closed(), 2_000, 'the stream to close on revocation');
  expect(events(c.text())).toBeLessThan(40);
  c.socket.destroy();
});

test('a request waiting for its credential when the agent is revoked is not sent with it', async () => {
  gw.send({ type: 'set-agents', agents });
  await agentsApplied(true);
  resolveDelayMs = 800;
  gw.send({ type: 'set-mappings', mappings }); // empties the credential cache: the next request resolves
  await messagesApplied(agents);
  const before = up.seen.length;
  const [resolvesBefore, answeredBefore] = [gw.resolves.length, resolvesAnswered];
  const c = await open();
  c.socket.write(`GET /r/up/events HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${SECRETS.agentToken}\r\n\r\n`);
  await heldForCredential(resolvesBefore);
  gw.send({ type: 'set-agents', agents: [] });
  await settled(c, answeredBefore);
  resolveDelayMs = 0;
  // Today: the upstream gets the request with the real key, and the revoked agent its answer.
  expect(up.seen.slice(before).filter((r) => r.key === SECRETS.value)).toHaveLength(0);
  expect(events(c.text())).toBe(0);
  c.socket.destroy();
  gw.send({ type: 'set-agents', agents });
});

test('proxy door: a request waiting for its credential when the agent is revoked is not sent with it either', async () => {
  const { tlsThroughProxy } = await import('../support/clients.js');
  gw.send({ type: 'set-agents', agents });
  await agentsApplied(true);
  const tunnel = await tlsThroughProxy(gw.port, SECRETS.agentToken, `localhost:${up.port}`, { ca: ca.certPem });
  let tunnelText = '';
  let tunnelClosed = false;
  tunnel.on('data', (d: Buffer) => (tunnelText += d.toString('latin1')));
  tunnel.on('close', () => (tunnelClosed = true));
  tunnel.on('error', () => undefined);
  resolveDelayMs = 800;
  gw.send({ type: 'set-mappings', mappings });
  await messagesApplied(agents);
  const before = up.seen.length;
  const [resolvesBefore, answeredBefore] = [gw.resolves.length, resolvesAnswered];
  tunnel.write(`GET /events HTTP/1.1\r\nHost: localhost:${up.port}\r\n\r\n`);
  await heldForCredential(resolvesBefore);
  gw.send({ type: 'set-agents', agents: [] });
  await settled({ text: () => tunnelText, closed: () => tunnelClosed }, answeredBefore);
  resolveDelayMs = 0;
  // Today: the tunnel closes, but the request still goes out with the real key after revocation.
  expect(up.seen.slice(before).filter((r) => r.key === SECRETS.value)).toHaveLength(0);
  tunnel.destroy();
  gw.send({ type: 'set-agents', agents });
});

test('a request waiting for its credential when its mapping is removed is not sent with it', async () => {
  gw.send({ type: 'set-agents', agents });
  await agentsApplied(true);
  resolveDelayMs = 800;
  gw.send({ type: 'set-mappings', mappings });
  await messagesApplied(agents);
  const before = up.seen.length;
  const [resolvesBefore, answeredBefore] = [gw.resolves.length, resolvesAnswered];
  const c = await open();
  c.socket.write(`GET /r/up/events HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${SECRETS.agentToken}\r\n\r\n`);
  await heldForCredential(resolvesBefore);
  gw.send({ type: 'set-mappings', mappings: [] });
  await settled(c, answeredBefore);
  resolveDelayMs = 0;
  expect(up.seen.slice(before).filter((r) => r.key === SECRETS.value)).toHaveLength(0);
  c.socket.destroy();
  gw.send({ type: 'set-mappings', mappings });
});
