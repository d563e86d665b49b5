import { expect, test } from 'vitest';
import { originFormTarget } from '../../../src/gateway/doors/mitm.js';
import { addressedToGateway } from '../../../src/gateway/doors/plain-http.js';
import { originFormOf } from '../../../src/gateway/request-target.js';

const authority = { host: 'api.example.com', port: 443 };

test.each([
  ['/v1/messages?beta=true', 'GET', '/v1/messages?beta=true'],
  ['https://api.example.com/v1/x?q=1', 'GET', '/v1/x?q=1'],
  ['https://API.Example.com:443/v1/x', 'POST', '/v1/x'],
  ['*', 'OPTIONS', '*'],
  ['*', 'GET', undefined],
  ['https://evil.example/steal', 'GET', undefined],
  ['https://api.example.com:8443/x', 'GET', undefined],
  ['http://api.example.com/x', 'GET', undefined],
  ['https://user:pw@api.example.com/x', 'GET', undefined],
  ['https://api.example.com@evil.example/x', 'GET', undefined],
  ['api.example.com/x', 'GET', undefined],
  ['', 'GET', undefined],
  // A fragment is no part of a request target (RFC 9112 §3.2), in any form; `%23` is no fragment.
  ['/v1/safe#/../admin', 'GET', undefined],
  ['/v1/x?a=1#b', 'GET', undefined],
  ['/v1/x#', 'GET', undefined],
  ['https://api.example.com/v1/x#y', 'GET', undefined],
  ['/v1/a%23b?c=%23', 'GET', '/v1/a%23b?c=%23'],
  // RFC 9112 §3.2.4: an OPTIONS with an empty path and no query is sent as `*`; any other empty path is `/`.
  ['https://api.example.com', 'OPTIONS', '*'],
  ['https://API.Example.com:443', 'OPTIONS', '*'],
  ['https://api.example.com?x=1', 'OPTIONS', '/?x=1'],
  ['https://api.example.com/', 'OPTIONS', '/'],
  ['https://api.example.com', 'GET', '/'],
])('inside a tunnel to api.example.com:443, %j (%s) → %j', (url, method, expected) => {
  expect(originFormTarget(url, method, authority)).toBe(expected);
});

test.each([
  ['http://127.0.0.1:10255/r/anthropic/v1/messages', '/r/anthropic/v1/messages'],
  ['http://localhost:10255/healthz', '/healthz'],
  ['http://[::1]:10255/r/openai/v1/chat?x=1', '/r/openai/v1/chat?x=1'],
  ['ws://127.0.0.1:10255/r/openai/v1/responses', '/r/openai/v1/responses'],
  ['http://127.0.0.1:4000/v1/models', undefined],
  ['http://example.com:10255/', undefined],
  ['https://127.0.0.1:10255/', undefined],
  ['/r/anthropic', undefined],
  // Kept, so the base-URL door refuses it as it does when reached directly.
  ['http://127.0.0.1:10255/r/h/v1#/../admin', '/r/h/v1#/../admin'],
  ['http://127.0.0.1:10255/r/h/v1?x#', '/r/h/v1?x#'],
])('absolute-form %j addressed to the gateway on :10255 → %j', (url, expected) => {
  expect(addressedToGateway(url, 10255)).toBe(expected);
});

test.each([
  ['http://localhost:4000', 'OPTIONS', '*'],
  ['http://user@localhost:4000', 'OPTIONS', '*'],
  ['ws://localhost:4000', 'OPTIONS', '*'],
  ['http://localhost:4000?', 'OPTIONS', '/'],
  ['http://localhost:4000?a', 'OPTIONS', '/?a'],
  ['http://localhost:4000/', 'OPTIONS', '/'],
  ['http://localhost:4000/x', 'OPTIONS', '/x'],
  ['http://localhost:4000', 'GET', '/'],
  ['http://localhost:4000', 'HEAD', '/'],
])('absolute-form %j (%s) goes upstream as %j', (url, method, expected) => {
  expect(originFormOf(url, new URL(url), method)).toBe(expected);
});
