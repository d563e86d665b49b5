import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { homedir } from 'node:os';
import path from 'node:path';
import type { DoctorCheck } from '../../shared/control-api.js';
import { mintProbeLeaf, PROBE_LEAF_IP, ProbeLeafError } from './probe-leaf-certificate.js';
import { bundleCheck, inspectTrustFile, ourCertDer, type TrustFile } from './trust-file.js';
import { NODE_SCRIPT, PYTHON_DETECT_SCRIPT, PYTHON_REQUESTS_SCRIPT, PYTHON_URLLIB_SCRIPT } from './ca-trust-scripts.js';

/**
 * Does each kind of agent client really trust the local CA, set up the way `onecli-launcher env`
 * sets it up? A throwaway HTTPS server on loopback serves a leaf signed by the CA, and real
 * clients (node, curl, python3) fetch from it with only PATH, HOME and the one trust variable
 * under test in their env, so nothing else on this machine can make a check pass.
 */

export const CA_TRUST_CHECK_IDS = {
  node: 'ca.trusted.node',
  curl: 'ca.trusted.curl',
  python: 'ca.trusted.python',
  bundle: 'ca.bundle.roots',
} as const;

/** Per client: it only talks to loopback, so anything slower is a hung client. */
export const CA_TRUST_TIMEOUT_MS = 10_000;
/** The probe server's answer is one short line; a client printing more is not talking to it. */
const MAX_CLIENT_OUTPUT_BYTES = 256 * 1024;
/** Where to look for clients when the caller's env has no PATH at all. */
const FALLBACK_PATH = '/usr/local/bin:/usr/bin:/bin';
const ENV_COMMAND = 'eval "$(onecli-launcher env)"';

export interface CaTrustProbeInput {
  readonly certPem: string;
  /** PKCS#8 PEM. Used in this process only, to sign the probe's leaf; never written, printed or reported. */
  readonly keyPem: string;
  /** `ca.pem`: what NODE_EXTRA_CA_CERTS points at. */
  readonly caFile: string;
  /** `ca-bundle.pem`: what CURL_CA_BUNDLE, REQUESTS_CA_BUNDLE and SSL_CERT_FILE point at. */
  readonly bundleFile: string;
  /** Per client. Default {@link CA_TRUST_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** How one client run ended. */
export type ClientOutcome =
  | { readonly kind: 'exited'; readonly code: number; readonly stdout: string; readonly stderr: string }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'failed'; readonly message: string };

export type RunClient = (file: string, args: readonly string[], options: { env: Record<string, string>; timeoutMs: number }) => Promise<ClientOutcome>;

export interface CaTrustProbeDeps {
  /** Only PATH and HOME are read: they are all of this process's env a client ever sees. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * The Node binary to test. Default: this process's own, except under Electron, whose binary
   * would start the app again (and ignores NODE_EXTRA_CA_CERTS anyway): there, `node` on PATH.
   */
  readonly nodePath: string | undefined;
  readonly runClient: RunClient;
  readonly readFile: (file: string) => Promise<string>;
  readonly now: () => number;
}

/** The real runner: argv array, no shell, stdin closed, bounded output, SIGKILL at the deadline. */
export const execFileClient: RunClient = (file, args, { env, timeoutMs }) =>
  new Promise((resolve) => {
    const child = execFile(
      file,
      [...args],
      { env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_CLIENT_OUTPUT_BYTES, encoding: 'utf8', windowsHide: true },
      (err, stdout, stderr) => {
        if (!err) return resolve({ kind: 'exited', code: 0, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { code?: string | number; killed?: boolean; signal?: NodeJS.Signals | null };
        if (e.code === 'ENOENT') return resolve({ kind: 'not-found' });
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve({ kind: 'failed', message: 'printed more than a probe answer can be' });
        if (e.killed && e.signal === 'SIGKILL') return resolve({ kind: 'timed-out' });
        if (typeof e.code === 'number') return resolve({ kind: 'exited', code: e.code, stdout, stderr });
        resolve({ kind: 'failed', message: e.signal ? `killed by ${e.signal}` : (e.code ?? 'could not start') });
      },
    );
    child.stdin?.end();
  });

export function defaultCaTrustProbeDeps(): CaTrustProbeDeps {
  return {
    env: process.env,
    nodePath: process.versions.electron === undefined ? process.execPath : undefined,
    runClient: execFileClient,
    readFile: (file) => readFile(file, 'utf8'),
    now: () => Date.now(),
  };
}

// ---------------------------------------------------------------------------------------------
// The clients

/** curl's exit codes for "the peer's certificate was not trusted" and "the CA file is unusable". */
const CURL_TRUST_EXIT_CODES = new Set([60, 77, 83]);

interface ClientSpec {
  readonly id: string;
  readonly title: string;
  /** What the detail calls the client, e.g. `curl (/usr/bin/curl)`. */
  readonly label: string;
  readonly variable: string;
  readonly file: string;
  readonly fileInfo: TrustFile;
  readonly rejected: (code: number) => boolean;
  /** How many stderr lines say why: curl's first is the reason, the rest is advice. */
  readonly reasonLines?: number;
}

interface ProbeContext {
  readonly deps: CaTrustProbeDeps;
  readonly url: string;
  readonly answer: string;
  readonly timeoutMs: number;
  readonly baseEnv: Record<string, string>;
}

/** The first lines of a client's complaint (where curl and our scripts put the reason), bounded, for the detail. */
function complaint(stderr: string, maxLines = 2): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const text = lines.slice(0, maxLines).join(' / ');
  return text.length > 400 ? `${text.slice(0, 400)}…` : text || 'no error output';
}

/** A client that is not here: nothing to fix unless agents need it. */
const notInstalledFix = (label: string) =>
  `Nothing to do unless your agents use ${label.split(' ')[0]}: if they do, install it (on their PATH) and run the doctor again.`;

function fixFor(spec: ClientSpec): string {
  const info = spec.fileInfo;
  const pointAt = `Run \`${ENV_COMMAND}\` in the agent's shell, or point ${spec.variable} at ${spec.file}.`;
  if (!info.readable) return `${spec.file} cannot be read (${info.reason}): restart the launcher to rewrite it. ${pointAt}`;
  if (!info.holdsOurs)
    return `${spec.file} does not hold the current local CA: restart the launcher to rewrite it (after a CA rotation, also restart agents that read it). ${pointAt}`;
  return `${pointAt} ${spec.file} holds the local CA, yet this client still rejected it with ${spec.variable} set: see the detail.`;
}

function judge(spec: ClientSpec, outcome: ClientOutcome, ctx: ProbeContext, elapsedMs: number): DoctorCheck {
  const base = { id: spec.id, title: spec.title };
  const using = `with ${spec.variable}=${spec.file}`;
  switch (outcome.kind) {
    case 'not-found':
      return { ...base, status: 'skip', detail: `${spec.label} is not installed here, so it was not checked`, fix: notInstalledFix(spec.label) };
    case 'timed-out':
      return {
        ...base,
        status: 'warn',
        detail: `${spec.label} did not finish within ${ctx.timeoutMs / 1000} s against a server on this machine, so its trust is unknown`,
        fix: 'Run the doctor again; if it hangs again, something on this machine is holding up local TLS connections.',
      };
    case 'failed':
      return {
        ...base,
        status: 'warn',
        detail: `${spec.label} could not be run (${outcome.message}), so its trust is unknown`,
        fix: `Run the doctor again; if ${spec.label} still cannot run, start it by hand to see why (this is not a trust failure).`,
      };
    case 'exited':
      break;
  }
  if (outcome.code === 0 && outcome.stdout.includes(ctx.answer)) {
    return { ...base, status: 'ok', detail: `${spec.label} accepted a certificate signed by the local CA ${using} (${elapsedMs} ms)` };
  }
  if (outcome.code === 0) {
    return {
      ...base,
      status: 'warn',
      detail: `${spec.label} ${using} got an answer that is not the probe server's, so its trust is unknown`,
      fix: `Something stands between ${spec.label} and this machine (a wrapper script on PATH, or its own config file sending it elsewhere): check \`command -v\` for it and its config, then run the doctor again.`,
    };
  }
  if (spec.rejected(outcome.code)) {
    return {
      ...base,
      status: 'fail',
      detail: `${spec.label} rejected a certificate signed by the local CA ${using}: ${complaint(outcome.stderr, spec.reasonLines)}`,
      fix: fixFor(spec),
    };
  }
  return {
    ...base,
    status: 'warn',
    detail: `${spec.label} ${using} failed for another reason (exit ${outcome.code}: ${complaint(outcome.stderr)}), so its trust is unknown`,
    fix: `Run the doctor again; if ${spec.label} fails the same way, its error above says why (it is not a trust failure).`,
  };
}

async function findOnPath(name: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue; // a relative PATH entry would resolve against our cwd, not the agent's
    const file = path.join(dir, name);
    try {
      await access(file, fsConstants.X_OK);
      if ((await stat(file)).isFile()) return file;
    } catch {
      // not in this folder; try the next
    }
  }
  return undefined;
}

async function timed(deps: CaTrustProbeDeps, run: () => Promise<ClientOutcome>): Promise<{ outcome: ClientOutcome; elapsedMs: number }> {
  const start = deps.now();
  const outcome = await run();
  return { outcome, elapsedMs: Math.round(deps.now() - start) };
}

async function checkNode(ctx: ProbeContext, caFile: string, caInfo: TrustFile): Promise<DoctorCheck> {
  const nodePath = ctx.deps.nodePath ?? (await findOnPath('node', ctx.baseEnv.PATH ?? FALLBACK_PATH));
  const spec: ClientSpec = {
    id: CA_TRUST_CHECK_IDS.node,
    title: 'Node.js agents trust the local CA',
    label: `node${nodePath ? ` (${nodePath})` : ''}`,
    variable: 'NODE_EXTRA_CA_CERTS',
    file: caFile,
    fileInfo: caInfo,
    rejected: (code) => code === 2,
  };
  if (!nodePath) return judge(spec, { kind: 'not-found' }, ctx, 0);
  const env = { ...ctx.baseEnv, NODE_EXTRA_CA_CERTS: caFile };
  const { outcome, elapsedMs } = await timed(ctx.deps, () =>
    ctx.deps.runClient(nodePath, ['-e', NODE_SCRIPT, ctx.url, String(ctx.timeoutMs)], { env, timeoutMs: ctx.timeoutMs }),
  );
  return judge(spec, outcome, ctx, elapsedMs);
}

async function checkCurl(ctx: ProbeContext, bundleFile: string, bundleInfo: TrustFile): Promise<DoctorCheck> {
  const curlPath = await findOnPath('curl', ctx.baseEnv.PATH ?? FALLBACK_PATH);
  const spec: ClientSpec = {
    id: CA_TRUST_CHECK_IDS.curl,
    title: 'curl trusts the local CA',
    label: `curl${curlPath ? ` (${curlPath})` : ''}`,
    variable: 'CURL_CA_BUNDLE',
    file: bundleFile,
    fileInfo: bundleInfo,
    rejected: (code) => CURL_TRUST_EXIT_CODES.has(code),
    reasonLines: 1,
  };
  if (!curlPath) return judge(spec, { kind: 'not-found' }, ctx, 0);
  const env = { ...ctx.baseEnv, CURL_CA_BUNDLE: bundleFile };
  // -q first: ignore ~/.curlrc, which could say `insecure` or name another CA file.
  const args = ['-q', '--silent', '--show-error', '--max-time', String(Math.max(1, Math.floor(ctx.timeoutMs / 1000))), ctx.url];
  const { outcome, elapsedMs } = await timed(ctx.deps, () => ctx.deps.runClient(curlPath, args, { env, timeoutMs: ctx.timeoutMs }));
  return judge(spec, outcome, ctx, elapsedMs);
}

async function checkPython(ctx: ProbeContext, bundleFile: string, bundleInfo: TrustFile): Promise<DoctorCheck> {
  const pythonPath = await findOnPath('python3', ctx.baseEnv.PATH ?? FALLBACK_PATH);
  const base = { id: CA_TRUST_CHECK_IDS.python, title: 'Python agents trust the local CA' };
  if (!pythonPath) return { ...base, status: 'skip', detail: 'python3 is not installed here, so it was not checked', fix: notInstalledFix('python3') };
  // One budget for both runs, so the client as a whole stays within the timeout.
  const deadline = ctx.deps.now() + ctx.timeoutMs;
  const left = () => Math.max(1, Math.round(deadline - ctx.deps.now()));
  const started = ctx.deps.now();
  const detect = await ctx.deps.runClient(pythonPath, ['-c', PYTHON_DETECT_SCRIPT], { env: ctx.baseEnv, timeoutMs: left() });
  if (detect.kind !== 'exited' || detect.code !== 0) {
    // A pyenv shim with no python3 behind it exits 127: as good as not installed.
    if (detect.kind === 'not-found' || (detect.kind === 'exited' && detect.code === 127)) {
      return {
        ...base,
        status: 'skip',
        detail: `python3 (${pythonPath}) cannot run here${detect.kind === 'exited' ? ` (${complaint(detect.stderr)})` : ''}, so it was not checked`,
        fix: notInstalledFix('python3'),
      };
    }
    const spec: ClientSpec = {
      ...base,
      label: `python3 (${pythonPath})`,
      variable: 'REQUESTS_CA_BUNDLE',
      file: bundleFile,
      fileInfo: bundleInfo,
      rejected: () => false,
    };
    return judge(spec, detect, ctx, 0);
  }
  const [stack = 'urllib', version = 'Python'] = detect.stdout.trim().split('\n');
  const viaRequests = stack.startsWith('requests');
  const variable = viaRequests ? 'REQUESTS_CA_BUNDLE' : 'SSL_CERT_FILE';
  const spec: ClientSpec = {
    ...base,
    label: `${version} (${pythonPath}) with ${viaRequests ? stack : 'urllib (requests is not installed)'}`,
    variable,
    file: bundleFile,
    fileInfo: bundleInfo,
    rejected: (code) => code === 2,
  };
  const script = viaRequests ? PYTHON_REQUESTS_SCRIPT : PYTHON_URLLIB_SCRIPT;
  const timeoutMs = left();
  const outcome = await ctx.deps.runClient(pythonPath, ['-c', script, ctx.url, String(timeoutMs)], {
    env: { ...ctx.baseEnv, [variable]: bundleFile },
    timeoutMs,
  });
  return judge(spec, outcome, ctx, Math.round(ctx.deps.now() - started));
}

// ---------------------------------------------------------------------------------------------
// The probe server

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, PROBE_LEAF_IP, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

function unprobed(detail: string, status: Exclude<DoctorCheck['status'], 'ok'>, fix: string): DoctorCheck[] {
  const titles = { node: 'Node.js agents trust the local CA', curl: 'curl trusts the local CA', python: 'Python agents trust the local CA' } as const;
  return (['node', 'curl', 'python'] as const).map((k) => ({ id: CA_TRUST_CHECK_IDS[k], title: titles[k], status, detail, fix }));
}

/**
 * Checks, for real, that node (NODE_EXTRA_CA_CERTS=caFile), curl (CURL_CA_BUNDLE=bundleFile)
 * and Python (REQUESTS_CA_BUNDLE, or SSL_CERT_FILE without requests) accept a leaf signed by
 * the local CA, and that the bundle still carries public roots. Clients run concurrently, each
 * within `timeoutMs`; the server is always closed. Missing clients are `skip`, never `fail`.
 */
export async function probeCaTrust(input: CaTrustProbeInput, deps: Partial<CaTrustProbeDeps> = {}): Promise<DoctorCheck[]> {
  const d: CaTrustProbeDeps = { ...defaultCaTrustProbeDeps(), ...deps };
  const timeoutMs = input.timeoutMs ?? CA_TRUST_TIMEOUT_MS;
  const ours = ourCertDer(input.certPem);
  const [caInfo, bundleInfo] = await Promise.all([inspectTrustFile(d.readFile, input.caFile, ours), inspectTrustFile(d.readFile, input.bundleFile, ours)]);
  const bundle = bundleCheck(input.bundleFile, bundleInfo, CA_TRUST_CHECK_IDS.bundle);

  let leaf: Awaited<ReturnType<typeof mintProbeLeaf>>;
  try {
    leaf = await mintProbeLeaf(input.certPem, input.keyPem, d.now());
  } catch (err) {
    // Our own message only: a parser's could quote what it was given.
    const reason = err instanceof ProbeLeafError ? err.message : 'the local CA could not sign a certificate';
    return [
      ...unprobed(
        `not checked: ${reason}`,
        'fail',
        'Restart the launcher; if this persists, rotate the local CA. The gateway cannot mint certificates with this CA either.',
      ),
      bundle,
    ];
  }

  const answer = `onecli-ca-probe ${randomUUID()}`;
  const server = createServer({ key: leaf.keyPem, cert: leaf.certPem }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' });
    res.end(answer);
  });
  try {
    let port: number;
    try {
      port = await listen(server);
    } catch (err) {
      return [
        ...unprobed(
          `not checked: the probe server could not listen on ${PROBE_LEAF_IP} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
          'warn',
          `Run the doctor again; ${PROBE_LEAF_IP} must be usable on this machine (the gateway listens on loopback too).`,
        ),
        bundle,
      ];
    }
    const ctx: ProbeContext = {
      deps: d,
      url: `https://${PROBE_LEAF_IP}:${port}/`,
      answer,
      timeoutMs,
      baseEnv: { PATH: d.env.PATH ?? FALLBACK_PATH, HOME: d.env.HOME ?? homedir() },
    };
    const checks = await Promise.all([
      checkNode(ctx, input.caFile, caInfo),
      checkCurl(ctx, input.bundleFile, bundleInfo),
      checkPython(ctx, input.bundleFile, bundleInfo),
    ]);
    return [...checks, bundle];
  } finally {
    await closeServer(server);
  }
}
