import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatAuthority, isLoopbackHost, namesAuthority, normaliseHost, parseAuthority } from '../../../src/shared/host-authority.js';

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

describe('namesAuthority', () => {
  /** What it must agree with: the Host header parsed in full. */
  const parsedNames = (header: string | undefined, a: { host: string; port: number }, defaultPort: number) => {
    const parsed = header ? parseAuthority(header, defaultPort) : undefined;
    return parsed !== undefined && parsed.host === a.host && parsed.port === a.port;
  };
  const spellings = [
    'api.example.com',
    'API.Example.COM',
    'bücher.example',
    'xn--bcher-kva.example',
    '127.0.0.1',
    '::1',
    '2001:db8::1',
    'a-b.c',
    'example.com.',
  ];

  test('the usual spellings, and the ones it must still parse or refuse', () => {
    const a = { host: 'api.example.com', port: 443 };
    expect(namesAuthority('api.example.com', a, 443)).toBe(true);
    expect(namesAuthority('api.example.com:443', a, 443)).toBe(true);
    expect(namesAuthority('API.example.com', a, 443)).toBe(true);
    expect(namesAuthority('api.example.com.', a, 443)).toBe(true);
    expect(namesAuthority('api.example.com:8443', a, 443)).toBe(false);
    expect(namesAuthority('api.example.com', { host: 'api.example.com', port: 8443 }, 443)).toBe(false);
    expect(namesAuthority('', a, 443)).toBe(false);
    expect(namesAuthority(undefined, a, 443)).toBe(false);
    // An IPv6 host written without brackets is no Host at all, even when it equals the authority's host.
    expect(namesAuthority('::1', { host: '::1', port: 443 }, 443)).toBe(false);
    expect(namesAuthority('[::1]:443', { host: '::1', port: 443 }, 443)).toBe(true);
    expect(namesAuthority('[::1]', { host: '::1', port: 443 }, 443)).toBe(true);
  });

  test('property: says what parsing the header would, for every spelling of every authority', () => {
    const header = fc.oneof(
      fc.constantFrom(...spellings),
      fc
        .tuple(fc.constantFrom(...spellings), fc.constantFrom('', ':443', ':8443', ':80', ':0443', ': 443', ':'))
        .map(([h, p]) => (h.includes(':') ? `[${h}]${p}` : `${h}${p}`)),
      fc
        .tuple(fc.constantFrom(...spellings), fc.constantFrom(' ', '\t', '.', '..', '*.', 'x'))
        .map(([h, extra]) => `${extra}${h}${extra === '*.' ? '' : extra}`),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...spellings), fc.constantFrom(443, 8443, 80), header, fc.constantFrom(443, 80), (spelled, port, h, defaultPort) => {
        const authority = parseAuthority(spelled.includes(':') ? `[${spelled}]:${port}` : `${spelled}:${port}`, 443);
        if (!authority) return;
        expect(namesAuthority(h, authority, defaultPort)).toBe(parsedNames(h, authority, defaultPort));
        // Its own canonical spellings always name it.
        expect(namesAuthority(formatAuthority(authority), authority, defaultPort)).toBe(true);
      }),
      { numRuns: 5000, seed: 18 },
    );
  });
});
