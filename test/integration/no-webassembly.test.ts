/**
 * A gateway whose Node has no WebAssembly (`--jitless`, or `--lite-mode`, which implies it; both
 * can come in NODE_OPTIONS to a gateway started by hand). undici's response parser is llhttp
 * compiled to WebAssembly, so the default upstream leg failed every request as "upstream
 * unreachable" (found measuring `--lite-mode` for issue 18: 2,439 of 2,439 requests 502). The
 * gateway now says so at start and serves through node:http, whose parser is native.
 *
 * FAILED before the fix (502 upstream_unreachable).
 */
import net from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { MASKED_VALUE, SECRETS, startFixture, type Fixture } from '../support/fixture.js';
import { readAll } from '../support/redteam-wire.js';

let fx: Fixture | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

async function get(port: number, path: string): Promise<string> {
  const c = net.connect(port, '127.0.0.1');
  await new Promise((r) => c.once('connect', r));
  c.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${SECRETS.agentToken}\r\nConnection: close\r\n\r\n`);
  return (await readAll(c, 10_000)).toString('latin1');
}

test.each([['--jitless'], ['--lite-mode']])('under %s the gateway injects, scans and answers, and says why it is slower', async (flag) => {
  fx = await startFixture((up) => [{ host: up.authority, header: 'x-api-key', route: 'echo', value: SECRETS.value }], { nodeArgs: [flag] });
  const answer = await get(fx.gateway.port, '/r/echo/hello');
  expect(answer).toMatch(/^HTTP\/1\.1 200 /);
  // The upstream's echo of its request headers carries the injected value back: masked.
  expect(answer).toContain(MASKED_VALUE);
  expect(answer).not.toContain(SECRETS.value);
  expect(fx.upstream.requests.at(-1)?.headers['x-api-key']).toBe(SECRETS.value);
  expect(fx.gateway.lines.some((l) => l.includes('WebAssembly is off'))).toBe(true);
});

test('with WebAssembly the gateway says nothing about it', async () => {
  fx = await startFixture((up) => [{ host: up.authority, header: 'x-api-key', route: 'echo', value: SECRETS.value }]);
  expect(await get(fx.gateway.port, '/r/echo/hello')).toMatch(/^HTTP\/1\.1 200 /);
  expect(fx.gateway.lines.some((l) => l.includes('WebAssembly'))).toBe(false);
});
