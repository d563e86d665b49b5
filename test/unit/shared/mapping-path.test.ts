import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathForMatching } from '../../../src/shared/mapping-path.js';

/** What pathForMatching must return: WHATWG's parser on every target, its fast path included. */
const reference = (target: string) => (!target.startsWith('/') || target.startsWith('//') ? undefined : URL.parse(target, 'http://h')?.pathname);

// The fast path's own characters, and every one that makes the parser change a path.
const PIECES = [
  ..."abcXYZ019-_~!$&'()*+,;=:@/",
  '.',
  '..',
  '%',
  '%2e',
  '%2E',
  '%2f',
  '%5c',
  '%zz',
  '\\',
  '?',
  '#',
  ' ',
  '\t',
  '\n',
  '\r',
  '"',
  '<',
  '>',
  '`',
  '{',
  '}',
  '^',
  '|',
  '[',
  ']',
  'é',
  '\u0000',
  '\u007f',
];

describe('pathForMatching', () => {
  it('agrees with the URL parser on every generated target (the fast path changes no answer)', () => {
    const target = fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }).map((parts) => `/${parts.join('')}`);
    fc.assert(
      fc.property(target, (t) => {
        expect(pathForMatching(t)).toBe(reference(t));
      }),
      { numRuns: 20_000, seed: 20_261_203 },
    );
  });

  it('resolves dot segments and cuts the query, as an upstream reads the path', () => {
    expect(pathForMatching('/v1/../admin')).toBe('/admin');
    expect(pathForMatching('/v1/%2e%2e/admin')).toBe('/admin');
    expect(pathForMatching('/v1/./files?x=/../admin')).toBe('/v1/files');
    expect(pathForMatching('/v1/models/gemini-1.5-pro:generateContent?key=x')).toBe('/v1/models/gemini-1.5-pro:generateContent');
    expect(pathForMatching('/a/..b/.c')).toBe('/a/..b/.c');
    expect(pathForMatching('/a\\..\\admin')).toBe('/admin');
    expect(pathForMatching('//evil.example/x')).toBeUndefined();
    expect(pathForMatching('https://h/x')).toBeUndefined();
  });
});
