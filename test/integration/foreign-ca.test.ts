import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { run, type CommandResult } from '../support/clients.js';
import { SECRETS } from '../support/fixture.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { makeCa, makeOpensslCa, makeServerCert, type CaPem } from '../support/pki.js';

/**
 * A CA the user made with openssl (names as UTF8String), given to the standalone gateway, and
 * clients that compare the leaf's issuer with the CA's subject byte for byte: rustls (Codex CLI)
 * and Go's crypto/x509 (kubectl, where installed). An issuer re-encoded as PrintableString is an
 * "unknown CA" to both. `hey` is Go too, but it never verifies certificates (InsecureSkipVerify):
 * it shows the proxy door works with such a CA, not that the chain verifies.
 */

const CODEX_JS = path.resolve(import.meta.dirname, '../../node_modules/@openai/codex/bin/codex.js');
/** kubectl is a Go client that verifies; it is on some machines, and .ci/run does not install it. */
const KUBECTL = ['/usr/bin/kubectl', '/usr/local/bin/kubectl'].find((p) => existsSync(p));

interface SeenRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

/** A stand-in for the OpenAI Responses API on loopback: SSE for POST /v1/responses, JSON for GET. */
async function startResponsesStandIn(cert: { certPem: string; keyPem: string }) {
  const seen: SeenRequest[] = [];
  const event = (type: string, body: Record<string, unknown>) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
  const server = https.createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
      if (req.method === 'POST' && req.url?.startsWith('/v1/responses')) {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        res.end(
          event('response.created', { response: { id: 'resp_standin' } }) +
            event('response.output_item.done', {
              item: { type: 'message', role: 'assistant', id: 'msg_standin', content: [{ type: 'output_text', text: 'stand-in says hi' }] },
            }) +
            event('response.completed', {
              response: {
                id: 'resp_standin',
                usage: { input_tokens: 1, input_tokens_details: null, output_tokens: 1, output_tokens_details: null, total_tokens: 2 },
              },
            }),
        );
        return;
      }
      const json = JSON.stringify({ ok: true });
      res.writeHead(req.method === 'GET' ? 200 : 404, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
      res.end(json);
    });
  });
  // Codex tries a WebSocket first where the provider allows it (this one does not): refuse it.
  server.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 426 Upgrade Required\r\nconnection: close\r\ncontent-length: 0\r\n\r\n'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    authority: `localhost:${port}`,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Output of a client, with the secrets taken out: it may end up in an assertion message. */
const redact = (r: CommandResult) =>
  `exit ${r.code}\n${r.stdout}\n${r.stderr}`.replaceAll(SECRETS.agentToken, '<agent-token>').replaceAll(SECRETS.value, '<value>');

const children = new Set<ChildProcess>();
const scratch: string[] = [];

/** Codex CLI, non-interactive, with its own CODEX_HOME and nothing inherited but PATH. */
function codexExec(opts: { home: string; proxy: string; certFile: string; timeoutMs: number }): Promise<CommandResult> {
  return new Promise((resolve) => {
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: opts.home,
      CODEX_HOME: opts.home,
      HTTPS_PROXY: opts.proxy,
      https_proxy: opts.proxy,
      // localhost is the mapped host: nothing may send it around the proxy.
      NO_PROXY: '',
      no_proxy: '',
      SSL_CERT_FILE: opts.certFile,
      RUST_LOG: 'error',
    };
    const args = [
      CODEX_JS,
      'exec',
      '--skip-git-repo-check',
      '--ephemeral',
      '--ignore-rules',
      '--color',
      'never',
      '-s',
      'read-only',
      '-C',
      opts.home,
      'Say hi.',
    ];
    const child = execFile(process.execPath, args, { env, timeout: opts.timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      children.delete(child);
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
    children.add(child);
  });
}

function codexHome(baseUrl: string): string {
  const home = mkdtempSync(path.join(tmpdir(), 'onecli-codex-'));
  scratch.push(home);
  writeFileSync(
    path.join(home, 'config.toml'),
    [
      'model = "gpt-standin"',
      'model_provider = "standin"',
      '',
      '[model_providers.standin]',
      'name = "Responses stand-in"',
      `base_url = "${baseUrl}"`,
      'wire_api = "responses"',
      'supports_websockets = false',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      'stream_idle_timeout_ms = 5000',
      '',
    ].join('\n'),
  );
  return home;
}

let upstreamCa: CaPem;
let standIn: Awaited<ReturnType<typeof startResponsesStandIn>>;
const gateways: GatewayProcess[] = [];

beforeAll(async () => {
  upstreamCa = await makeCa('Stand-in Upstream CA');
  standIn = await startResponsesStandIn(await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.all(gateways.map((g) => g.stop()));
  await standIn?.close();
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe.each([
  { kind: 'ec' as const, subject: '/C=DE/O=Acme Corp/CN=Acme Root CA' },
  { kind: 'rsa' as const, subject: '/C=DE/O=Acme Corp/OU=Platform/CN=Acme RSA Root' },
])('an openssl-made $kind CA (UTF8String names) in the standalone gateway', ({ kind, subject }) => {
  let gateway: GatewayProcess;
  let certFile: string;

  beforeAll(async () => {
    const ca = await makeOpensslCa({ subject, kind });
    gateway = await startGatewayProcess({
      ca,
      upstreamCaPem: upstreamCa.certPem,
      tokens: [SECRETS.agentToken],
      mappings: [{ host: standIn.authority, header: 'authorization', template: 'Bearer {value}', value: SECRETS.value }],
    });
    gateways.push(gateway);
    const dir = mkdtempSync(path.join(tmpdir(), 'onecli-foreign-ca-'));
    scratch.push(dir);
    certFile = path.join(dir, 'bundle.pem');
    writeFileSync(certFile, ca.certPem);
  });

  test.skipIf(!KUBECTL)('Go crypto/x509 (kubectl) through the proxy door verifies the chain and gets the credential injected', async () => {
    standIn.seen.length = 0;
    // Go never sends localhost through HTTPS_PROXY; a kubeconfig's proxy-url it does.
    const kubeconfig = path.join(path.dirname(certFile), 'kubeconfig.json');
    writeFileSync(
      kubeconfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'standin',
            cluster: { server: `https://${standIn.authority}`, 'certificate-authority': certFile, 'proxy-url': gateway.proxyUrl(SECRETS.agentToken) },
          },
        ],
        users: [{ name: 'agent', user: { token: 'phantom' } }],
        contexts: [{ name: 'standin', context: { cluster: 'standin', user: 'agent' } }],
        'current-context': 'standin',
      }),
      { mode: 0o600 },
    );
    const r = await run(KUBECTL!, [`--kubeconfig=${kubeconfig}`, '--request-timeout=10s', 'get', '--raw', '/echo'], {
      env: { PATH: process.env.PATH ?? '', HOME: path.dirname(certFile) },
      timeoutMs: 15_000,
    });
    expect(r.code, redact(r)).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true });
    // Booleans and counts only: a failing assertion must not print the value.
    expect(standIn.seen.filter((q) => q.method === 'GET' && q.path.startsWith('/echo')).length).toBeGreaterThan(0);
    expect(standIn.seen.every((q) => q.authorization === `Bearer ${SECRETS.value}`)).toBe(true);
  });

  test('hey (Go, does not verify) through the proxy door: every request injected', async () => {
    standIn.seen.length = 0;
    const r = await run('hey', ['-n', '20', '-c', '2', '-x', gateway.proxyUrl(SECRETS.agentToken), `https://${standIn.authority}/echo`], {
      env: { PATH: process.env.PATH ?? '', SSL_CERT_FILE: certFile, NO_PROXY: '', no_proxy: '' },
      timeoutMs: 15_000,
    });
    expect(/\[200\]\s+20 responses/.test(r.stdout), redact(r)).toBe(true);
    expect(standIn.seen.length).toBe(20);
    expect(standIn.seen.every((q) => q.authorization === `Bearer ${SECRETS.value}`)).toBe(true);
  });

  test('Codex CLI (rustls) through the proxy door reaches the Responses stand-in with the injected credential', async () => {
    standIn.seen.length = 0;
    const home = codexHome(`https://${standIn.authority}/v1`);
    const r = await codexExec({ home, proxy: gateway.proxyUrl(SECRETS.agentToken), certFile, timeoutMs: 15_000 });
    const posts = standIn.seen.filter((q) => q.method === 'POST' && q.path.startsWith('/v1/responses'));
    // Before the fix Codex only says "Reconnecting..."; the gateway's log says rustls sent "unknown ca".
    const tlsErrors = gateway.lines.filter((l) => l.includes('client TLS error'));
    expect(posts.length, `${redact(r)}\ngateway: ${redact({ code: 0, stdout: tlsErrors.join('\n'), stderr: '' })}`).toBeGreaterThan(0);
    expect(posts.every((q) => q.authorization === `Bearer ${SECRETS.value}`)).toBe(true);
    expect(r.code, redact(r)).toBe(0);
    expect(r.stdout.includes('stand-in says hi'), redact(r)).toBe(true);
    // The gateway logged nothing secret.
    const log = gateway.lines.join('\n');
    expect(log.includes(SECRETS.value) || log.includes(SECRETS.agentToken)).toBe(false);
  });
});
