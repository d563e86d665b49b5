import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { GATEWAY_ERROR_HEADER } from '../../src/shared/gateway-errors.js';
import { basicAuth, rawRequest, readToEnd, run, tlsThroughProxy } from '../support/clients.js';
import { MASKED_VALUE, SECRETS, startFixture, type Fixture } from '../support/fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await startFixture((up) => [{ host: up.authority, header: 'x-api-key', value: SECRETS.value }]);
});
afterAll(() => f?.stop());
beforeEach(() => {
  f.upstream.requests.length = 0;
});

const curlJson = async (args: string[]) => {
  const r = await run('curl', ['-sS', '--fail-with-body', '-x', f.proxy, '--cacert', f.caFile, ...args]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
};

describe('proxy door, mapped host (MITM + injection)', () => {
  test('curl: the mapping header set replaces the credentials the client sent', async () => {
    const echo = await curlJson([
      `https://${f.upstream.authority}/echo?q=1`,
      '-H',
      `authorization: Bearer ${SECRETS.phantom}`,
      '-H',
      `x-api-key: ${SECRETS.phantom}`,
    ]);
    expect(echo.path).toBe('/echo?q=1');
    expect(f.upstream.requests.at(-1)?.headers['x-api-key']).toBe(SECRETS.value);
    // The upstream echoed the key: the agent gets it masked.
    expect(echo.headers['x-api-key']).toBe(MASKED_VALUE);
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers['proxy-authorization']).toBeUndefined();
    expect(echo.headers.host).toBe(f.upstream.authority);
  });

  test('Node fetch through undici ProxyAgent', async () => {
    const dispatcher = new ProxyAgent({ uri: f.proxy, requestTls: { ca: f.ca.certPem } });
    const res = await undiciFetch(`https://${f.upstream.authority}/echo`, { dispatcher, headers: { 'x-api-key': SECRETS.phantom } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { headers: Record<string, string> }).headers['x-api-key']).toBe(MASKED_VALUE);
    expect(f.upstream.requests.at(-1)?.headers['x-api-key']).toBe(SECRETS.value);
    await dispatcher.close();
  });

  test('Python requests', async () => {
    const script = `import requests, sys, json
r = requests.post(sys.argv[1], proxies={"https": sys.argv[2]}, verify=sys.argv[3], data=b"hello", headers={"Authorization": "Bearer phantom"})
print(r.status_code); print(json.dumps(r.json()))`;
    const r = await run(await python(), ['-c', script, `https://${f.upstream.authority}/echo`, f.proxy, f.caFile]);
    expect(r.stderr).toBe('');
    const [status, body] = r.stdout.trim().split('\n');
    expect(status).toBe('200');
    const echo = JSON.parse(body as string);
    expect(echo.headers['x-api-key']).toBe(MASKED_VALUE);
    expect(f.upstream.requests.at(-1)?.headers['x-api-key']).toBe(SECRETS.value);
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.bodyLength).toBe(5);
  });

  test('hey (Go): 200 requests at c=8, every one injected', async () => {
    const r = await run('hey', ['-n', '200', '-c', '8', '-x', f.proxy, '-H', `x-api-key: ${SECRETS.phantom}`, `https://${f.upstream.authority}/echo`], {
      timeoutMs: 30_000,
    });
    expect(r.stdout).toMatch(/\[200\]\s+200 responses/);
    expect(f.upstream.requests).toHaveLength(200);
    expect(f.upstream.requests.every((q) => q.headers['x-api-key'] === SECRETS.value)).toBe(true);
  });

  test('the leaf is minted by the local CA for exactly that host, and cached per host', async () => {
    const a = await tlsThroughProxy(f.gateway.port, SECRETS.agentToken, f.upstream.authority, { ca: f.ca.certPem });
    const b = await tlsThroughProxy(f.gateway.port, SECRETS.agentToken, f.upstream.authority, { ca: f.ca.certPem });
    const leaf = new X509Certificate(a.getPeerX509Certificate()!.raw);
    expect(leaf.checkIssued(new X509Certificate(f.ca.certPem))).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:localhost');
    expect(leaf.ca).toBe(false);
    expect(b.getPeerX509Certificate()!.fingerprint256).toBe(leaf.fingerprint256);
    a.destroy();
    b.destroy();
  });

  test('a wrong upstream CA → 502 upstream_tls with a clear body; nothing reaches the upstream', async () => {
    const other = await startFixture((up) => [{ host: up.authority, value: SECRETS.value }], { upstreamCaPem: undefined });
    try {
      const r = await run('curl', ['-sS', '-i', '-x', other.proxy, '--cacert', other.caFile, `https://${other.upstream.authority}/echo`]);
      expect(r.stdout).toMatch(/^HTTP\/1\.1 502/m);
      expect(r.stdout).toMatch(new RegExp(`^${GATEWAY_ERROR_HEADER}: upstream_tls`, 'm'));
      const body = JSON.parse(r.stdout.slice(r.stdout.indexOf('{')));
      expect(body.error).toMatchObject({ code: 'upstream_tls', mapping: other.upstream.authority });
      expect(body.error.message).toMatch(/not trusted.*extra CA/);
      expect(other.upstream.requests).toHaveLength(0);
    } finally {
      await other.stop();
    }
  });

  test('SNI different from the CONNECT authority is refused', async () => {
    await expect(tlsThroughProxy(f.gateway.port, SECRETS.agentToken, f.upstream.authority, { ca: f.ca.certPem, servername: 'evil.example' })).rejects.toThrow();
    expect(f.upstream.requests).toHaveLength(0);
  });

  test('inner Host different from the CONNECT authority → 421', async () => {
    const r = await run('curl', ['-sS', '-i', '-x', f.proxy, '--cacert', f.caFile, '-H', 'Host: other.example', `https://${f.upstream.authority}/echo`]);
    expect(r.stdout).toMatch(/^HTTP\/1\.1 421/m);
    expect(r.stdout).toMatch(/x-onecli-error: misdirected/);
    expect(f.upstream.requests).toHaveLength(0);
  });

  test('SSE streams chunk by chunk: the first event arrives before the upstream finishes', async () => {
    const dispatcher = new ProxyAgent({ uri: f.proxy, requestTls: { ca: f.ca.certPem } });
    const t0 = Date.now();
    const res = await undiciFetch(`https://${f.upstream.authority}/sse?n=4&gap=400`, { dispatcher });
    const reader = res.body!.getReader();
    const first = await reader.read();
    const firstAt = Date.now() - t0;
    expect(new TextDecoder().decode(first.value)).toContain('data: {"i":0}');
    let text = '';
    for (let c = await reader.read(); !c.done; c = await reader.read()) text += new TextDecoder().decode(c.value);
    const totalAt = Date.now() - t0;
    expect(text).toContain('data: {"i":3}');
    expect(totalAt).toBeGreaterThanOrEqual(1_200);
    expect(firstAt).toBeLessThan(totalAt - 1_000);
    await dispatcher.close();
  });

  test('keep-alive on both sides: one client tunnel, one upstream connection, many requests', async () => {
    const before = f.upstream.connections;
    const urls = Array.from({ length: 5 }, (_, i) => `https://${f.upstream.authority}/echo?n=${i}`);
    const r = await run('curl', ['-sS', '-v', '-x', f.proxy, '--cacert', f.caFile, ...urls]);
    expect(r.stderr.match(/^> CONNECT /gm)).toHaveLength(1); // curl reused its tunnel
    expect(f.upstream.requests).toHaveLength(5);
    // A second, separate client reuses the gateway's pooled upstream connection.
    await curlJson([`https://${f.upstream.authority}/echo`]);
    expect(f.upstream.connections - before).toBeLessThanOrEqual(1);
  });
});

describe('proxy door, authentication', () => {
  test('no or wrong agent token → 407 with Proxy-Authenticate, and nothing forwarded', async () => {
    for (const auth of ['', `Proxy-Authorization: ${basicAuth('wrong-token-0000000000')}\r\n`]) {
      const res = await rawRequest(f.gateway.port, `CONNECT ${f.upstream.authority} HTTP/1.1\r\nHost: ${f.upstream.authority}\r\n${auth}\r\n`);
      expect(res.status).toBe(407);
      expect(res.headers['proxy-authenticate']).toMatch(/^Basic realm=/);
      expect(res.headers[GATEWAY_ERROR_HEADER]).toBe('proxy_auth_required');
      expect(JSON.parse(await readToEnd(res)).error.code).toBe('proxy_auth_required');
    }
    const r = await run('curl', ['-sS', '-x', f.gateway.proxyUrl('wrong-token-0000000000'), '--cacert', f.caFile, `https://${f.upstream.authority}/echo`]);
    expect(r.stderr).toMatch(/407/);
    expect(f.upstream.requests).toHaveLength(0);
  });
});

describe('proxy door, unmapped host', () => {
  test("is tunnelled blind: the client sees the upstream's own certificate and no header is added", async () => {
    const authority = `127.0.0.1:${f.upstream.port}`; // mapped only as localhost:<port>
    const socket = await tlsThroughProxy(f.gateway.port, SECRETS.agentToken, authority, { ca: f.upstreamCa.certPem });
    const cert = new X509Certificate(socket.getPeerX509Certificate()!.raw);
    expect(cert.checkIssued(new X509Certificate(f.upstreamCa.certPem))).toBe(true);
    socket.destroy();
    const r = await run('curl', ['-sS', '-x', f.proxy, '--cacert', f.upstreamCaFile, '-H', 'x-api-key: own-key', `https://${authority}/echo`]);
    expect(JSON.parse(r.stdout).headers['x-api-key']).toBe('own-key');
  });

  test('an unreachable unmapped host → 502 upstream_unreachable', async () => {
    const res = await rawRequest(f.gateway.port, `CONNECT 127.0.0.1:1 HTTP/1.1\r\nProxy-Authorization: ${basicAuth(SECRETS.agentToken)}\r\n\r\n`);
    expect(res.status).toBe(502);
    expect(res.headers[GATEWAY_ERROR_HEADER]).toBe('upstream_unreachable');
    res.socket.destroy();
  });
});

let pythonPath: string | undefined;
/** Debian's python3 with python3-requests, else whichever python3 on PATH has requests. */
async function python(): Promise<string> {
  if (pythonPath) return pythonPath;
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    if ((await run(candidate, ['-c', 'import requests'])).code === 0) return (pythonPath = candidate);
  }
  throw new Error('no python3 with requests: apt-get install python3-requests');
}
