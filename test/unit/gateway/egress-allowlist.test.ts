import { expect, test } from 'vitest';
import { EgressHost, egressEntry } from '../../../src/shared/agent-policy.js';
import { parseAuthority } from '../../../src/shared/host-authority.js';
import { EgressAllowlist, needsResolutionGuard, reachesThisMachine } from '../../../src/gateway/egress.js';

/** As the doors see a target: parsed and normalised by parseAuthority, as CONNECT lines are. */
const allows = (list: EgressAllowlist, target: string) => {
  const a = parseAuthority(target, 443);
  return a !== undefined && list.allows(a.host, a.port);
};

test.each([
  ['registry.npmjs.org', 'registry.npmjs.org'],
  ['  Registry.NPMJS.org.  ', 'registry.npmjs.org'],
  ['*.GitHubUserContent.com', '*.githubusercontent.com'],
  ['pÄste.example', 'xn--pste-loa.example'],
  ['example。com', 'example.com'],
  ['10.0.0.5:8443', '10.0.0.5:8443'],
  ['[0:0:0:0:0:0:0:1]', '[::1]'],
  ['[2001:DB8::1]:8443', '[2001:db8::1]:8443'],
  ['2130706433', '127.0.0.1'],
])('entry %j is stored as %j', (raw, canonical) => {
  expect(egressEntry(raw)).toBe(canonical);
  expect(EgressHost.parse(raw)).toBe(canonical);
});

test.each([
  '',
  '*',
  '*.',
  'a b.com',
  'host:0',
  'host:70000',
  'host:x',
  '::1',
  '*.10.0.0.1',
  'http://x.com',
  'x.com/path',
  'user@x.com',
  'x.com?q',
  'x%2ecom',
  '-bad-.com',
])('entry %j is refused', (raw) => {
  expect(egressEntry(raw)).toBeUndefined();
  expect(EgressHost.safeParse(raw).success).toBe(false);
});

test('exact hosts: ports 443 and 80 without a port, only the given port with one', () => {
  const list = new EgressAllowlist(['github.com', 'git.example:2222']);
  expect(allows(list, 'github.com:443')).toBe(true);
  expect(allows(list, 'github.com:80')).toBe(true);
  expect(allows(list, 'github.com:22')).toBe(false);
  expect(allows(list, 'git.example:2222')).toBe(true);
  expect(allows(list, 'git.example:443')).toBe(false);
  expect(allows(list, 'api.github.com:443')).toBe(false);
});

test('a wildcard covers every name below its parent, at any depth, but not the parent nor look-alikes', () => {
  const list = new EgressAllowlist(['*.githubusercontent.com']);
  expect(allows(list, 'raw.githubusercontent.com:443')).toBe(true);
  expect(allows(list, 'a.b.githubusercontent.com:443')).toBe(true);
  expect(allows(list, 'githubusercontent.com:443')).toBe(false);
  expect(allows(list, 'evilgithubusercontent.com:443')).toBe(false);
  expect(allows(list, 'githubusercontent.com.evil.example:443')).toBe(false);
  expect(allows(list, 'raw.githubusercontent.com:8443')).toBe(false);
});

test.each([
  ['trailing dot', 'PASTE.example.:443', true],
  ['upper case', 'Paste.Example:443', true],
  ['Unicode spelling of the punycode entry', 'pÄste.example:443', false],
  ['punycode of a Unicode entry', 'xn--pste-loa.example:443', true],
])('spellings of one host are one host: %s', (_, target, allowed) => {
  const list = new EgressAllowlist(['paste.example', 'pÄste.example']);
  expect(allows(list, target)).toBe(true);
  const only = new EgressAllowlist([allowed ? 'paste.example' : 'other.example', 'pÄste.example']);
  expect(allows(only, target)).toBe(true);
});

test('IP literals match only as listed, in any spelling of the same address', () => {
  const list = new EgressAllowlist(['[::1]:8080', '10.0.0.5']);
  expect(allows(list, '[0:0:0:0:0:0:0:1]:8080')).toBe(true);
  expect(allows(list, '[::1]:8081')).toBe(false);
  expect(allows(list, '10.0.0.5:443')).toBe(true);
  // 167772165 is 10.0.0.5 in decimal: the host parser reads it as that address.
  expect(allows(list, '167772165:443')).toBe(true);
  expect(allows(list, '10.0.0.6:443')).toBe(false);
  // No wildcard ever reaches an IP literal.
  expect(allows(new EgressAllowlist(['*.0.0.5']), '10.0.0.5:443')).toBe(false);
});

test('an empty allowlist allows nothing', () => {
  const list = new EgressAllowlist([]);
  for (const t of ['localhost:443', '127.0.0.1:443', 'example.com:443']) expect(allows(list, t)).toBe(false);
});

test('a lookup probes once per label, not once per entry: 100,000 entries cost what 10 do', () => {
  const entries = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 ? `host-${i}.example.com` : `*.zone-${i}.example.net`));
  const big = new EgressAllowlist(entries(100_000));
  const small = new EgressAllowlist(entries(10));
  expect(allows(big, 'host-99999.example.com:443')).toBe(true);
  expect(allows(big, 'a.b.c.zone-99998.example.net:443')).toBe(true);
  expect(allows(big, 'a.b.c.zone-99999.example.net:443')).toBe(false);
  const time = (list: EgressAllowlist) => {
    const t0 = performance.now();
    for (let i = 0; i < 50_000; i++) list.allows('a.b.c.d.e.zone-1.example.net', 443);
    return performance.now() - t0;
  };
  time(small);
  time(big); // warm both
  // A scan of 100,000 entries would be thousands of times slower; noise on a busy machine is not.
  expect(time(big)).toBeLessThan(time(small) * 10 + 50);
});

test('addresses of this machine, and which hosts need their resolution checked', () => {
  for (const a of ['127.0.0.1', '127.9.9.9', '0.0.0.0', '::1', '::', '::ffff:127.0.0.1', '::ffff:0.0.0.0']) expect(reachesThisMachine(a)).toBe(true);
  for (const a of ['10.0.0.1', '192.168.1.1', '::2', 'example.com']) expect(reachesThisMachine(a)).toBe(false);
  expect(needsResolutionGuard('localtest.me')).toBe(true);
  expect(needsResolutionGuard('localhost')).toBe(false);
  expect(needsResolutionGuard('127.0.0.1')).toBe(false);
});
