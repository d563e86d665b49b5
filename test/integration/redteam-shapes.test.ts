/**
 * Red team, issue 13 (credential shapes): a hostile upstream echoing a Basic, query or
 * several-header credential in forms the masker might miss, and a hostile agent trying to send
 * its own credential alongside ours. Each test fails if the defence it names is missing.
 * Findings fixed here (src/gateway/value-mask.ts): a value with reserved characters echoed as
 * Python's `quote` (default safe="/") or Go's `url.PathEscape` writes it, or percent-encoded twice
 * (a redirect's `next=` holding the request URL), came back unmasked; so did the base64 of the
 * written `Basic …` header (a debug endpoint that base64s the request headers).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { SECRETS } from '../support/fixture.js';
import { startGatewayProcess, type GatewayProcess } from '../support/gateway-process.js';
import { makeCa, makeServerCert, type CaPem } from '../support/pki.js';
import { parseResponse, startHostileUpstream, viaTunnel, writeParts, type HostileRequest, type HostileUpstream } from '../support/redteam-wire.js';
import { namesParam } from '../../src/gateway/query-credential.js';

/** AWS-style secrets: `/` and `+` encode differently in every encoder. */
const VALUE = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SECOND = 'cf-sec/ret+VALUE=77zz19:ab';
const USER_PASS = `x-access-token:${VALUE}`;

type Shape = 'basic' | 'query' | 'headers';
let ca: CaPem;
let ups: Record<Shape, HostileUpstream>;
let gw: GatewayProcess;

const strict = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
/** Python 3 `urllib.parse.quote(v)`: safe="/" by default. */
const pyQuote = (v: string) => strict(v).replaceAll('%2F', '/');
/** Go `url.PathEscape(v)`: `$&+:=@` stay as they are. */
const goPathEscape = (v: string) => strict(v).replace(/%(24|26|2B|3A|3D|40)/g, (h) => decodeURIComponent(h));

/** The secret the request carried, by shape: the value, and what the rule wrote. */
function carried(req: HostileRequest): { value: string; written: string } {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Basic ')) {
    const userPass = Buffer.from(auth.slice(6), 'base64').toString('utf8');
    return { value: userPass.slice(userPass.indexOf(':') + 1), written: auth };
  }
  if (req.headers['cf-access-client-secret']) return { value: req.headers['cf-access-client-secret'], written: req.headers['cf-access-client-secret'] };
  const raw = /[?&]key=([^&;]*)$/.exec(req.target)?.[1] ?? '';
  return { value: decodeURIComponent(raw), written: raw };
}

/** Answers with `/echo/<form>`: the secret written in that form, in a header and the body. */
async function script(req: HostileRequest): Promise<void> {
  const s = req.socket;
  const { value, written } = carried(req);
  const form = /\/echo\/([a-z0-9-]+)/.exec(req.target)?.[1] ?? '';
  const bodies: Record<string, () => string> = {
    'py-quote': () => pyQuote(value),
    'go-path': () => goPathEscape(value),
    double: () => encodeURIComponent(encodeURIComponent(value)),
    'double-lower': () => encodeURIComponent(strict(value).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())),
    'b64-header-0': () => Buffer.from(`authorization: ${written}`).toString('base64'),
    'b64-header-1': () => Buffer.from(`Xauthorization: ${written}`).toString('base64'),
    'b64-header-2': () => Buffer.from(`XYauthorization: ${written}`).toString('base64'),
    'b64-header-url': () => Buffer.from(`{"authorization":"${written}"}`).toString('base64url'),
    'b64-offset-1': () => Buffer.from(`_${USER_PASS}`).toString('base64'),
    'b64-offset-2': () => Buffer.from(`__${USER_PASS}`).toString('base64'),
    'json-cookie': () => JSON.stringify({ u: `x-access-token:${value}` }),
    lower: () => strict(value).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    target: () => req.target,
  };
  if (form === 'next') {
    s.end(`HTTP/1.1 302 Found\r\nLocation: /login?next=${encodeURIComponent(req.target)}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    return;
  }
  if (form === 'split') {
    // The written header across two TLS records, cut in the middle of its base64.
    const cut = Math.floor(written.length / 2);
    s.write(`HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n`);
    const chunk = (t: string) => `${Buffer.byteLength(t).toString(16)}\r\n${t}\r\n`;
    await writeParts(s, [chunk(`a${written.slice(0, cut)}`), chunk(`${written.slice(cut)}b`), '0\r\n\r\n'], 20);
    s.end();
    return;
  }
  if (form === 'early') {
    s.write(`HTTP/1.1 103 Early Hints\r\nLink: </s?key=${strict(value)}>; rel=preload\r\nX-Echo: ${value}\r\n\r\n`);
    s.end(`HTTP/1.1 200 OK\r\nTrailer: x-echo\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nok\r\n0\r\nx-echo: ${value} ${written}\r\n\r\n`);
    return;
  }
  const text = (bodies[form] ?? (() => 'none'))();
  s.end(
    `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Echo: ${text}\r\nSet-Cookie: e=${text}; Path=/\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

beforeAll(async () => {
  const [local, upstreamCa] = await Promise.all([makeCa('Red-team shapes CA'), makeCa('Red-team shapes upstream CA')]);
  ca = local;
  const pem = await makeServerCert(upstreamCa, ['localhost']);
  const [basic, query, headers] = await Promise.all([1, 2, 3].map(() => startHostileUpstream(pem, script)));
  ups = { basic: basic!, query: query!, headers: headers! };
  gw = await startGatewayProcess({
    ca,
    upstreamCaPem: upstreamCa.certPem,
    tokens: [SECRETS.agentToken],
    mappings: [
      { host: ups.basic.authority, basic: 'x-access-token:{value}', value: VALUE },
      { host: ups.query.authority, query: 'key', value: VALUE },
      { host: ups.headers.authority, preset: 'cloudflare-access', value: VALUE, more: [SECOND] },
    ],
  });
});
afterAll(async () => {
  await gw?.stop();
  await Promise.all(Object.values(ups ?? {}).map((u) => u.close()));
});

/** A request inside a terminated tunnel to the shape's upstream; every byte the agent gets. */
function agentGets(shape: Shape, target: string, extra = ''): Promise<Buffer> {
  const authority = ups[shape].authority;
  return viaTunnel(gw.port, SECRETS.agentToken, authority, ca.certPem, `GET ${target} HTTP/1.1\r\nHost: ${authority}\r\n${extra}Connection: close\r\n\r\n`);
}

/** Percent-decodes what decodes, as often as it changes. */
function decodeAll(text: string): string {
  let out = text;
  for (let i = 0; i < 4; i++) {
    const next = out.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
    if (next === out) break;
    out = next;
  }
  return out;
}

/** Every way the agent could read `secret` back out of what it got: as sent, decoded, or base64 (twice) at any offset. */
function recoverable(bytes: Buffer, secret: string): boolean {
  const text = bytes.toString('latin1');
  const candidates = [text, decodeAll(text)];
  for (const run of text.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) {
    for (let o = 0; o < 4; o++) {
      const once = Buffer.from(run.slice(o).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1');
      candidates.push(once);
      for (const inner of once.match(/[A-Za-z0-9+/]{16,}={0,2}/g) ?? []) candidates.push(Buffer.from(inner, 'base64').toString('latin1'));
    }
  }
  return candidates.some((c) => c.includes(secret));
}

describe('the masker against every form of the new shapes', () => {
  test.each([
    ['query', 'py-quote', "Python's quote (safe='/')"],
    ['query', 'go-path', "Go's url.PathEscape"],
    ['query', 'double', 'percent-encoded twice'],
    ['query', 'double-lower', 'percent-encoded twice, lower-case hex first'],
    ['basic', 'py-quote', "Python's quote of a Basic value"],
    ['headers', 'py-quote', "Python's quote of the second header's value"],
    ['headers', 'go-path', "Go's url.PathEscape of the second header's value"],
  ] as const)('%s echoed as %s (%s): masked in body, header and cookie', async (shape, form, _why) => {
    const secret = shape === 'headers' ? SECOND : VALUE;
    const bytes = await agentGets(shape, `/echo/${form}`);
    expect(parseResponse(bytes).status).toBe(200);
    expect(recoverable(bytes, secret), `the agent can read the value back (${form})`).toBe(false);
  });

  test('the query value echoed inside a redirect Location, the request URL percent-encoded in next=', async () => {
    const bytes = await agentGets('query', '/echo/next?x=1');
    expect(parseResponse(bytes).status).toBe(302);
    expect(recoverable(bytes, VALUE)).toBe(false);
  });

  test.each(['b64-header-0', 'b64-header-1', 'b64-header-2', 'b64-header-url'])(
    'the written Basic header base64-encoded by the upstream (%s): masked',
    async (form) => {
      const bytes = await agentGets('basic', `/echo/${form}`);
      expect(recoverable(bytes, VALUE)).toBe(false);
      expect(recoverable(bytes, USER_PASS)).toBe(false);
    },
  );

  test.each([
    ['basic', 'b64-offset-1'],
    ['basic', 'b64-offset-2'],
    ['basic', 'json-cookie'],
    ['basic', 'split'],
    ['query', 'lower'],
    ['query', 'target'],
    ['headers', 'split'],
  ] as const)('held: %s echoed as %s', async (shape, form) => {
    const secret = shape === 'headers' ? SECOND : VALUE;
    const bytes = await agentGets(shape, `/echo/${form}`);
    expect(recoverable(bytes, secret)).toBe(false);
  });

  test.each(['basic', 'query', 'headers'] as const)('held: %s echoed in a 103 Early Hints and a trailer never reaches the agent', async (shape) => {
    const bytes = await agentGets(shape, '/echo/early');
    expect(parseResponse(bytes).status).toBe(200);
    expect(recoverable(bytes, shape === 'headers' ? SECOND : VALUE)).toBe(false);
  });
});

describe('query rewriting: every copy the agent sent is gone, ours arrives once', () => {
  const phantom = SECRETS.phantom;
  test.each([
    ['case and repeats', `?key=${phantom}&Key=${phantom}&KEY=${phantom}`],
    ['percent-encoded names, once and twice', `?%6b%65%79=${phantom}&%256B%2565%2579=${phantom}`],
    ['; as a separator', `?a=1;key=${phantom};b=2`],
    ['a name with an encoded = or NUL', `?key%3D${phantom}=1&key%00x=${phantom}`],
    ['array suffix, spaces and +', `?key[]=${phantom}&+key+=${phantom}&%20key=${phantom}`],
    ['no = at all', '?key&x=1'],
    ['a very long query', `?${'a=b&'.repeat(1500)}key=${phantom}`],
  ])('%s', async (_, query) => {
    const before = ups.query.seen.length;
    const bytes = await agentGets('query', `/echo/none${query}`);
    expect(parseResponse(bytes).status).toBe(200);
    const seen = ups.query.seen[before]!;
    const params = (seen.target.split('?')[1] ?? '').split(/[&;]/);
    const ours = params.filter((p) => namesParam(p.split('=')[0] ?? '', 'key'));
    expect(ours).toEqual([`key=${strict(VALUE)}`]);
    expect(seen.target).not.toContain(phantom);
    expect(params.at(-1)).toBe(`key=${strict(VALUE)}`);
  });

  test('an absolute-form target inside the tunnel carrying ?key= is rewritten the same way', async () => {
    const before = ups.query.seen.length;
    const authority = ups.query.authority;
    await viaTunnel(
      gw.port,
      SECRETS.agentToken,
      authority,
      ca.certPem,
      `GET https://${authority}/echo/none?key=${phantom} HTTP/1.1\r\nHost: ${authority}\r\nConnection: close\r\n\r\n`,
    );
    expect(ups.query.seen[before]?.target).toBe(`/echo/none?key=${strict(VALUE)}`);
  });

  test('a # anywhere (also after an encoded ?) is refused, nothing sent', async () => {
    const before = ups.query.seen.length;
    const bytes = await agentGets('query', `/echo/none%3Fkey=${phantom}#x`);
    expect(parseResponse(bytes).status).toBe(400);
    expect(ups.query.seen.length).toBe(before);
  });
});

describe('the agent’s own credential alongside ours', () => {
  test('Basic: the agent’s Authorization in every case and form, x-api-key and Proxy-Authorization inside the tunnel are all dropped', async () => {
    const before = ups.basic.seen.length;
    const own = `Basic ${Buffer.from(`agent:${SECRETS.phantom}`).toString('base64')}`;
    await agentGets(
      'basic',
      '/echo/none',
      `Authorization: ${own}\r\nAUTHORIZATION: Bearer ${SECRETS.phantom}\r\nx-api-key: ${SECRETS.phantom}\r\nProxy-Authorization: ${own}\r\n`,
    );
    const seen = ups.basic.seen[before]!;
    const authLines = seen.rawHead.split('\r\n').filter((l) => /^authorization:/i.test(l));
    expect(authLines).toEqual([`authorization: Basic ${Buffer.from(USER_PASS).toString('base64')}`]);
    expect(seen.rawHead).not.toContain(SECRETS.phantom);
    expect(seen.rawHead).not.toContain(Buffer.from(`agent:${SECRETS.phantom}`).toString('base64'));
  });

  test('several headers: each header the rule writes arrives once, with our value, whatever copies the agent sent', async () => {
    const before = ups.headers.seen.length;
    await agentGets(
      'headers',
      '/echo/none',
      `CF-Access-Client-Id: ${SECRETS.phantom}\r\ncf-access-client-id: b\r\nCF-ACCESS-CLIENT-SECRET: ${SECRETS.phantom}\r\nConnection: cf-access-client-secret\r\n`,
    );
    const lines = ups.headers.seen[before]!.rawHead.split('\r\n');
    expect(lines.filter((l) => /^cf-access-client-id:/i.test(l))).toEqual([`cf-access-client-id: ${VALUE}`]);
    expect(lines.filter((l) => /^cf-access-client-secret:/i.test(l))).toEqual([`cf-access-client-secret: ${SECOND}`]);
    expect(ups.headers.seen[before]!.rawHead).not.toContain(SECRETS.phantom);
  });
});
