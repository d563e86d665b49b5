import { expect, test } from 'vitest';
import { responseHeaders, upstreamRequestHeaders } from '../../../src/gateway/upstream-fields.js';

const pairs = (flat: string[]) => Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);

test('injecting replaces every client credential and keeps the rest in order', () => {
  const raw = [
    'Host',
    'api.example.com',
    'Authorization',
    'Bearer phantom',
    'X-Api-Key',
    'phantom',
    'Proxy-Authorization',
    'Basic abc',
    'Accept',
    'text/event-stream',
    'Cookie',
    'a=b',
  ];
  expect(pairs(upstreamRequestHeaders(raw, 'api.example.com', [['x-api-key', 'sk-real']]))).toEqual([
    ['host', 'api.example.com'],
    ['Accept', 'text/event-stream'],
    ['Cookie', 'a=b'],
    ['accept-encoding', 'identity'],
    ['x-api-key', 'sk-real'],
  ]);
});

test('a mapped host is asked for an uncompressed answer (it is scanned for the value), and WebSockets for no extensions', () => {
  const raw = ['Accept-Encoding', 'gzip, br', 'Sec-WebSocket-Extensions', 'permessage-deflate', 'Accept', '*/*'];
  expect(pairs(upstreamRequestHeaders(raw, 'h', [['authorization', 'Bearer v']], true))).toEqual([
    ['host', 'h'],
    ['Accept', '*/*'],
    ['accept-encoding', 'identity'],
    ['authorization', 'Bearer v'],
  ]);
  // Unmapped (no injection): left as the client sent them.
  expect(pairs(upstreamRequestHeaders(raw, 'h', undefined))).toEqual([['host', 'h'], ...pairs(raw)]);
});

test('a custom header rule also drops a client-sent copy of that header', () => {
  const raw = ['X-Goog-Api-Key', 'phantom', 'Accept', '*/*'];
  expect(pairs(upstreamRequestHeaders(raw, 'h', [['x-goog-api-key', 'real']]))).toEqual([
    ['host', 'h'],
    ['Accept', '*/*'],
    ['accept-encoding', 'identity'],
    ['x-goog-api-key', 'real'],
  ]);
});

test('hop-by-hop fields, and fields the Connection header lists, are not forwarded', () => {
  const raw = [
    'Connection',
    'keep-alive, X-Secret-Hop',
    'Keep-Alive',
    'timeout=5',
    'X-Secret-Hop',
    '1',
    'TE',
    'trailers',
    'Upgrade',
    'h2c',
    'Proxy-Connection',
    'keep-alive',
    'Content-Length',
    '3',
  ];
  expect(pairs(upstreamRequestHeaders(raw, 'h', undefined))).toEqual([
    ['host', 'h'],
    ['Content-Length', '3'],
  ]);
});

test('without injection (blind plain-HTTP forwarding) client Authorization passes, proxy credentials never', () => {
  const raw = ['Authorization', 'Bearer own', 'Proxy-Authorization', 'Basic agent'];
  expect(pairs(upstreamRequestHeaders(raw, 'h', undefined))).toEqual([
    ['host', 'h'],
    ['Authorization', 'Bearer own'],
  ]);
});

test('upgrades keep Connection and Upgrade', () => {
  const raw = ['Connection', 'Upgrade', 'Upgrade', 'websocket', 'Sec-WebSocket-Key', 'k'];
  expect(pairs(upstreamRequestHeaders(raw, 'h', [['authorization', 'Bearer v']], true))).toEqual([
    ['host', 'h'],
    ['Connection', 'Upgrade'],
    ['Upgrade', 'websocket'],
    ['Sec-WebSocket-Key', 'k'],
    ['accept-encoding', 'identity'],
    ['authorization', 'Bearer v'],
  ]);
});

test('response framing fields are left to our server', () => {
  const raw = ['Content-Type', 'text/event-stream', 'Transfer-Encoding', 'chunked', 'Connection', 'close', 'Set-Cookie', 'a', 'Set-Cookie', 'b'];
  expect(pairs(responseHeaders(raw))).toEqual([
    ['Content-Type', 'text/event-stream'],
    ['Set-Cookie', 'a'],
    ['Set-Cookie', 'b'],
  ]);
});
