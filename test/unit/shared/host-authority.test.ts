import { describe, expect, test } from 'vitest';
import { formatAuthority, isLoopbackHost, normaliseHost, parseAuthority } from '../../../src/shared/host-authority.js';

describe('parseAuthority', () => {
  test('host with and without port', () => {
    expect(parseAuthority('api.anthropic.com', 443)).toEqual({ host: 'api.anthropic.com', port: 443 });
    expect(parseAuthority('API.Anthropic.COM:8443', 443)).toEqual({ host: 'api.anthropic.com', port: 8443 });
  });
  test('IPv4 and bracketed IPv6', () => {
    expect(parseAuthority('127.0.0.1:18443', 443)).toEqual({ host: '127.0.0.1', port: 18443 });
    expect(parseAuthority('[::1]:443', 80)).toEqual({ host: '::1', port: 443 });
    expect(parseAuthority('[::1]', 80)).toEqual({ host: '::1', port: 80 });
  });
  test('IDNA names are normalised to ASCII', () => {
    expect(parseAuthority('bücher.example', 443)?.host).toBe('xn--bcher-kva.example');
  });
  test('wildcards only when allowed', () => {
    expect(parseAuthority('*.example.com', 443)).toBeUndefined();
    expect(parseAuthority('*.example.com', 443, { allowWildcard: true })).toEqual({ host: '*.example.com', port: 443 });
  });
  test.each(['', ':443', 'host:', 'host:99999', 'host:0', 'a b:443', '::1:443', 'host:44x', 'exa_mple.com', '-bad.com', `${'a'.repeat(64)}.com`])(
    'rejects %j',
    (raw) => {
      expect(parseAuthority(raw, 443)).toBeUndefined();
    },
  );
  test('port 0 only when asked (listen on any free port)', () => {
    expect(parseAuthority('127.0.0.1:0', -1, { minPort: 0 })).toEqual({ host: '127.0.0.1', port: 0 });
  });
});

test('formatAuthority brackets IPv6', () => {
  expect(formatAuthority({ host: '::1', port: 443 })).toBe('[::1]:443');
  expect(formatAuthority({ host: 'a.example', port: 443 })).toBe('a.example:443');
});

test('normaliseHost drops a trailing dot', () => {
  expect(normaliseHost('Example.COM.')).toBe('example.com');
});

test('isLoopbackHost', () => {
  for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '::1', 'app.localhost', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', '::ffff:7f00:1'])
    expect(isLoopbackHost(h)).toBe(true);
  for (const h of ['example.com', '10.0.0.1', 'localhost.example.com', '128.0.0.1', '::2', '::ffff:10.0.0.1', '127.0.0.1.example.com'])
    expect(isLoopbackHost(h)).toBe(false);
});
