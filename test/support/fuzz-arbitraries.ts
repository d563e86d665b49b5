import { isIP } from 'node:net';
import fc from 'fast-check';
import { parseAuthority } from '../../src/shared/host-authority.js';

/**
 * fast-check generators for the gateway's doors and the control API. Everything is built as a
 * "binary string" (one char per byte, latin1) so CR, LF, NUL and raw UTF-8 bytes go on the wire
 * exactly as generated: `wire(s)` makes the Buffer.
 */

export const wire = (s: string): Buffer => Buffer.from(s, 'latin1');
/** The UTF-8 bytes of `s`, as a binary string (non-Latin-1 characters on the wire). */
export const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

/** What the generators aim at: every port here is on 127.0.0.1. */
export interface Targets {
  /** TLS reflector: mapped as `localhost:tls1` (x-api-key, route `hdr`). */
  tls1: number;
  /** TLS reflector: mapped as `127.0.0.1:tls2` (template, route `tpl`) and `localhost:tls2` (cookie, route `ck`). */
  tls2: number;
  /** Plain reflector: mapped as `127.0.0.1:plain` (credential over plain HTTP to loopback). */
  plain: number;
  /** TCP echo: the far end of blind tunnels. */
  echo: number;
  /** Nothing listens here. */
  closed: number;
  routes: readonly string[];
  token: string;
  /** A TLS ClientHello for each mapped host name, captured once: mutated into "garbage inside TLS". */
  clientHellos: readonly string[];
}

/** The mapped authorities a MITM tunnel can be opened to. */
export const mitmAuthorities = (t: Targets) => [`localhost:${t.tls1}`, `127.0.0.1:${t.tls2}`, `localhost:${t.tls2}`];

const basic = (user: string, token: string) => `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;

// ---------------------------------------------------------------- bytes and mutations

/** Bytes HTTP parsers trip on, for insertions and flips. */
const NASTY = [
  '\r',
  '\n',
  '\r\n',
  '\0',
  ' ',
  '\t',
  ':',
  ';',
  ',',
  '\x7f',
  '\x80',
  '\xff',
  '\x0b',
  '\x0c',
  '"',
  '\\',
  '%',
  '/',
  '?',
  '#',
  '@',
  '[',
  ']',
  utf8('€'),
  utf8('\u{1F600}'),
  '\r\n ',
  '\r\n\r\n',
];

const byteString = (maxLength: number) => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a).toString('latin1'));

const nasty = fc.oneof({ arbitrary: fc.constantFrom(...NASTY), weight: 3 }, { arbitrary: byteString(4), weight: 1 });

type Mutation = { op: 'flip' | 'insert' | 'delete' | 'duplicate' | 'truncate' | 'lf'; at: number; len: number; bytes: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('flip', 'insert', 'insert', 'delete', 'duplicate', 'truncate', 'lf'),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 16 }),
  bytes: nasty,
});

function applyMutation(s: string, m: Mutation): string {
  if (s.length === 0) return m.op === 'insert' ? m.bytes : s;
  const at = m.at % s.length;
  switch (m.op) {
    case 'flip':
      return s.slice(0, at) + String.fromCharCode(s.charCodeAt(at) ^ (1 << (m.len % 8))) + s.slice(at + 1);
    case 'insert':
      return s.slice(0, at) + m.bytes + s.slice(at);
    case 'delete':
      return s.slice(0, at) + s.slice(at + m.len);
    case 'duplicate':
      return s.slice(0, at + m.len) + s.slice(at, at + m.len) + s.slice(at + m.len);
    case 'truncate':
      return s.slice(0, Math.max(1, at));
    case 'lf':
      return s.replace('\r\n', '\n');
  }
}

/** Up to `max` byte-level mutations; `mutated` says whether any applied (then token checks are off). */
const mutated = (max: number) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.array(mutation, { minLength: 1, maxLength: max }), weight: 1 });
const mutate = (s: string, ms: Mutation[] | null) => (ms ? ms.reduce(applyMutation, s) : s);

// ---------------------------------------------------------------- request lines

export const METHODS = fc.oneof(
  { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), weight: 12 },
  { arbitrary: fc.constant('TRACE'), weight: 4 },
  { arbitrary: fc.constant('CONNECT'), weight: 1 },
  { arbitrary: fc.constantFrom('get', 'post', 'trace', 'Get', 'connect'), weight: 1 },
  { arbitrary: fc.constantFrom('PROPFIND', 'MKCOL', 'M-SEARCH', 'PURGE', 'QUERY', 'SOURCE', 'LINK', 'ACL', 'PRI', 'SEARCH'), weight: 1 },
  { arbitrary: fc.oneof(fc.string({ maxLength: 8 }), byteString(6)), weight: 1 },
);

/** Methods the parser takes: most inputs should get past it and reach an upstream. */
const CLEAN_METHODS = fc.oneof(
  { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'), weight: 6 },
  { arbitrary: fc.constant('TRACE'), weight: 2 },
  { arbitrary: fc.constantFrom('PROPFIND', 'PURGE', 'QUERY'), weight: 1 },
);

const VERSION = fc.oneof(
  { arbitrary: fc.constant('HTTP/1.1'), weight: 20 },
  { arbitrary: fc.constant('HTTP/1.0'), weight: 3 },
  { arbitrary: fc.constantFrom('HTTP/2.0', 'HTTP/0.9', 'HTTP/1.1 x', 'http/1.1', 'HTTP/1.', '', 'HTTP/9.9', 'HTTP/1.1\0', 'HTTP/1.01'), weight: 2 },
);

const EOL = fc.oneof({ arbitrary: fc.constant('\r\n'), weight: 30 }, { arbitrary: fc.constantFrom('\n', '\r', '\r\r\n', '\n\r'), weight: 1 });

const SEGMENT = fc.oneof(
  { arbitrary: fc.constantFrom('echo', 'len', 'v1', 'messages', 'a', '..', '.', '', 'sse?n=2&gap=1', 'echo-body', 'status', 'r', 'healthz'), weight: 6 },
  { arbitrary: fc.constantFrom('%2e%2e', '%2f', '%00', '%zz', '%', '%E0%A4', '%C0%AF', '%25', '%0d%0a', ';x=1', '?a=b', '#frag', '\\'), weight: 2 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), weight: 2 },
  { arbitrary: nasty, weight: 1 },
);

const originPath = fc.array(SEGMENT, { maxLength: 5 }).map((segs) => `/${segs.join('/')}`);

// ---------------------------------------------------------------- headers

const COMMON_NAMES = [
  'Host',
  'Content-Length',
  'Transfer-Encoding',
  'Connection',
  'Upgrade',
  'Expect',
  'TE',
  'Trailer',
  'X-Api-Key',
  'Authorization',
  'Proxy-Authorization',
  'Cookie',
  'Accept-Encoding',
  'Content-Type',
  'Keep-Alive',
  'Proxy-Connection',
  'X-Forwarded-For',
  'Forwarded',
  'Via',
  'Max-Forwards',
  'Sec-WebSocket-Key',
  'Sec-WebSocket-Version',
  'X-Custom-Auth',
  'Accept',
  'User-Agent',
  'Range',
  'If-None-Match',
];

const headerName = fc.oneof(
  { arbitrary: fc.constantFrom(...COMMON_NAMES), weight: 10 },
  { arbitrary: fc.constantFrom(...COMMON_NAMES).chain((n) => fc.mixedCase(fc.constant(n))), weight: 3 },
  { arbitrary: fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      'Host ',
      ' Host',
      'Content-Length ',
      'X Api Key',
      '',
      ':',
      'X:Y',
      'Transfer-Encoding\t',
      utf8('X-Ünïcode'),
      utf8('X-€'),
      'X\0',
      'X\r\nY',
    ),
    weight: 2,
  },
  { arbitrary: byteString(10), weight: 1 },
);

const headerValue = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')), weight: 10 },
  {
    arbitrary: fc.constantFrom(
      'close',
      'keep-alive',
      'Upgrade',
      'websocket',
      'chunked',
      '100-continue',
      'gzip, br',
      'trailers',
      'x-api-key',
      'authorization',
      'Bearer x',
      'Basic Og==',
    ),
    weight: 4,
  },
  {
    arbitrary: fc.constantFrom(
      'a\r\nX-Injected: 1',
      'a\nb',
      'a\rb',
      'a\0b',
      utf8('caf€'),
      utf8('\u{1F600}'),
      '\xe9t\xe9',
      'a\r\n b',
      'a\r\n\tb',
      '\t',
      ' ',
      '',
    ),
    weight: 3,
  },
  { arbitrary: fc.tuple(fc.constantFrom('a', 'x', '\xff', ' '), fc.integer({ min: 1, max: 20_000 })).map(([c, n]) => c.repeat(n)), weight: 1 },
  { arbitrary: byteString(20), weight: 1 },
);

type Header = [string, string];

/** Headers that confuse framing: duplicate or conflicting Content-Length and Transfer-Encoding. */
const framingHeaders: fc.Arbitrary<Header[]> = fc.oneof(
  fc.constant([
    ['Content-Length', '5'],
    ['Content-Length', '6'],
  ] as Header[]),
  fc.constant([
    ['Content-Length', '5'],
    ['Content-Length', '5'],
  ] as Header[]),
  fc.constant([['Content-Length', '5, 5']] as Header[]),
  fc.constant([
    ['Content-Length', '3'],
    ['Transfer-Encoding', 'chunked'],
  ] as Header[]),
  fc.constant([
    ['Transfer-Encoding', 'chunked'],
    ['Transfer-Encoding', 'chunked'],
  ] as Header[]),
  fc
    .constantFrom('chunked, chunked', 'gzip', 'gzip, chunked', 'identity', ' chunked', 'Chunked', 'chunked\0', 'chunked;q=1', 'xchunked')
    .map((v): Header[] => [['Transfer-Encoding', v]]),
  fc.constantFrom('-1', '1e3', '0x10', ' 10', '+5', '99999999999999999999', '', 'abc', '5\0').map((v): Header[] => [['Content-Length', v]]),
);

const cleanHeaderName = fc.oneof(
  { arbitrary: fc.constantFrom(...COMMON_NAMES.filter((n) => !/^(host|content-length|transfer-encoding|upgrade|expect)$/i.test(n))), weight: 2 },
  { arbitrary: fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), weight: 1 },
);
const cleanHeaderValue = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x21-\x7e]/g, 'x')), weight: 6 },
  {
    arbitrary: fc.constantFrom('close', 'keep-alive', 'trailers', 'x-api-key', 'authorization', 'cookie', 'Bearer x', 'gzip, br', '\xe9t\xe9', '*'),
    weight: 2,
  },
);

const headers = (max: number) => fc.array(fc.tuple(headerName, headerValue), { maxLength: max });
const cleanHeaders = (max: number) => fc.array(fc.tuple(cleanHeaderName, cleanHeaderValue), { maxLength: max });

const renderHeaders = (hs: readonly Header[], eol: string) => hs.map(([n, v]) => `${n}: ${v}${eol}`).join('');

// ---------------------------------------------------------------- bodies and chunked framing

interface Body {
  headers: Header[];
  bytes: string;
  /** The body stops early: the server is left waiting. */
  truncated: boolean;
}

const chunk = fc.record({
  data: fc.oneof(byteString(40), fc.string({ maxLength: 30 })),
  size: fc.oneof(
    { arbitrary: fc.constant('ok'), weight: 10 },
    { arbitrary: fc.constantFrom('OK', '00ok', 'zz', '-1', 'ffffffffffffffffff', '', ' ', '0x5', '+5', 'ok ', 'ok\t'), weight: 2 },
    { arbitrary: fc.integer({ min: 0, max: 100 }).map(String), weight: 1 },
  ),
  ext: fc.oneof({ arbitrary: fc.constant(''), weight: 6 }, { arbitrary: fc.constantFrom(';a=b', ';', ';a="b c"', ';a=\0', `;${'e'.repeat(5000)}`), weight: 1 }),
  eol: fc.oneof({ arbitrary: fc.constant('\r\n'), weight: 10 }, { arbitrary: fc.constantFrom('\n', '', '\r', 'xx'), weight: 1 }),
});

const chunkedBody: fc.Arbitrary<Body> = fc
  .record({
    chunks: fc.array(chunk, { maxLength: 4 }),
    last: fc.constantFrom('0\r\n', '0\r\n', '0;x=y\r\n', '00000\r\n', ''),
    trailers: fc.oneof(
      { arbitrary: fc.constant([] as Header[]), weight: 4 },
      { arbitrary: headers(2), weight: 1 },
      {
        arbitrary: fc.constant([
          ['X-Api-Key', 'trailer'],
          ['Content-Length', '3'],
        ] as Header[]),
        weight: 1,
      },
    ),
    end: fc.oneof({ arbitrary: fc.constant('\r\n'), weight: 6 }, { arbitrary: fc.constantFrom('', '\n', 'GET / HTTP/1.1\r\n\r\n'), weight: 1 }),
    te: fc.oneof({ arbitrary: fc.constant('chunked'), weight: 6 }, { arbitrary: fc.constantFrom('Chunked', 'gzip, chunked', 'chunked, identity'), weight: 1 }),
  })
  .map(({ chunks, last, trailers, end, te }) => {
    let bytes = '';
    for (const c of chunks) {
      const hex = c.data.length.toString(16);
      const size =
        c.size === 'ok'
          ? hex
          : c.size === 'OK'
            ? hex.toUpperCase()
            : c.size === '00ok'
              ? `00${hex}`
              : c.size === 'ok '
                ? `${hex} `
                : c.size === 'ok\t'
                  ? `${hex}\t`
                  : c.size;
      bytes += `${size}${c.ext}\r\n${c.data}${c.eol}`;
    }
    bytes += last + renderHeaders(trailers, '\r\n') + end;
    return { headers: [['Transfer-Encoding', te]], bytes, truncated: last === '' || end === '' };
  });

const fixedBody: fc.Arbitrary<Body> = fc
  .record({
    data: fc.oneof(fc.string({ maxLength: 200 }), byteString(200)),
    delta: fc.oneof({ arbitrary: fc.constant(0), weight: 8 }, { arbitrary: fc.integer({ min: -5, max: 5 }), weight: 1 }),
  })
  .map(({ data, delta }) => ({
    headers: [['Content-Length', String(Math.max(0, data.length + delta))]],
    bytes: data,
    truncated: delta > 0,
  }));

const cleanBody: fc.Arbitrary<Body> = fc.oneof(
  { arbitrary: fc.constant({ headers: [], bytes: '', truncated: false } as Body), weight: 6 },
  {
    arbitrary: fc
      .string({ maxLength: 200 })
      .map((d): Body => ({ headers: [['Content-Length', String(Buffer.byteLength(d))]], bytes: utf8(d), truncated: false })),
    weight: 3,
  },
  {
    arbitrary: fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 4 }).map((cs): Body => ({
      headers: [['Transfer-Encoding', 'chunked']],
      bytes: `${cs.map((c) => `${Buffer.byteLength(c).toString(16)}\r\n${utf8(c)}\r\n`).join('')}0\r\n\r\n`,
      truncated: false,
    })),
    weight: 2,
  },
);

const body: fc.Arbitrary<Body> = fc.oneof(
  { arbitrary: fc.constant({ headers: [], bytes: '', truncated: false } as Body), weight: 8 },
  { arbitrary: fixedBody, weight: 4 },
  { arbitrary: chunkedBody, weight: 4 },
  { arbitrary: fc.tuple(framingHeaders, byteString(20)).map(([h, b]): Body => ({ headers: h, bytes: b, truncated: false })), weight: 1 },
);

// ---------------------------------------------------------------- whole requests

interface RequestParts {
  method: string;
  target: string;
  version: string;
  eol: string;
  /** Headers every request of this kind needs (Host, credentials), before the fuzzed ones. */
  base: Header[];
  extra: Header[];
  body: Body;
  close: boolean;
}

function render(p: RequestParts): string {
  const framing = p.body.headers;
  const all = [...p.base, ...p.extra, ...framing, ...(p.close ? ([['Connection', 'close']] as Header[]) : [])];
  return `${p.method} ${p.target} ${p.version}${p.eol}${renderHeaders(all, p.eol)}${p.eol}${p.body.bytes}`;
}

/**
 * A request for `target` with the headers it needs. Most are clean (they should reach the
 * upstream, which is where a credential can come back); the rest are dirty at every level.
 */
const requestOf = (target: fc.Arbitrary<string>, base: fc.Arbitrary<Header[]>) =>
  fc
    .oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          method: CLEAN_METHODS,
          target,
          version: fc.constant('HTTP/1.1'),
          eol: fc.constant('\r\n'),
          base,
          extra: cleanHeaders(3),
          body: cleanBody,
          close: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
          shuffle: fc.boolean(),
        }),
      },
      {
        weight: 2,
        arbitrary: fc.record({
          method: METHODS,
          target,
          version: VERSION,
          eol: EOL,
          base,
          extra: headers(4),
          body,
          close: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 }),
          shuffle: fc.boolean(),
        }),
      },
    )
    .map((p) => ({ text: render(p.shuffle ? { ...p, base: [...p.base].reverse() } : p), truncated: p.body.truncated, keepAlive: !p.close }));

// ---------------------------------------------------------------- cases

/** One connection's worth of input. `pieces` are written one by one, a few ms apart. */
export interface TcpCase {
  kind: 'tcp';
  label: string;
  pieces: Buffer[];
  /** Half-close after writing (a client that hangs up mid-body). */
  end: boolean;
  /** No mutation touched the bytes, so the agent token sits only where credentials go. */
  tokenChecked: boolean;
}

/** CONNECT to a mapped host, TLS with the gateway's leaf, then `inner` as plaintext inside. */
export interface MitmCase {
  kind: 'mitm';
  label: string;
  connect: Buffer;
  /** SNI to send; '' for none. */
  servername: string;
  inner: Buffer[];
  /** Bytes written on the raw socket under TLS once the inner requests are out: a broken record. */
  raw: Buffer | null;
  tokenChecked: boolean;
}

export type WireCase = TcpCase | MitmCase;

const splitPieces = (s: string) =>
  fc.array(fc.nat(), { maxLength: 3 }).map((cuts) => {
    const points = [...new Set(cuts.map((c) => (s.length ? c % s.length : 0)))].filter((c) => c > 0).sort((a, b) => a - b);
    const out: Buffer[] = [];
    let from = 0;
    for (const p of points) {
      out.push(wire(s.slice(from, p)));
      from = p;
    }
    out.push(wire(s.slice(from)));
    return out;
  });

const tcpCase = (label: string, text: fc.Arbitrary<{ text: string; truncated: boolean }>, maxMutations = 3): fc.Arbitrary<TcpCase> =>
  fc.record({ req: text, ms: mutated(maxMutations), end: fc.boolean() }).chain(({ req, ms, end }) => {
    const bytes = mutate(req.text, ms);
    return splitPieces(bytes).map((pieces) => ({ kind: 'tcp' as const, label, pieces, end: req.truncated ? end : false, tokenChecked: ms === null }));
  });

/** Base-URL door: `/r/<route>/<path>` with the agent token where an SDK puts its key. */
export function routeDoorCase(t: Targets): fc.Arbitrary<TcpCase> {
  const route = fc.oneof(
    { arbitrary: fc.constantFrom(...t.routes), weight: 10 },
    { arbitrary: fc.constantFrom('nope', 'HDR', 'h%64r', '', '..', 'hdr%2f..', `${t.routes[0]}?x`, 'a'.repeat(300)), weight: 2 },
  );
  const target = fc.tuple(route, originPath).map(([r, p]) => `/r/${r}${p}`);
  const auth = fc.oneof(
    { arbitrary: fc.constant([['x-api-key', t.token]] as Header[]), weight: 4 },
    { arbitrary: fc.constant([['Authorization', `Bearer ${t.token}`]] as Header[]), weight: 4 },
    {
      arbitrary: fc.constant([
        ['X-API-KEY', t.token],
        ['Authorization', `Bearer ${t.token}`],
      ] as Header[]),
      weight: 1,
    },
    {
      arbitrary: fc.constantFrom<Header[]>(
        [],
        [['x-api-key', 'wrong-token-0000000000']],
        [['Authorization', 'Bearer']],
        [['Authorization', `bearer  ${t.token} `]],
        [['x-api-key', '']],
      ),
      weight: 2,
    },
  );
  const base = fc.tuple(auth, fc.constantFrom<Header[]>([['Host', `127.0.0.1`]], [['Host', 'localhost:1']], [])).map(([a, h]) => [...h, ...a]);
  return tcpCase('route door', requestOf(target, base));
}

/** Loopback host spellings only: the proxy door must never be led to connect anywhere else. */
const LOOPBACK_FORMS = [
  '127.0.0.1',
  '127.1',
  '0x7f.0.0.1',
  '2130706433',
  '0177.0.0.1',
  '[::1]',
  '[::ffff:127.0.0.1]',
  '%31%32%37.0.0.1',
  '127.0.0.1.',
  '127.000.000.001',
];

/** Plain `http://` through the proxy door (absolute-form), and origin-form requests to the front. */
export function plainDoorCase(t: Targets): fc.Arbitrary<TcpCase> {
  const scheme = fc.oneof(
    { arbitrary: fc.constant('http'), weight: 10 },
    { arbitrary: fc.constantFrom('HTTP', 'ws', 'https', 'ftp', 'file', 'wss', 'x'), weight: 2 },
  );
  const port = fc.oneof(
    { arbitrary: fc.constant(String(t.plain)), weight: 8 },
    { arbitrary: fc.constantFrom(String(t.tls1), String(t.tls2), String(t.echo), String(t.closed)), weight: 3 },
    { arbitrary: fc.constantFrom('', '0', '65536', 'abc', '-1', `0${t.plain}`), weight: 1 },
  );
  const host = fc.oneof(
    { arbitrary: fc.constant('127.0.0.1'), weight: 6 },
    { arbitrary: fc.constantFrom(...LOOPBACK_FORMS, 'user:pw@127.0.0.1', '[::1', '', '[]'), weight: 3 },
  );
  const absolute = fc.tuple(scheme, host, port, originPath).map(([s, h, p, path]) => `${s}://${h}${p === '' ? '' : `:${p}`}${path}`);
  const target = fc.oneof(
    { arbitrary: absolute, weight: 6 },
    { arbitrary: fc.oneof(originPath, fc.constantFrom('/healthz', '*', '/r', '/r/', '//', '')), weight: 2 },
  );
  const auth = fc.oneof(
    { arbitrary: fc.constant([['Proxy-Authorization', basic('x', t.token)]] as Header[]), weight: 6 },
    {
      arbitrary: fc.constantFrom<Header[]>(
        [],
        [['Proxy-Authorization', basic('x', 'wrong-token-0000000000')]],
        [['Proxy-Authorization', 'Basic']],
        [['Proxy-Authorization', 'Basic !!!']],
        [['Proxy-Authorization', basic(t.token, '')]],
      ),
      weight: 2,
    },
    {
      arbitrary: fc.constant([
        ['Proxy-Authorization', basic('agent', t.token)],
        ['Proxy-Authorization', basic('x', 'wrong-token-0000000000')],
      ] as Header[]),
      weight: 1,
    },
  );
  const base = fc.tuple(auth, fc.constantFrom<Header[]>([['Host', `127.0.0.1:${t.plain}`]], [['Host', 'evil.example']], [])).map(([a, h]) => [...h, ...a]);
  return tcpCase('proxy door, plain http', requestOf(target, base));
}

// CONNECT targets: ports, IPv6, userinfo, percent, every one a loopback address or not an address.
function connectTarget(t: Targets): fc.Arbitrary<string> {
  const mapped = fc.constantFrom(...mitmAuthorities(t));
  const port = fc.oneof(
    { arbitrary: fc.constantFrom(String(t.echo), String(t.closed), String(t.tls1), String(t.plain)), weight: 4 },
    { arbitrary: fc.constantFrom('0', '1', '65535', '65536', '99999', '', '-1', '+443', '0443', `0${t.echo}`, '1e3', 'abc', '443 ', '\t443'), weight: 2 },
  );
  const host = fc.constantFrom(
    '127.0.0.1',
    'localhost',
    'LOCALHOST',
    '[::1]',
    '[::ffff:127.0.0.1]',
    '::1',
    '[::1',
    'user:pw@127.0.0.1',
    'user@localhost',
    '%6cocalhost',
    'localhost%00',
    '127.0.0.1%2f',
    '[fe80::1%25lo]',
    '*.localhost',
    '',
    '[]',
    'local_host',
  );
  return fc.oneof(
    { arbitrary: mapped, weight: 4 },
    { arbitrary: fc.tuple(host, port).map(([h, p]) => `${h}:${p}`), weight: 4 },
    { arbitrary: host, weight: 1 },
    { arbitrary: byteString(12), weight: 1 },
  );
}

const proxyAuth = (t: Targets) =>
  fc.oneof(
    { arbitrary: fc.constant([['Proxy-Authorization', basic('x', t.token)]] as Header[]), weight: 8 },
    {
      arbitrary: fc.constantFrom<Header[]>(
        [],
        [['Proxy-Authorization', basic('x', 'wrong-token-0000000000')]],
        [['Proxy-Authorization', 'Bearer x']],
        [['Proxy-Authorization', `Basic ${'A'.repeat(3000)}`]],
      ),
      weight: 2,
    },
  );

function connectLine(t: Targets, target: fc.Arbitrary<string>): fc.Arbitrary<{ text: string; truncated: boolean }> {
  return fc
    .record({ target, version: VERSION, eol: EOL, auth: proxyAuth(t), extra: headers(2), hostHeader: fc.boolean() })
    .map(({ target: tg, version, eol, auth, extra, hostHeader }) => ({
      text: `CONNECT ${tg} ${version}${eol}${renderHeaders([...(hostHeader ? ([['Host', tg]] as Header[]) : []), ...auth, ...extra], eol)}${eol}`,
      truncated: false,
    }));
}

/** After CONNECT, before any TLS: garbage, plaintext HTTP, or a real ClientHello bent out of shape. */
function afterConnect(t: Targets): fc.Arbitrary<string> {
  const hello = fc.constantFrom(...t.clientHellos);
  return fc.oneof(
    { arbitrary: fc.constant(''), weight: 2 },
    { arbitrary: byteString(300), weight: 3 },
    { arbitrary: fc.tuple(hello, fc.array(mutation, { minLength: 1, maxLength: 4 })).map(([h, ms]) => mutate(h, ms)), weight: 4 },
    { arbitrary: fc.tuple(hello, fc.nat()).map(([h, n]) => h.slice(0, (n % h.length) + 1)), weight: 2 },
    { arbitrary: fc.tuple(hello, byteString(200)).map(([h, g]) => h + g), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n',
        '\x15\x03\x03\x00\x02\x02\x28',
        '\x16\x03\x01\xff\xff',
        '\x16\x03\x01\x00\x00',
        '\x80\x80\x01\x03\x01',
      ),
      weight: 1,
    },
  );
}

/** CONNECT lines (targets, auth, framing) and what follows them on the same connection. */
export function connectCase(t: Targets): fc.Arbitrary<TcpCase> {
  return fc
    .record({
      line: connectLine(t, connectTarget(t)),
      ms: mutated(2),
      after: afterConnect(t),
      together: fc.boolean(),
      end: fc.boolean(),
    })
    .map(({ line, ms, after, together, end }) => {
      const head = mutate(line.text, ms);
      return {
        kind: 'tcp' as const,
        label: 'CONNECT',
        pieces: together || after === '' ? [wire(head + after)] : [wire(head), wire(after)],
        end,
        tokenChecked: ms === null,
      };
    });
}

/** Inside a MITM tunnel: the Host the gateway expects, or not; absolute-form targets, here or elsewhere. */
export function mitmCase(t: Targets): fc.Arbitrary<MitmCase> {
  return fc.constantFrom(...mitmAuthorities(t)).chain((authority) => {
    const hostName = authority.replace(/:\d+$/, '');
    const innerTarget = fc.oneof(
      { arbitrary: originPath, weight: 8 },
      { arbitrary: originPath.map((p) => `https://${authority}${p}`), weight: 2 },
      {
        arbitrary: fc
          .tuple(fc.constantFrom(...mitmAuthorities(t), 'evil.example', 'evil.example:443', '127.0.0.1:1'), originPath)
          .map(([a, p]) => `https://${a}${p}`),
        weight: 2,
      },
      { arbitrary: fc.constantFrom('*', '', '//', 'http://[', `${authority}`), weight: 1 },
    );
    const host = fc.oneof(
      { arbitrary: fc.constant(authority), weight: 10 },
      { arbitrary: fc.constantFrom(authority.toUpperCase(), hostName, `${authority}.`, 'evil.example', '', `${authority}, evil.example`), weight: 2 },
    );
    const base = fc
      .tuple(
        host,
        fc.oneof(
          { arbitrary: fc.constant([] as Header[]), weight: 4 },
          {
            arbitrary: fc.constantFrom<Header[]>(
              [['Authorization', 'Bearer phantom-key']],
              [['x-api-key', 'phantom']],
              [['Proxy-Authorization', basic('x', t.token)]],
              [['Cookie', 'a=b']],
            ),
            weight: 2,
          },
        ),
      )
      .map(([h, creds]) => [['Host', h] as Header, ...creds]);
    const inner = fc.array(requestOf(innerTarget, base), { minLength: 1, maxLength: 3 });
    return fc
      .record({
        connect: connectLine(t, fc.constant(authority)).map((l) => l.text),
        servername: fc.oneof(
          { arbitrary: fc.constant(hostName), weight: 12 },
          { arbitrary: fc.constantFrom('', authority, 'evil.example', hostName.toUpperCase(), `${hostName}.`, t.token), weight: 2 },
        ),
        inner,
        ms: mutated(3),
        garbage: fc.oneof({ arbitrary: fc.constant(null), weight: 5 }, { arbitrary: byteString(200), weight: 1 }),
        raw: fc.oneof({ arbitrary: fc.constant(null), weight: 6 }, { arbitrary: byteString(64).map((s) => wire(s)), weight: 1 }),
      })
      .map(({ connect, servername, inner: reqs, ms, garbage, raw }) => {
        const text = mutate(reqs.map((r) => r.text).join(''), ms);
        return {
          kind: 'mitm' as const,
          label: `MITM ${authority}`,
          connect: wire(connect),
          servername,
          inner: garbage === null ? [wire(text)] : [wire(text), wire(garbage)],
          raw,
          tokenChecked: ms === null,
        };
      });
  });
}

// ---------------------------------------------------------------- safety gate

function loopbackLiteral(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(h) && isIP(h) === 4) return true;
  return /^::ffff:(127\.\d+\.\d+\.\d+|7f[0-9a-f]{2}:[0-9a-f]{1,4})$/.test(h);
}

/**
 * True when nothing in these bytes can make the gateway open a connection off this machine
 * (or ask DNS): every absolute-form authority and every CONNECT target is a loopback literal
 * or no address at all. Checked on the final, mutated bytes of the front-door side.
 */
export function staysOnLoopback(bytes: Buffer): boolean {
  const s = bytes.toString('latin1');
  for (const m of s.matchAll(/([a-z][a-z0-9+.-]*):\/\/([^/\\?#\s]*)/gi)) {
    let url: URL;
    try {
      url = new URL(`http://${m[2]}/`);
    } catch {
      continue; // the gateway's own `new URL(req.url)` fails on the same authority
    }
    if (!loopbackLiteral(url.hostname)) return false;
  }
  for (const m of s.matchAll(/connect[\s\S]{0,3}?([^\s]+)/gi)) {
    const authority = parseAuthority(m[1] ?? '', 443);
    if (authority && !loopbackLiteral(authority.host)) return false;
  }
  return true;
}

// ---------------------------------------------------------------- control API

export interface ControlTargets {
  port: number;
  token: string;
  /** `onecli_session=…` from a redeemed sign-in code. */
  cookie: string;
  methods: readonly string[];
  /** Methods whose valid calls reach the network, restart things or change the machine: never authorised here. */
  deny: ReadonlySet<string>;
}

export interface ControlCase {
  label: string;
  bytes: Buffer;
}

const PARAM_KEYS = [
  'host',
  'reference',
  'header',
  'template',
  'replace',
  'name',
  'value',
  'agent',
  'token',
  'account',
  'vaultId',
  'itemId',
  'limit',
  'only',
  'confirm',
  'link',
  'gatewayPort',
  'code',
  '__proto__',
  'constructor',
];

const jsonish = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(
    '',
    'local://x',
    'op://v/i/f',
    'op://',
    'local://',
    '127.0.0.1:1',
    'a.example',
    '*.example',
    'x-api-key',
    'Bearer {value}',
    '{value}',
    '../../etc/passwd',
    '--help',
    '-',
    '\0',
    'a\r\nb',
    utf8('€'),
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);

const controlBody: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)), weight: 4 },
  { arbitrary: fc.dictionary(fc.constantFrom(...PARAM_KEYS), jsonish, { maxKeys: 4 }).map((o) => JSON.stringify(o)), weight: 6 },
  { arbitrary: jsonish.map((code) => JSON.stringify({ code })), weight: 1 },
  {
    arbitrary: fc.constantFrom(
      'null',
      '',
      'nul',
      '{',
      '{"a":',
      '[]',
      '"x"',
      '1e999',
      '-0',
      'true',
      '{"__proto__":{"x":1}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '['.repeat(3000),
      '\ufeff{}',
      '{"code":null}',
      '{"code":{}}',
      '{"code":["x"]}',
      '{}garbage',
      '{"host":"a","host":"b"}',
      '\xff\xfe{}',
      '{"limit":1e308}',
    ),
    weight: 3,
  },
  { arbitrary: byteString(40), weight: 1 },
);

const CONTROL_PATH_BITS = [
  '%',
  '%2',
  '%zz',
  '%E0',
  '%E0%A4',
  '%C0%AF',
  '%00',
  '%2e%2e',
  '%2f',
  '..',
  '/',
  'a',
  '%FF',
  '%u0041',
  '%25',
  '?',
  '#',
  ';',
  'index.html',
  'assets',
  '%2e',
  '.',
  '\\',
  utf8('é'),
];

function controlPath(c: ControlTargets): fc.Arbitrary<string> {
  const name = fc.oneof(
    { arbitrary: fc.constantFrom(...c.methods), weight: 8 },
    { arbitrary: fc.constantFrom(...c.methods).chain((m) => fc.mixedCase(fc.constant(m))), weight: 1 },
    { arbitrary: fc.constantFrom(...c.methods).map((m) => `${m}.`), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '',
        'nope',
        'status',
        '.',
        '..',
        'toString',
        '__proto__',
        'constructor',
        'hasOwnProperty',
        'status%2eget',
        'status.get/',
        'status.get?x=1',
      ),
      weight: 2,
    },
  );
  return fc.oneof(
    { arbitrary: name.map((n) => `/api/call/${n}`), weight: 10 },
    {
      arbitrary: fc.constantFrom(
        '/api/session',
        '/api/events',
        '/api/health',
        '/api/',
        '/api',
        '/',
        '/index.html',
        '/mappings',
        '/favicon.ico',
        '/api/call/',
        '/api/call',
        '/API/call/status.get',
      ),
      weight: 4,
    },
    {
      arbitrary: fc
        .array(fc.constantFrom(...CONTROL_PATH_BITS), { minLength: 1, maxLength: 6 })
        .chain((bits) => fc.constantFrom('/', '/api/', '/assets/', '/api/call/').map((p) => p + bits.join(''))),
      weight: 4,
    },
    {
      arbitrary: fc.constantFrom(
        '//',
        '///',
        '//x',
        '*',
        '\\',
        'http://[',
        `http://127.0.0.1:${c.port}/api/health`,
        `http://evil.example/api/health`,
        '/%',
        '?x',
        '',
      ),
      weight: 2,
    },
  );
}

/** Requests to the control API: paths, methods, Host/Origin, cookies, bearer, JSON of every shape. */
export function controlCase(c: ControlTargets): fc.Arbitrary<ControlCase> {
  const self = `127.0.0.1:${c.port}`;
  return fc
    .record({
      method: fc.oneof(
        { arbitrary: fc.constant('POST'), weight: 10 },
        { arbitrary: fc.constant('GET'), weight: 4 },
        { arbitrary: fc.constantFrom('PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE', 'post', 'FOO', 'PROPFIND'), weight: 2 },
      ),
      path: controlPath(c),
      host: fc.oneof(
        { arbitrary: fc.constant<string[]>([self]), weight: 12 },
        {
          arbitrary: fc.constantFrom<string[]>(
            [`localhost:${c.port}`],
            [`LOCALHOST:${c.port}`],
            ['127.0.0.1'],
            [`evil.example:${c.port}`],
            [],
            [self, 'evil.example'],
            [`${self}.`],
            [''],
            [`${self} `],
          ),
          weight: 3,
        },
      ),
      origin: fc.oneof(
        { arbitrary: fc.constant(null), weight: 8 },
        {
          arbitrary: fc.constantFrom(`http://${self}`, `http://localhost:${c.port}`, 'null', 'http://evil.example', '', `http://${self}/`, `https://${self}`),
          weight: 3,
        },
      ),
      auth: fc.oneof(
        { arbitrary: fc.constant(`Bearer ${c.token}`), weight: 8 },
        { arbitrary: fc.constant(null), weight: 4 },
        {
          arbitrary: fc.constantFrom(
            'Bearer wrong',
            'Bearer ',
            'Bearer',
            `bearer ${c.token}`,
            `Bearer ${c.token} x`,
            `Bearer  ${c.token}`,
            `Basic ${c.token}`,
            `Bearer ${c.token}\0`,
          ),
          weight: 2,
        },
      ),
      cookie: fc.oneof(
        { arbitrary: fc.constant(null), weight: 8 },
        { arbitrary: fc.constant(c.cookie), weight: 4 },
        {
          arbitrary: fc.constantFrom(
            'onecli_session=forged',
            'onecli_session=',
            `${c.cookie}; ${c.cookie}`,
            `a=b; ${c.cookie}`,
            ';;;',
            `${c.cookie.toUpperCase()}`,
            'onecli_session',
          ),
          weight: 2,
        },
      ),
      type: fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 10 },
        { arbitrary: fc.constantFrom(null, 'text/plain', 'application/json; charset=utf-8', 'application/jsonx', 'multipart/form-data', ''), weight: 2 },
      ),
      body: controlBody,
      framing: fc.oneof({ arbitrary: fc.constant('length'), weight: 12 }, { arbitrary: fc.constantFrom('none', 'short', 'long', 'chunked'), weight: 1 }),
      extra: headers(2),
    })
    .map((r) => {
      const lines: string[] = [`${r.method} ${r.path} HTTP/1.1`, ...r.host.map((h) => `Host: ${h}`)];
      const target = /^\/api\/call\/([^/?#]*)/.exec(r.path)?.[1] ?? '';
      const denied = [...c.deny].some((d) => target.toLowerCase().includes(d.toLowerCase()));
      // Disruptive methods are fuzzed only from the outside: with credentials that cannot pass.
      if (r.origin !== null) lines.push(`Origin: ${r.origin}`);
      if (r.auth !== null) lines.push(`Authorization: ${denied ? 'Bearer wrong' : r.auth}`);
      if (r.cookie !== null && !denied) lines.push(`Cookie: ${r.cookie}`);
      if (r.type !== null) lines.push(`Content-Type: ${r.type}`);
      for (const [n, v] of r.extra)
        if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(n) && !/^(host|content-length|transfer-encoding|authorization|cookie|origin|connection)$/i.test(n))
          lines.push(`${n}: ${v.replace(/[\r\n]/g, '')}`);
      const b = r.body;
      let tail = '';
      if (r.framing === 'length') lines.push(`Content-Length: ${b.length}`);
      else if (r.framing === 'short') lines.push(`Content-Length: ${Math.max(0, b.length - 3)}`);
      else if (r.framing === 'long') lines.push(`Content-Length: ${b.length + 3}`);
      else if (r.framing === 'chunked') {
        lines.push('Transfer-Encoding: chunked');
        tail = `${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`;
      }
      lines.push('Connection: close');
      const body = r.framing === 'chunked' ? tail : r.framing === 'none' ? '' : b;
      return { label: `${r.method} ${r.path.slice(0, 60)}`, bytes: wire(`${lines.join('\r\n')}\r\n\r\n${body}`) };
    });
}
