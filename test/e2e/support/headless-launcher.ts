import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cli, startServe, uiSignInUrl, type ServeProcess } from '../../support/cli.js';
import { installFakeOp } from '../../support/core-harness.js';
import { makeCa, makeServerCert } from '../../support/pki.js';
import { startTlsUpstream, type TlsUpstream } from '../../support/upstream.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const RENDERER_INDEX = path.join(ROOT, 'dist/renderer/index.html');
/** A loopback address NO_PROXY does not cover, so curl reaches it through the gateway as it would a real API. */
export const UPSTREAM_HOST = '127.0.0.2';
const OP_FIXTURE = path.join(ROOT, 'test/fixtures/op-fixture.json');

/** Every value in the op double's fixture long enough not to match by chance: none may ever show in the UI. */
export function fixtureSecretValues(): string[] {
  const fixture = JSON.parse(readFileSync(OP_FIXTURE, 'utf8')) as { items: { fields: { value?: string }[] }[] };
  return fixture.items.flatMap((i) => i.fields.map((f) => f.value ?? '').filter((v) => v.length >= 12));
}

/**
 * The UI is served from dist/renderer, which `serve` looks for when it starts. The package build
 * should make it; when it has not, build it here. Test files run in parallel, so each builds
 * beside it and renames into place: a directory rename is atomic, and the loser drops its copy.
 */
export async function ensureRendererBuilt(): Promise<void> {
  if (existsSync(RENDERER_INDEX)) return;
  const staging = path.join(ROOT, 'dist', `.renderer-${process.pid}`);
  await promisify(execFile)(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'renderer/vite.config.ts',
      '--outDir',
      staging,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    {
      cwd: ROOT,
      timeout: 120_000,
    },
  );
  try {
    renameSync(staging, path.dirname(RENDERER_INDEX));
  } catch (err) {
    if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
    rmSync(staging, { recursive: true, force: true });
  }
}

export interface HeadlessLauncher {
  readonly serve: ServeProcess;
  readonly env: NodeJS.ProcessEnv;
  readonly upstream: TlsUpstream;
  readonly upstreamAuthority: string;
  readonly dataDir: string;
  /** Steers the `op` double: 'ok', 'locked', … (test/fixtures/fake-op.mjs). */
  setOpMode(mode: string): void;
  /** The link serve printed at start (one use). */
  readonly signInUrl: string;
  /** `onecli-launcher env --json`, as an agent's shell would get it. */
  agentEnv(agent?: string): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * `onecli-launcher serve` as a user runs it headless: its own HOME and data dir, the `op`
 * double first on PATH, no D-Bus session (secrets in memory for the run), and a real HTTPS
 * upstream on 127.0.0.2 whose CA reaches the gateway through NODE_EXTRA_CA_CERTS.
 */
export async function startHeadlessLauncher(opts: { fixedPort?: number } = {}): Promise<HeadlessLauncher> {
  await ensureRendererBuilt();
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-e2e-'));
  const home = path.join(dir, 'home');
  const dataDir = path.join(dir, 'data');
  mkdirSync(home);
  mkdirSync(dataDir);
  const op = installFakeOp(dir);
  const upstreamCa = await makeCa('E2E Upstream CA');
  const upstream = await startTlsUpstream(await makeServerCert(upstreamCa, [UPSTREAM_HOST]), UPSTREAM_HOST);
  writeFileSync(path.join(dir, 'upstream-ca.pem'), upstreamCa.certPem);
  // Without --port the gateway's port comes from settings, which the UI can change (the port-taken test).
  if (opts.fixedPort !== undefined) writeFileSync(path.join(dataDir, 'settings.json'), JSON.stringify({ version: 1, gateway: { port: opts.fixedPort } }));
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.dirname(op.opPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    HOME: home,
    LANG: 'C.UTF-8',
    ONECLI_DATA_DIR: dataDir,
    NODE_EXTRA_CA_CERTS: path.join(dir, 'upstream-ca.pem'),
  };
  const serve = await startServe(opts.fixedPort !== undefined ? ['--control-port', '0'] : ['--port', '0', '--control-port', '0'], env);
  const signInUrl = await uiSignInUrl(serve);
  return {
    serve,
    env,
    upstream,
    upstreamAuthority: `${UPSTREAM_HOST}:${upstream.port}`,
    dataDir,
    setOpMode: op.setMode,
    signInUrl,
    async agentEnv(agent) {
      const r = await cli(['env', '--json', ...(agent ? ['--agent', agent] : [])], env);
      if (r.code !== 0) throw new Error(`onecli-launcher env failed: ${r.stderr}`);
      return JSON.parse(r.stdout) as Record<string, string>;
    },
    async stop() {
      await serve.stop();
      await upstream.close();
    },
  };
}
