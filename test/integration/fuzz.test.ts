/**
 * Bounded fuzzing of both doors and the control API (issue 11, item 9).
 *
 * Thousands of generated and mutated inputs (request lines, header names and values, chunked
 * framing, CONNECT targets, garbage after CONNECT and inside TLS) go at a standalone gateway
 * whose mapped upstreams reflect everything they are sent, and at a real `serve`'s control API.
 * Properties:
 *   1. after every round the gateway's /healthz answers and the process has not exited;
 *   2. no response bytes (raw socket reads on both doors, decrypted inside MITM tunnels) hold an
 *      injected value (raw, base64, base64url), nor the agent token where the request carried
 *      it only in a credential header;
 *   3. the control API never answers 5xx (and never returns a stored secret);
 *   4. no secret in the gateway's or the launcher's log lines;
 *   5. no request at any door ends on the gateway's internal-error path: no `500
 *      internal_error` answer, and no error in the gateway's log (a caught fault, or an
 *      uncaught error it kept serving through). Hostile input gets a 4xx, upstream trouble a
 *      502/504; a 500 is a bug on a request path.
 *
 * Deterministic: FUZZ_SEED=<n> replays a run (the seed is printed), FUZZ_SCALE=<x> multiplies
 * the time budgets for a longer hunt. Every violation is reported with the bytes that caused it.
 *
 * Properties 2 for mapped hosts hold only once the gateway masks the injected value in
 * responses and refuses TRACE (issue 11, item 3): until then the three "no response holds the
 * credential" assertions fail, by design.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CONTROL_METHODS } from '../../src/shared/control-api.js';
import { GATEWAY_ERROR_HEADER } from '../../src/shared/gateway-errors.js';
import {
  connectCase,
  controlCase,
  mitmAuthorities,
  mitmCase,
  plainDoorCase,
  routeDoorCase,
  staysOnLoopback,
  wire,
  type ControlCase,
  type ControlTargets,
  type Targets,
  type WireCase,
} from '../support/fuzz-arbitraries.js';
import { closedPort, startPlainReflector, startTcpEcho, startTlsReflector, type Reflector } from '../support/fuzz-upstreams.js';
import { captureClientHello, findNeedles, healthy, mitmExchange, needlesFor, runPool, show, statuses, tcpExchange, type Needle } from '../support/fuzz-wire.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { waitFor } from '../support/wait-for.js';
import { fixtureSecretValues, startHeadlessLauncher, type HeadlessLauncher } from '../e2e/support/headless-launcher.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_251_211);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const budget = (ms: number) => Math.round(ms * SCALE);

const TOKEN = 'tok-fuzz-agent-3e9a1c7b5d2f4e60';
const VALUES = {
  header: 'sk-fuzz-HEADER-8c1d4e7f2a9b3c50',
  template: 'sk-fuzz-TEMPLATE-51e0b2c9d8a7f6',
  cookie: 'sk-fuzz-COOKIE-77e1c2b3a4d5f6e7',
  plain: 'sk-fuzz-PLAIN-0a9b8c7d6e5f4a3b',
} as const;
const CONTROL_SECRET = 'sk-fuzz-CONTROL-6f5e4d3c2b1a0f9e';

const VALUE_NEEDLES: Needle[] = Object.entries(VALUES).flatMap(([k, v]) => needlesFor(`value(${k})`, v));
const TOKEN_NEEDLES: Needle[] = [
  ...needlesFor('agent token', TOKEN),
  { name: 'agent token (proxy basic)', bytes: Buffer.from(Buffer.from(`x:${TOKEN}`).toString('base64')) },
];

/** One broken property, with the input that broke it. */
interface Violation {
  property: string;
  where: string;
  what: string;
  input: string;
}

let ca: CaPem;
let upstreamCa: CaPem;
let keyUp: Reflector;
let reflector: Reflector;
let plain: Reflector;
let tcpEcho: { port: number; close(): Promise<void> };
let targets: Targets;
let gateway: GatewayProcess;
/** Log lines of every gateway process this file started (a crash restarts it). */
const gatewayLines: string[][] = [];
let launcher: HeadlessLauncher | undefined;

function startGateway(): Promise<GatewayProcess> {
  return startGatewayProcess({
    ca,
    upstreamCaPem: upstreamCa.certPem,
    tokens: [TOKEN],
    mappings: [
      { host: `localhost:${keyUp.port}`, header: 'x-api-key', value: VALUES.header, route: 'hdr' },
      { host: `127.0.0.1:${reflector.port}`, header: 'authorization', template: 'Token {value}', value: VALUES.template, route: 'tpl' },
      { host: `localhost:${reflector.port}`, header: 'cookie', template: 'session={value}; theme=dark', value: VALUES.cookie, route: 'ck' },
      { host: `127.0.0.1:${plain.port}`, header: 'x-custom-auth', template: 'Bearer {value}', value: VALUES.plain },
    ],
    logLevel: 'debug',
    timeouts: { headersMs: 2_000, handshakeMs: 2_000, idleMs: 4_000, keepAliveMs: 1_000, upstreamConnectMs: 2_000 },
  }).then((g) => {
    gatewayLines.push(g.lines);
    return g;
  });
}

beforeAll(async () => {
  const t0 = Date.now();
  console.log(`[fuzz] seed ${SEED} (replay: FUZZ_SEED=${SEED} npx vitest run test/integration/fuzz.test.ts)`);
  [ca, upstreamCa] = await Promise.all([makeCa('OneCLI Fuzz Local CA'), makeCa('Fuzz Upstream CA')]);
  const cert = await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']);
  [keyUp, reflector, plain, tcpEcho] = await Promise.all([startTlsReflector(cert), startTlsReflector(cert), startPlainReflector(), startTcpEcho()]);
  const hellos = await Promise.all(['localhost', '127.0.0.1'].map((n) => captureClientHello(n)));
  targets = {
    tls1: keyUp.port,
    tls2: reflector.port,
    plain: plain.port,
    echo: tcpEcho.port,
    closed: await closedPort(),
    routes: ['hdr', 'tpl', 'ck'],
    token: TOKEN,
    clientHellos: hellos.map((h) => h.toString('latin1')),
  };
  gateway = await startGateway();
  console.log(`[fuzz] gateway up in ${Date.now() - t0} ms`);
}, 30_000);

afterAll(async () => {
  // SIGTERM, and SIGKILL if the graceful close has not finished in 5 s (it once did not, under load).
  if (gateway) await Promise.race([gateway.stop(), new Promise((r) => setTimeout(r, 5_000))]);
  if (gateway && gateway.child.exitCode === null && gateway.child.signalCode === null) {
    console.log('[fuzz] the gateway did not stop within 5 s of SIGTERM: killed');
    gateway.child.kill('SIGKILL');
  }
  await Promise.all([keyUp?.close(), reflector?.close(), plain?.close(), tcpEcho?.close(), launcher?.stop()]);
});

/** The gateway's own 500 (fault-isolation.ts), told apart from bytes a blind tunnel's echo sent back. */
const INTERNAL_ERROR = new RegExp(`\\r\\n${GATEWAY_ERROR_HEADER}: internal_error\\r\\n`, 'i');
/** The line every caught fault on a request path logs (relay-to-client.ts, fault-isolation.ts). */
const FAULT_LINE = 'a request failed inside the gateway';
/** An error-level line: that caught fault, or an uncaught error the gateway kept serving through. */
const ERROR_LEVEL = /^\{"level":(50|60),/;

const gatewayUp = async () => gateway.child.exitCode === null && gateway.child.signalCode === null && (await healthy(gateway.port));

/** Groups violations so thousands of one kind print as one line with a count and an example. */
function summarise(vs: readonly Violation[]): string[] {
  const groups = new Map<string, { n: number; first: Violation }>();
  for (const v of vs) {
    const key = `${v.property} | ${v.where} | ${v.what}`;
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { n: 1, first: v });
  }
  return [...groups.entries()].map(([key, g]) => `${key} ×${g.n}\n    e.g. ${g.first.input}`);
}

function describeCase(c: WireCase): string {
  if (c.kind === 'tcp') return `${c.pieces.map((p) => show(p)).join(' + ')}${c.end ? ' then half-close' : ''}`;
  return `connect ${show(c.connect)} sni ${JSON.stringify(c.servername)} inside TLS ${c.inner.map((p) => show(p)).join(' + ')}${c.raw ? ` raw under TLS ${show(c.raw, 80)}` : ''}`;
}

interface Stats {
  cases: number;
  skipped: number;
  silent: number;
  handshakes: number;
  status: Map<number, number>;
}

/** Runs generated wire cases against the gateway: properties 1 and 2, with crash triage. */
async function fuzzWire(name: string, arb: fc.Arbitrary<WireCase>, opts: { seed: number; numRuns: number; budgetMs: number }): Promise<Violation[]> {
  const cases = fc.sample(arb, { seed: opts.seed, numRuns: opts.numRuns });
  const violations: Violation[] = [];
  const stats: Stats = { cases: 0, skipped: 0, silent: 0, handshakes: 0, status: new Map() };

  const runOne = async (c: WireCase, record = true) => {
    const front = c.kind === 'tcp' ? Buffer.concat(c.pieces) : c.connect;
    if (!staysOnLoopback(front)) {
      stats.skipped++;
      return;
    }
    stats.cases++;
    let got: Buffer;
    if (c.kind === 'tcp') {
      const r = await tcpExchange(gateway.port, c.pieces, { end: c.end });
      got = r.bytes;
      if (r.silent) stats.silent++;
    } else {
      const r = await mitmExchange(gateway.port, c);
      if (r.handshake === 'ok') stats.handshakes++;
      got = Buffer.concat([Buffer.from(r.connectHead, 'latin1'), r.inner.bytes]);
      if (r.inner.silent && r.handshake === 'ok') stats.silent++;
    }
    const codes = statuses(got);
    for (const s of codes) stats.status.set(s, (stats.status.get(s) ?? 0) + 1);
    if (!record) return;
    const where = `${c.label}, answered ${codes.length ? codes.join(',') : 'nothing'}`;
    for (const what of findNeedles(got, c.tokenChecked ? [...VALUE_NEEDLES, ...TOKEN_NEEDLES] : VALUE_NEEDLES)) {
      violations.push({ property: 'no response holds a secret', where, what, input: describeCase(c) });
    }
    if (INTERNAL_ERROR.test(got.toString('latin1')))
      violations.push({ property: 'no 500 internal_error', where, what: 'answered 500', input: describeCase(c) });
  };

  const restart = async () => {
    if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill('SIGKILL');
    gateway = await startGateway();
  };
  /** The gateway fell over during a round: say so, then replay the round one case at a time to name the culprit. */
  const recover = async (suspects: number[]) => {
    const exit = gateway.child.exitCode ?? gateway.child.signalCode;
    violations.push({
      property: 'the gateway keeps serving',
      where: name,
      what: exit === null ? '/healthz did not answer' : `process exited (${exit})`,
      input: `one of ${suspects.length} cases; log tail:\n      ${gateway.lines.slice(-8).join('\n      ')}`,
    });
    await restart();
    const deadline = Date.now() + 10_000;
    for (const i of suspects) {
      if (Date.now() > deadline) break;
      await runOne(cases[i]!, false);
      if (await gatewayUp()) continue;
      violations.push({
        property: 'the gateway keeps serving',
        where: name,
        what: 'culprit',
        input: `${describeCase(cases[i]!)}\n      log tail: ${gateway.lines.slice(-6).join('\n      ')}`,
      });
      await restart();
    }
  };

  const run = await runPool(
    cases.length,
    (i) =>
      runOne(cases[i]!).catch((err: unknown) => void violations.push({ property: 'harness', where: name, what: String(err), input: describeCase(cases[i]!) })),
    {
      concurrency: 24,
      budgetMs: opts.budgetMs,
      checkEveryMs: 250,
      check: gatewayUp,
      recover,
    },
  );
  const top = [...stats.status.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  console.log(
    `[fuzz] ${name}: ${stats.cases} cases in ${run.ms} ms (${run.checks} liveness checks; ${stats.skipped} skipped as not loopback-only; ${stats.silent} silent${stats.handshakes ? `; ${stats.handshakes} TLS handshakes` : ''}); statuses ${top}`,
  );
  return violations;
}

/**
 * Property 4: no gateway log line holds a value or the agent token (a path or header may carry
 * anything). Property 5, the log's half: no error-level line, for a fault a response cut after
 * its head would not show as a 500 (the line names the error, not the input).
 */
function logViolations(): Violation[] {
  const out: Violation[] = [];
  for (const lines of gatewayLines) {
    for (const line of lines) {
      for (const what of findNeedles(line, [...VALUE_NEEDLES, ...TOKEN_NEEDLES]))
        out.push({ property: 'no secret in the gateway log', where: 'gateway stdout/stderr', what, input: line.slice(0, 300) });
      if (ERROR_LEVEL.test(line))
        out.push({
          property: 'no error in the gateway log',
          where: 'gateway log',
          what: /"msg":"([^"]*)"/.exec(line)?.[1] ?? 'error',
          input: line.slice(0, 300),
        });
    }
  }
  return out;
}

describe('fuzzing the gateway', () => {
  // Fails until responses from mapped hosts are masked and TRACE is refused (issue 11, item 3).
  test('base-URL door and plain http through the proxy door: request lines, headers, chunked framing', async () => {
    const arb = fc.oneof(routeDoorCase(targets), plainDoorCase(targets)) as fc.Arbitrary<WireCase>;
    const vs = await fuzzWire('front door', arb, { seed: SEED, numRuns: 8_000, budgetMs: budget(9_000) });
    expect(await gatewayUp()).toBe(true);
    expect(summarise(vs)).toEqual([]);
  }, 60_000);

  test('CONNECT targets (ports, IPv6, userinfo, percent) and garbage after CONNECT, before and inside TLS', async () => {
    const vs = await fuzzWire('CONNECT', connectCase(targets), { seed: SEED + 1, numRuns: 6_000, budgetMs: budget(5_000) });
    expect(await gatewayUp()).toBe(true);
    expect(summarise(vs)).toEqual([]);
  }, 60_000);

  // Fails until responses from mapped hosts are masked and TRACE is refused (issue 11, item 3).
  test('inside MITM tunnels: request lines, headers, framing, absolute-form targets pointing elsewhere, broken TLS records', async () => {
    const vs = await fuzzWire('MITM', mitmCase(targets), { seed: SEED + 2, numRuns: 6_000, budgetMs: budget(10_000) });
    expect(await gatewayUp()).toBe(true);
    const elsewhere = reflector.requests.filter((r) => /^[a-z]+:\/\//i.test(r.url)).length + keyUp.requests.filter((r) => /^[a-z]+:\/\//i.test(r.url)).length;
    console.log(
      `[fuzz] MITM: upstreams received ${reflector.requests.length + keyUp.requests.length} requests, ${elsewhere} of them in absolute-form (issue 11, item 4)`,
    );
    expect(summarise(vs)).toEqual([]);
  }, 60_000);

  // Fails while the SNI-mismatch warning logs the SNI as sent (src/gateway/doors/connect.ts): an agent's token there is logged.
  test('no value and no agent token in any gateway log line, and no error logged, whatever the input carried', () => {
    expect(summarise(logViolations())).toEqual([]);
  });
});

// ------------------------------------------------------------------------------ control API

const DENY = new Set([
  'pair.serviceAccount',
  'system.openLink',
  'settings.reset',
  'settings.update',
  'ca.rotate',
  'gateway.restart',
  'doctor.run',
  'mappings.probe',
  // Opens a listener (on whatever address a case names); the OneCLI door has its own red-team test.
  'onecli.enable',
]);

async function controlCall(port: number, token: string, method: string, params: unknown): Promise<number> {
  const body = JSON.stringify(params);
  const r = await tcpExchange(
    port,
    [
      wire(
        `POST /api/call/${method} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      ),
    ],
    { deadlineMs: 10_000, settleMs: 10_000 },
  );
  return statuses(r.bytes)[0] ?? 0;
}

/** Names the input class of a control API request, so violations group by what broke (the request line's target). */
function likelyCause(bytes: Buffer): string {
  const [method = '', target = ''] = bytes.toString('latin1').split('\r\n', 1)[0]!.split(' ');
  let pathname: string;
  try {
    pathname = new URL(target, 'http://x').pathname;
  } catch {
    return `${method} <target new URL() rejects, e.g. // or http://[>`;
  }
  if (!pathname.startsWith('/api/')) {
    try {
      decodeURIComponent(pathname);
    } catch {
      return `${method} <static path with a malformed percent-escape>`;
    }
    return `${method} <static path>`;
  }
  return `${method} ${pathname.slice(0, 40)}`;
}

describe('fuzzing the control API', () => {
  let ctl: ControlTargets;
  let stderr: string[];
  const controlNeedles = () => [
    ...needlesFor('stored secret', CONTROL_SECRET),
    ...fixtureSecretValues().map((v) => ({ name: 'op fixture value', bytes: Buffer.from(v) })),
  ];
  const controlUp = async () =>
    launcher!.serve.child.exitCode === null &&
    statuses(
      (
        await tcpExchange(ctl.port, [wire(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1:${ctl.port}\r\nConnection: close\r\n\r\n`)], {
          deadlineMs: 2_000,
          settleMs: 2_000,
        })
      ).bytes,
    )[0] === 200;

  beforeAll(async () => {
    const t0 = Date.now();
    launcher = await startHeadlessLauncher();
    console.log(`[fuzz] serve up in ${Date.now() - t0} ms`);
    stderr = launcher.serve.stderr;
    const port = Number(new URL(launcher.serve.controlUrl).port);
    const { controlToken } = JSON.parse(readFileSync(path.join(launcher.dataDir, 'runtime.json'), 'utf8')) as { controlToken: string };
    expect(await controlCall(port, controlToken, 'secrets.set', { name: 'fuzz', value: CONTROL_SECRET })).toBe(200);
    expect(await controlCall(port, controlToken, 'mappings.add', { host: launcher.upstreamAuthority, reference: 'local://fuzz' })).toBe(200);
    const code = new URL(launcher.signInUrl).hash.replace('#login=', '');
    const signIn = await tcpExchange(
      port,
      [
        wire(
          `POST /api/session HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(JSON.stringify({ code }))}\r\nConnection: close\r\n\r\n${JSON.stringify({ code })}`,
        ),
      ],
      { deadlineMs: 5_000, settleMs: 5_000 },
    );
    const cookie = /set-cookie: (onecli_session=[\w-]+)/i.exec(signIn.bytes.toString('latin1'))?.[1];
    expect(cookie).toBeDefined();
    ctl = { port, token: controlToken, cookie: cookie!, methods: Object.keys(CONTROL_METHODS), deny: DENY };
    console.log(`[fuzz] control API ready in ${Date.now() - t0} ms`);
  }, 60_000);

  // Fails until the control API answers malformed input with a 4xx (issue 11, item 7; see the regressions below).
  test('paths, methods, Host/Origin, cookies, bearer and JSON of every shape: never a 5xx, never a secret', async () => {
    const cases = fc.sample(controlCase(ctl), { seed: SEED + 3, numRuns: 8_000 });
    const violations: Violation[] = [];
    const status = new Map<number, number>();
    const runOne = async (c: ControlCase) => {
      const r = await tcpExchange(ctl.port, [c.bytes], { deadlineMs: 1_500, settleMs: 150 });
      const codes = statuses(r.bytes);
      for (const s of codes) status.set(s, (status.get(s) ?? 0) + 1);
      // A well-formed call that must reach 1Password (pair, picker, import) may answer 503
      // `unavailable`: op is not installed here, and saying so is the contract, not a crash.
      const text = r.bytes.toString('latin1');
      const reachedVault = /^POST \/api\/call\/(pair|picker|import)\./.test(c.bytes.toString('latin1')) && /"code":"unavailable"/.test(text);
      for (const s of codes.filter((s) => s >= 500 && !(s === 503 && reachedVault)))
        violations.push({
          property: 'control API never answers 5xx',
          where: likelyCause(c.bytes),
          what: `${s} ${/"code":"(\w+)"/.exec(r.bytes.toString('latin1'))?.[1] ?? ''}`,
          input: show(c.bytes),
        });
      for (const what of findNeedles(r.bytes, controlNeedles()))
        violations.push({ property: 'control API never returns a secret', where: c.label, what, input: show(c.bytes) });
    };
    const run = await runPool(cases.length, (i) => runOne(cases[i]!), {
      concurrency: 8,
      budgetMs: budget(9_000),
      checkEveryMs: 300,
      check: controlUp,
      recover: async (suspects) => {
        violations.push({
          property: 'the launcher keeps serving',
          where: 'control API',
          what: `exit ${launcher!.serve.child.exitCode}`,
          input: `one of ${suspects.map((i) => show(cases[i]!.bytes, 200)).join('\n      ')}`,
        });
        throw new Error(`the launcher stopped serving:\n${summarise(violations).join('\n')}\n${stderr.slice(-10).join('\n')}`);
      },
    });
    const top = [...status.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([s, n]) => `${s}×${n}`)
      .join(' ');
    console.log(`[fuzz] control API: ${run.ran} cases in ${run.ms} ms (${run.checks} liveness checks); statuses ${top}`);
    for (const line of [...stderr, ...launcher!.serve.stdout]) {
      for (const what of findNeedles(line, controlNeedles()))
        violations.push({ property: 'no secret in the launcher log', where: 'serve output', what, input: line.slice(0, 300) });
    }
    expect(await controlUp()).toBe(true);
    expect(summarise(violations)).toEqual([]);
  }, 60_000);

  // Found by the fuzzer. Fail until the control API answers malformed input with a 4xx (issue 11, item 7).
  test.each([
    ['a malformed percent-escape in a static path (decodeURIComponent in serveStatic)', 'GET', '/%E0', ''],
    ['an overlong UTF-8 escape in a static path', 'GET', '/assets/%C0%AF', ''],
    ['a `null` JSON body to /api/session', 'POST', '/api/session', 'null'],
    ['a request target `new URL(req.url, base)` rejects: //', 'GET', '//', ''],
    ['a request target `new URL(req.url, base)` rejects: http://[', 'POST', 'http://[', '{}'],
  ])('control API: %s → 4xx, not 500', async (_name, method, target, body) => {
    const r = await tcpExchange(
      ctl.port,
      [
        wire(
          `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${ctl.port}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
        ),
      ],
      { deadlineMs: 3_000, settleMs: 3_000 },
    );
    const status = statuses(r.bytes)[0] ?? 0;
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  });
});

// ------------------------------------------------------------------------------ regressions

describe('what the fuzzer found, kept as plain cases', () => {
  const auth = () => `Proxy-Authorization: Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}\r\n`;

  // Fails until responses from mapped hosts are masked (issue 11, item 3).
  test.each([
    [
      'base-URL door, JSON echo of request headers',
      () => tcpExchange(gateway.port, [wire(`GET /r/hdr/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${TOKEN}\r\nConnection: close\r\n\r\n`)]),
    ],
    [
      'base-URL door, reflected into x-echo-auth and Set-Cookie, body in 7-byte chunks',
      () => tcpExchange(gateway.port, [wire(`GET /r/tpl/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`)]),
    ],
    [
      'plain http to a mapped loopback host',
      () =>
        tcpExchange(gateway.port, [
          wire(`GET http://127.0.0.1:${plain.port}/ HTTP/1.1\r\nHost: 127.0.0.1:${plain.port}\r\n${auth()}Connection: close\r\n\r\n`),
        ]),
    ],
    [
      'an upgrade the upstream answers without switching',
      () =>
        tcpExchange(gateway.port, [wire(`GET /r/ck/ HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${TOKEN}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`)]),
    ],
  ])('no injected value comes back: %s', async (_name, exchange) => {
    const r = await exchange();
    expect(statuses(r.bytes)[0]).toBe(200);
    expect(findNeedles(r.bytes, [...VALUE_NEEDLES, ...TOKEN_NEEDLES])).toEqual([]);
  });

  // Fails until TRACE to a mapped host is refused (issue 11, item 3).
  test('TRACE to a mapped host, inside a MITM tunnel: 405, nothing reaches the upstream', async () => {
    const before = reflector.requests.length;
    const authority = mitmAuthorities(targets)[1]!;
    const r = await mitmExchange(gateway.port, {
      connect: wire(`CONNECT ${authority} HTTP/1.1\r\n${auth()}\r\n`),
      servername: '',
      inner: [wire(`TRACE / HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`)],
      raw: null,
    });
    expect(r.handshake).toBe('ok');
    expect(statuses(r.inner.bytes)[0]).toBe(405);
    expect(findNeedles(r.inner.bytes, VALUE_NEEDLES)).toEqual([]);
    expect(reflector.requests.length).toBe(before);
  });

  // Found by the fuzzer (seed SEED+2, twice in a run): undici's client writes no asterisk-form
  // target, and refused `OPTIONS *` (UND_ERR_INVALID_ARG) with a 500 internal_error.
  test.each([
    ['as it is', '', ''],
    ['with a chunked body', 'Transfer-Encoding: chunked\r\n', '3\r\nabc\r\n0\r\n\r\n'],
    ['with Expect: 100-continue and a body', 'Expect: 100-continue\r\nContent-Length: 3\r\n', 'abc'],
  ])('OPTIONS * inside a MITM tunnel (%s) reaches the upstream as `OPTIONS *`, and its answer comes back', async (_name, fields, body) => {
    const authority = mitmAuthorities(targets)[1]!;
    const before = reflector.requests.length;
    const lines = gateway.lines.length;
    const r = await mitmExchange(
      gateway.port,
      {
        connect: wire(`CONNECT ${authority} HTTP/1.1\r\n${auth()}\r\n`),
        servername: '',
        inner: [wire(`OPTIONS * HTTP/1.1\r\nHost: ${authority}\r\n${fields}Connection: close\r\n\r\n${body}`)],
        raw: null,
      },
      { deadlineMs: 3_000, settleMs: 3_000 },
    );
    expect(r.handshake).toBe('ok');
    expect(statuses(r.inner.bytes).at(-1)).toBe(200);
    expect(reflector.requests.slice(before).map((s) => `${s.method} ${s.url}`)).toEqual(['OPTIONS *']);
    expect(findNeedles(r.inner.bytes, VALUE_NEEDLES)).toEqual([]);
    expect(gateway.lines.slice(lines).filter((l) => l.includes(FAULT_LINE))).toEqual([]);
  });

  // The same request at the other doors: there `*` is no target of a mapped host, and nothing answers 500.
  test.each([
    ['the front door, asterisk-form: not a route (404)', () => `OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth()}Connection: close\r\n\r\n`, 404],
    [
      'the plain-HTTP door, absolute-form without a path: forwarded',
      () => `OPTIONS http://127.0.0.1:${plain.port} HTTP/1.1\r\nHost: 127.0.0.1:${plain.port}\r\n${auth()}Connection: close\r\n\r\n`,
      200,
    ],
    [
      'the base-URL door, a route without a path: forwarded',
      () => `OPTIONS /r/tpl HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`,
      200,
    ],
  ])('OPTIONS at %s', async (_name, request, status) => {
    const lines = gateway.lines.length;
    const r = await tcpExchange(gateway.port, [wire(request())], { deadlineMs: 3_000, settleMs: 3_000 });
    expect(statuses(r.bytes)).toEqual([status]);
    expect(findNeedles(r.bytes, [...VALUE_NEEDLES, ...TOKEN_NEEDLES])).toEqual([]);
    expect(gateway.lines.slice(lines).filter((l) => l.includes(FAULT_LINE))).toEqual([]);
  });

  // Found by the fuzzer. Fails while the SNI-mismatch warning logs the SNI as sent (src/gateway/doors/connect.ts, SNICallback).
  test('an agent token sent as TLS SNI is not written to the log', async () => {
    const authority = mitmAuthorities(targets)[0]!;
    const r = await mitmExchange(gateway.port, { connect: wire(`CONNECT ${authority} HTTP/1.1\r\n${auth()}\r\n`), servername: TOKEN, inner: [], raw: null });
    expect(r.handshake).toBe('failed');
    // The refusal's own warning is the line that would carry the SNI: wait for it, then look.
    await waitFor(() => gateway.lines.some((l) => l.includes('TLS SNI differs')), 3_000, 'the SNI refusal in the log');
    expect(gateway.lines.filter((l) => l.includes(TOKEN))).toEqual([]);
  });

  test('the gateway is still serving after all of it', async () => {
    expect(await gatewayUp()).toBe(true);
  });
});
