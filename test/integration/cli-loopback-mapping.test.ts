import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { httpTransport } from '../../src/cli/control-client.js';
import { RuntimeInfo } from '../../src/core/runtime-file.js';
import type { ControlTransport } from '../../src/shared/control-api.js';
import { cli, startServe, type ServeProcess } from '../support/cli.js';
import { envWithoutSessionBus } from '../support/keychain-session.js';
import { waitFor } from '../support/wait-for.js';

/**
 * A local model proxy (LiteLLM on `localhost:4000` is the real case) mapped to a credential:
 * `onecli-launcher run -- curl http://localhost:PORT/…` must reach it through the gateway, with
 * the credential, instead of going around it because NO_PROXY lists loopback. What the upstream
 * received is checked on the upstream's side. With loopback taken out of NO_PROXY, the base-URL
 * door and /healthz go through the proxy too, to the gateway itself, which answers them locally.
 */

const VALUE = 'sk-litellm-LOOPBACK-SECRET-5e6f7a8b9c0d';
let dataDir: string;
let env: NodeJS.ProcessEnv;
let serve: ServeProcess | undefined;
let control: ControlTransport;
let upstream: http.Server;
let upstreamPort: number;
const received: { url: string; headers: http.IncomingHttpHeaders }[] = [];
const outputs: string[] = [];

/** A plain-HTTP upstream that records what it got and answers without echoing it. */
async function startUpstream(): Promise<void> {
  upstream = http.createServer((req, res) => {
    received.push({ url: req.url ?? '', headers: req.headers });
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('upstream says hi');
  });
  // Dual-stack where the machine has IPv6, so `localhost` works whichever address it resolves to.
  await new Promise<void>((resolve) =>
    upstream.once('error', () => upstream.listen(0, '127.0.0.1', resolve)).listen({ port: 0, host: '::', ipv6Only: false }, resolve),
  );
  upstreamPort = (upstream.address() as AddressInfo).port;
}

async function onecli(args: string[], input?: string) {
  const r = await cli(args, env, input);
  outputs.push(r.stdout, r.stderr);
  return r;
}

beforeAll(async () => {
  await startUpstream();
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-loopback-'));
  dataDir = path.join(dir, 'data');
  env = { ...envWithoutSessionBus(), HOME: dir, ONECLI_DATA_DIR: dataDir, NO_PROXY: 'localhost,127.0.0.1', no_proxy: 'localhost,127.0.0.1' };
  serve = await startServe(['--port', '0', '--control-port', '0'], env);
  const info = RuntimeInfo.parse(JSON.parse(readFileSync(path.join(dataDir, 'runtime.json'), 'utf8')));
  control = httpTransport(info.controlUrl, info.controlToken!); // no keychain here: the token is in the 0600 runtime file
  expect((await onecli(['secrets', 'set', 'litellm', '-'], VALUE)).code).toBe(0);
});
afterAll(async () => {
  await serve?.stop();
  await new Promise((r) => upstream?.close(r));
});

const curl = (...args: string[]) => cli(['run', '--', 'curl', '-sS', '--max-time', '10', ...args], env);

describe('a mapped loopback host gets its credential through `run`', () => {
  test('localhost:PORT (plain HTTP): the upstream receives the credential; the agent sees only the answer', async () => {
    expect((await onecli(['mappings', 'add', `localhost:${upstreamPort}`, 'local://litellm'])).code).toBe(0);
    const vars = JSON.parse((await onecli(['env', '--json'])).stdout) as Record<string, string>;
    expect(vars).toMatchObject({ NO_PROXY: '127.0.0.1,::1', no_proxy: '127.0.0.1,::1', HTTP_PROXY: vars.HTTPS_PROXY, http_proxy: vars.HTTPS_PROXY });

    const before = received.length;
    const r = await curl(`http://localhost:${upstreamPort}/v1/models`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('upstream says hi');
    const got = received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ url: '/v1/models', headers: { authorization: `Bearer ${VALUE}`, host: `localhost:${upstreamPort}` } });
    expect(got[0]?.headers['proxy-authorization']).toBeUndefined(); // the agent token stops at the gateway
  });

  test('127.0.0.1:PORT as well, although the base-URL door lives on 127.0.0.1 too', async () => {
    expect((await onecli(['mappings', 'add', `127.0.0.1:${upstreamPort}`, 'local://litellm', '--header', 'x-api-key'])).code).toBe(0);
    const vars = JSON.parse((await onecli(['env', '--json'])).stdout) as Record<string, string>;
    expect(vars.NO_PROXY).toBe('::1');
    const before = received.length;
    const r = await curl(`http://127.0.0.1:${upstreamPort}/chat`);
    expect(r.code).toBe(0);
    expect(received.slice(before)).toEqual([expect.objectContaining({ url: '/chat', headers: expect.objectContaining({ 'x-api-key': VALUE }) })]);
  });

  test("the gateway's own address, now proxied to itself, is answered by the gateway: /healthz and the base-URL door", async () => {
    expect((await onecli(['mappings', 'add', 'api.anthropic.com', 'local://litellm'])).code).toBe(0);
    const vars = JSON.parse((await onecli(['env', '--json'])).stdout) as Record<string, string>;
    const gw = `127.0.0.1:${serve!.gatewayPort}`;
    expect(vars.ANTHROPIC_BASE_URL).toBe(`http://${gw}/r/anthropic`);

    const health = await curl('-v', `http://${gw}/healthz`);
    expect(health.stdout).toBe('{"ok":true}');
    expect(health.stderr).toMatch(new RegExp(`> GET http://${gw.replace(/\./g, '\\.')}/healthz HTTP/1\\.1`)); // it really went through the proxy door

    // A wrong phantom key: the route door answers itself, in the provider's error shape, and nothing leaves this machine.
    const door = await curl('-H', 'x-api-key: not-the-agent-token', '-w', '\n%{http_code}', `${vars.ANTHROPIC_BASE_URL}/v1/models`);
    const [body, code] = door.stdout.split('\n');
    expect(code).toBe('401');
    expect(JSON.parse(body!)).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    // Answered locally, not forwarded to ourselves: no plain-HTTP hop to the gateway's own address.
    // Activity is batched: wait for the route door's entry, which comes in the same batch as any hop would.
    const activity = await waitFor(
      async () => {
        const recent = await control.call('activity.recent', { limit: 1000 });
        return recent.some((a) => a.door === 'route' && a.status === 401) && recent;
      },
      5_000,
      'the route door in activity',
    );
    expect(activity.filter((a) => a.door === 'http' && a.host === gw)).toEqual([]);
    expect(activity).toContainEqual(expect.objectContaining({ door: 'route', mapping: 'api.anthropic.com', status: 401 }));
  });

  test('an unmapped loopback port on a name left out of NO_PROXY still works, without a credential', async () => {
    await onecli(['mappings', 'remove', `127.0.0.1:${upstreamPort}`]);
    const other = http.createServer((req, res) =>
      res.end(JSON.stringify({ authorization: req.headers.authorization ?? null, 'x-api-key': req.headers['x-api-key'] ?? null })),
    );
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      // 127.0.0.1 is back in NO_PROXY (only localhost:PORT is mapped now): straight there.
      const direct = await curl(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      expect(JSON.parse(direct.stdout)).toEqual({ authorization: null, 'x-api-key': null });
      // localhost is proxied: an unmapped port there goes through the gateway and gets nothing added.
      const proxied = await curl(`http://localhost:${(other.address() as AddressInfo).port}/`);
      expect(JSON.parse(proxied.stdout)).toEqual({ authorization: null, 'x-api-key': null });
    } finally {
      await new Promise((r) => other.close(r));
    }
  });

  test('the value never appears in anything the CLI printed or wrote', () => {
    const files = ['settings.json', 'runtime.json', 'ca.pem'].map((f) => readFileSync(path.join(dataDir, f), 'utf8'));
    expect([...outputs, ...files].join('\n')).not.toContain(VALUE);
  });
});
