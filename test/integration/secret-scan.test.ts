import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, type Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { basicAuth, rawRequest, readToEnd, run } from '../support/clients.js';
import { cli, startServe, type ServeProcess } from '../support/cli.js';
import { SECRETS, startFixture, type Fixture } from '../support/fixture.js';
import { startKeychainSession, type KeychainSession } from '../support/keychain-session.js';
import { makeCa, makeServerCert } from '../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../support/upstream.js';
import { waitFor } from '../support/wait-for.js';

const WRONG_TOKEN = 'tok-wrong-SECRET-5e6f7a8b9c';
const COOKIE = 'session=COOKIE-SECRET-1a2b3c';
const QUERY_SECRET = 'QUERY-SECRET-d4e5f6';
const ALL = [SECRETS.agentToken, SECRETS.value, SECRETS.phantom, WRONG_TOKEN, 'COOKIE-SECRET-1a2b3c', QUERY_SECRET];

let f: Fixture;
let untrusted: TlsUpstream;
beforeAll(async () => {
  // An upstream whose CA the gateway does not trust, for the upstream_tls error path.
  untrusted = await startTlsUpstream(await makeServerCert(await makeCa('Untrusted CA'), ['127.0.0.1']));
  f = await startFixture(
    (up) => [
      { host: up.authority, header: 'x-api-key', value: SECRETS.value, route: 'anthropic' },
      { host: `127.0.0.1:${untrusted.port}`, value: SECRETS.value },
      { host: 'api.mapped.example:80', value: SECRETS.value },
    ],
    { logLevel: 'trace' },
  );
});
afterAll(async () => {
  await f?.stop();
  await untrusted?.close();
});

test('known secrets sent through every path appear in no log line and no error body', async () => {
  const bodies: string[] = [];
  const curl = async (args: string[]) => bodies.push((await run('curl', ['-sS', '-i', ...args])).stdout);
  const withSecrets = ['-H', `authorization: Bearer ${SECRETS.phantom}`, '-H', `x-api-key: ${SECRETS.phantom}`, '-H', `cookie: ${COOKIE}`];
  const mitm = ['-x', f.proxy, '--cacert', f.caFile];

  await curl([...mitm, ...withSecrets, `https://${f.upstream.authority}/echo?key=${QUERY_SECRET}`]); // proxy auth + injection
  await curl(['-x', f.gateway.proxyUrl(WRONG_TOKEN), '--cacert', f.caFile, `https://${f.upstream.authority}/echo`]); // 407
  await curl([...mitm, ...withSecrets, '-H', 'Host: elsewhere.example', `https://${f.upstream.authority}/echo`]); // 421
  await curl([...mitm, ...withSecrets, `https://${f.upstream.authority}/reset?key=${QUERY_SECRET}`]); // upstream reset
  await curl(['-x', f.proxy, '--cacert', f.caFile, ...withSecrets, `https://127.0.0.1:${untrusted.port}/echo`]); // upstream_tls
  await curl(['-x', f.proxy, ...withSecrets, `http://api.mapped.example/x?key=${QUERY_SECRET}`]); // insecure_http
  await curl(['-x', f.proxy, ...withSecrets, `http://127.0.0.1:1/x`]); // unreachable plain
  await curl([
    '-H',
    `x-api-key: ${SECRETS.agentToken}`,
    '-H',
    `cookie: ${COOKIE}`,
    `http://127.0.0.1:${f.gateway.port}/r/anthropic/v1/messages?key=${QUERY_SECRET}`,
  ]); // route door
  await curl(['-H', `x-api-key: ${WRONG_TOKEN}`, `http://127.0.0.1:${f.gateway.port}/r/anthropic/v1/messages`]); // route 401
  await curl(['-H', `authorization: Bearer ${WRONG_TOKEN}`, `http://127.0.0.1:${f.gateway.port}/r/nope/x`]); // unknown route
  const bad = await rawRequest(f.gateway.port, `CONNECT ${WRONG_TOKEN} HTTP/1.1\r\nProxy-Authorization: ${basicAuth(WRONG_TOKEN)}\r\n\r\n`);
  bodies.push(await readToEnd(bad));
  await new Promise((r) => setTimeout(r, 300)); // let the async log destination flush

  // The paths really ran: the upstream got the injected value, and errors were answered.
  expect(f.upstream.requests.some((r) => r.headers['x-api-key'] === SECRETS.value)).toBe(true);
  expect(bodies.join('\n')).toMatch(/upstream_tls[\s\S]*insecure_http/);
  expect(f.gateway.lines.length).toBeGreaterThan(10);

  // Gateway-made answers only: the echo upstream's 200s reflect what it received, by design.
  const errorBodies = bodies.filter((b) => /^x-onecli-error:/im.test(b));
  expect(errorBodies.length).toBeGreaterThanOrEqual(8);
  for (const secret of ALL) {
    expect(f.gateway.lines.filter((l) => l.includes(secret))).toEqual([]);
    expect(errorBodies.filter((b) => b.includes(secret))).toEqual([]);
  }
});

/**
 * The launcher end to end (serve, a real keychain, the `op` double): secrets planted through
 * every door, then its log (the gateway's lines in it), runtime.json, every file in the data
 * dir and everything it printed are read. The planted local value has no recognisable shape and
 * is sent where the gateway logs text (a CONNECT host): only the launcher and the gateway
 * knowing it keeps it out.
 */
describe('the launcher: its log, runtime.json and every file in the data dir', () => {
  /** Shaped like a host label on purpose: the gateway accepts it in a CONNECT authority, and logs that authority. */
  const LOCAL_VALUE = 'planted-local-value-5c1e7a93d20b';
  const SA_TOKEN = 'ops_planted-service-account-token-8e2d4f6a1b3c';
  const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
  const OP_VALUE = (
    JSON.parse(readFileSync(path.join(FIXTURES, 'op-fixture.json'), 'utf8')) as {
      items: { title: string; fields: { label: string; value: string }[] }[];
    }
  ).items
    .find((i) => i.title === 'Anthropic')!
    .fields.find((f) => f.label === 'credential')!.value;
  const HOST = '127.0.0.2';

  let keychain: KeychainSession;
  let upstream: TlsUpstream;
  let serve: ServeProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  const printed: string[] = [];
  const onecli = async (args: string[], input?: string) => {
    const r = await cli(args, env, input);
    printed.push(r.stdout, r.stderr);
    return r;
  };

  beforeAll(async () => {
    keychain = await startKeychainSession();
    const upstreamCa = await makeCa('Upstream CA');
    upstream = await startTlsUpstream(await makeServerCert(upstreamCa, [HOST]), HOST);
    const dir = mkdtempSync(path.join(tmpdir(), 'onecli-scan-'));
    dataDir = path.join(dir, 'data');
    writeFileSync(path.join(dir, 'upstream-ca.pem'), upstreamCa.certPem);
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      path.join(bin, 'op'),
      `#!/bin/sh\nFAKE_OP_FIXTURE='${path.join(FIXTURES, 'op-fixture.json')}' FAKE_OP_MODE=ok exec '${process.execPath}' '${path.join(FIXTURES, 'fake-op.mjs')}' "$@"\n`,
    );
    chmodSync(path.join(bin, 'op'), 0o755);
    env = { PATH: `${bin}:${process.env.PATH}`, HOME: dir, ...keychain.env, ONECLI_DATA_DIR: dataDir, NODE_EXTRA_CA_CERTS: path.join(dir, 'upstream-ca.pem') };
  });
  afterAll(async () => {
    await serve?.stop();
    await upstream?.close();
    await keychain?.stop();
  });

  test('no planted secret is in the launcher log, runtime.json, any data-dir file, or anything it printed', async () => {
    expect((await onecli(['secrets', 'set', 'planted', '-'], `${LOCAL_VALUE}\n`)).code).toBe(0);
    expect((await onecli(['mappings', 'add', `${HOST}:${upstream.port}`, 'local://planted', '--header', 'x-api-key'])).code).toBe(0);
    serve = await startServe(['--port', '0', '--control-port', '0'], env);
    // `env` prints the agent's token by design (it is the agent's setup): not scanned.
    const vars = JSON.parse((await cli(['env', '--json'], env)).stdout) as Record<string, string>;
    const agentToken = decodeURIComponent(/^http:\/\/x:([^@]+)@/.exec(vars.HTTPS_PROXY ?? '')![1]!);
    const curl = (args: string[]) => run('curl', ['-sS', '-i', ...args], { env: { PATH: process.env.PATH, ...vars } });

    // Injection works, so the value really went through the launcher and the gateway.
    await curl([`https://${HOST}:${upstream.port}/echo?key=${LOCAL_VALUE}`]);
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(LOCAL_VALUE);
    // A 1Password service-account token, refused by the SDK (offline): its error text is the launcher's to log.
    await onecli(['pair', '--service-account', '-'], SA_TOKEN);
    // The desktop source through the `op` double: a value resolved from 1Password.
    expect((await onecli(['pair', '--desktop'])).code).toBe(0);
    expect(
      (await onecli(['mappings', 'add', `${HOST}:${upstream.port}`, 'op://API Keys/Anthropic/Admin/credential', '--header', 'x-api-key', '--replace'])).code,
    ).toBe(0);
    await curl([`https://${HOST}:${upstream.port}/echo`]);
    expect(upstream.requests.at(-1)?.headers['x-api-key']).toBe(OP_VALUE);
    // Secrets where log lines carry text: a host name (a tunnel that fails), a wrong token, headers.
    const hostile = `${LOCAL_VALUE}.invalid`;
    const tunnel = await rawRequest(serve.gatewayPort, `CONNECT ${hostile}:443 HTTP/1.1\r\nProxy-Authorization: ${basicAuth(agentToken)}\r\n\r\n`);
    await readToEnd(tunnel);
    await curl(['-x', `http://x:${LOCAL_VALUE}@127.0.0.1:${serve.gatewayPort}`, `https://${HOST}:${upstream.port}/echo`]); // a value as the token: 407
    await curl(['-H', `x-api-key: ${agentToken}`, '-H', `authorization: Bearer ${SA_TOKEN}`, `http://127.0.0.1:${serve.gatewayPort}/r/nope/${agentToken}`]);

    // The gateway's lines reach the launcher's log (through the supervisor), the failed tunnel among them.
    const logFile = path.join(dataDir, 'logs', 'launcher.log');
    const records = () =>
      readFileSync(logFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { component?: string; msg?: string; host?: string });
    const failedTunnel = await waitFor(
      () => records().find((r) => r.component === 'gateway' && r.msg === 'request failed' && r.host?.endsWith('.invalid:443')),
      10_000,
      "the gateway's failed tunnel in the launcher log",
    );
    expect(failedTunnel.host).toMatch(/^\[redacted\]/); // it was there to leak, and did not
    expect(records().some((r) => r.component === 'gateway' && r.msg === 'gateway listening')).toBe(true);

    // runtime.json lives only while serve runs.
    const runtime = readFileSync(path.join(dataDir, 'runtime.json'), 'utf8');
    const served = serve;
    expect(await serve.stop('SIGTERM')).toBe(0);
    serve = undefined;
    expect(existsSync(path.join(dataDir, 'runtime.json'))).toBe(false);

    const files = (readdirSync(dataDir, { recursive: true, withFileTypes: true }) as Dirent[])
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name));
    expect(files).toContain(logFile);
    const everything = [runtime, ...files.map((f) => readFileSync(f, 'utf8')), ...printed, ...served.stdout, ...served.stderr].join('\n');
    const secrets = [
      LOCAL_VALUE,
      OP_VALUE,
      SA_TOKEN,
      agentToken,
      agentToken.toLowerCase(),
      Buffer.from(`x:${agentToken}`).toString('base64').replace(/=+$/, ''),
    ];
    for (const secret of secrets) expect(everything.includes(secret), `a planted secret (${secret.slice(0, 6)}…) was written`).toBe(false);
    expect(everything).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  }, 90_000);
});
