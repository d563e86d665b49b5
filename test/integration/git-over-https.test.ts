import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { run } from '../support/clients.js';
import { SECRETS } from '../support/fixture.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { startGitHttpsServer, type GitHttpsServer } from '../support/git-https-server.js';
import { makeCa, makeServerCert } from '../support/pki.js';

/** A GitHub-like token: what the forge checks, and what the agent never holds. */
const TOKEN = 'ghs_REALtoken/for+git=0123456789';

let dir: string;
let server: GitHttpsServer;
let gw: GatewayProcess;
let agentEnv: NodeJS.ProcessEnv;
let git: (args: string[]) => ReturnType<typeof run>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'onecli-git-'));
  const [ca, upstreamCa] = await Promise.all([makeCa('OneCLI Test Local CA'), makeCa('Test Upstream CA')]);
  const plain = { env: { PATH: process.env.PATH ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' } };
  // A bare repository with one commit, served by git http-backend behind Basic auth.
  const root = path.join(dir, 'srv');
  await run('git', ['init', '-q', '--bare', '-b', 'main', path.join(root, 'repo.git')], plain);
  const seed = path.join(dir, 'seed');
  await run('git', ['init', '-q', '-b', 'main', seed], plain);
  writeFileSync(path.join(seed, 'README'), 'hello\n');
  const ident = ['-c', 'user.name=Seed', '-c', 'user.email=seed@example.invalid'];
  await run('git', ['-C', seed, 'add', 'README'], plain);
  await run('git', ['-C', seed, ...ident, 'commit', '-q', '-m', 'seed'], plain);
  await run('git', ['-C', seed, 'push', '-q', path.join(root, 'repo.git'), 'main'], plain);

  server = await startGitHttpsServer(await makeServerCert(upstreamCa, ['localhost']), { projectRoot: root, user: 'x-access-token', password: TOKEN });
  // The GitHub preset on a host of our own: what `mappings add ghe.example.com REF --preset github` stores.
  gw = await startGatewayProcess({
    ca,
    upstreamCaPem: upstreamCa.certPem,
    tokens: [SECRETS.agentToken],
    mappings: [{ host: `localhost:${server.port}`, preset: 'github', value: TOKEN }],
  });
  const caFile = path.join(dir, 'local-ca.pem');
  writeFileSync(caFile, ca.certPem);
  // The agent's environment: the proxy and the local CA, no token anywhere (as `onecli-launcher env` gives it).
  agentEnv = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_TERMINAL_PROMPT: '0',
    HTTPS_PROXY: gw.proxyUrl(SECRETS.agentToken),
    NO_PROXY: '',
    GIT_SSL_CAINFO: caFile,
  };
  git = (args) => run('git', ['-c', 'credential.helper=', ...args], { env: agentEnv, timeoutMs: 30_000 });
}, 60_000);

afterAll(async () => {
  await gw?.stop();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the forge refuses git without the token (the server really checks Basic)', async () => {
  const r = await run('git', ['-c', 'credential.helper=', '-c', 'http.sslVerify=false', 'ls-remote', `https://localhost:${server.port}/repo.git`], {
    env: { PATH: process.env.PATH ?? '', HOME: dir, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1' },
    timeoutMs: 30_000,
  });
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(/Authentication failed|could not read Username|401/);
});

test('git clone, commit and push over HTTPS through the proxy door: the repository changes, the agent holds no token', async () => {
  expect(JSON.stringify(agentEnv)).not.toContain(TOKEN);
  const before = server.authorizations.length;
  const clone = await git(['clone', '-q', `https://localhost:${server.port}/repo.git`, path.join(dir, 'work')]);
  expect(clone.stderr).toBe('');
  expect(clone.code).toBe(0);

  const work = path.join(dir, 'work');
  writeFileSync(path.join(work, 'CHANGE'), 'pushed through OneCLI\n');
  await git(['-C', work, 'add', 'CHANGE']);
  const commit = await git(['-C', work, '-c', 'user.name=Agent', '-c', 'user.email=agent@example.invalid', 'commit', '-q', '-m', 'agent change']);
  expect(commit.code).toBe(0);
  const push = await git(['-C', work, 'push', '-q', 'origin', 'main']);
  expect(push.stderr).toBe('');
  expect(push.code).toBe(0);

  // The server's repository has the agent's commit.
  const head = await run('git', ['--git-dir', path.join(dir, 'srv', 'repo.git'), 'log', '-1', '--format=%s', 'main'], {
    env: { PATH: process.env.PATH ?? '' },
  });
  expect(head.stdout.trim()).toBe('agent change');
  // Every request git made carried the preset's Basic credential, written by the gateway.
  const expected = `Basic ${Buffer.from(`x-access-token:${TOKEN}`).toString('base64')}`;
  const through = server.authorizations.slice(before);
  expect(through.length).toBeGreaterThan(2);
  expect(through.every((a) => a === expected)).toBe(true);

  const remote = await git(['ls-remote', `https://localhost:${server.port}/repo.git`]);
  expect(remote.code).toBe(0);
  expect(remote.stdout).toMatch(/refs\/heads\/main/);
  expect(gw.lines.join('\n')).not.toContain(TOKEN);
}, 60_000);
