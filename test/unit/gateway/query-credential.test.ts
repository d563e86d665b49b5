import { describe, expect, test } from 'vitest';
import { encodeQueryValue, namesParam, withQueryCredential } from '../../../src/gateway/query-credential.js';

const V = 'AIza-REAL/key+1=';
const ENC = encodeQueryValue(V);
const put = (path: string) => withQueryCredential(path, 'key', ENC);

test('the value is percent-encoded as RFC 3986 wants: only unreserved characters as they are', () => {
  expect(ENC).toBe('AIza-REAL%2Fkey%2B1%3D');
  expect(encodeQueryValue("a!'()*~b")).toBe('a%21%27%28%29%2A~b');
});

describe('the agent’s own key is replaced, never sent alongside', () => {
  test.each([
    ['/v1/models', `/v1/models?key=${ENC}`],
    ['/v1/models?', `/v1/models?key=${ENC}`],
    ['/v1/models?key=phantom', `/v1/models?key=${ENC}`],
    ['/m?a=1&key=phantom&b=2', `/m?a=1&b=2&key=${ENC}`],
    ['/m?key=a&key=b', `/m?key=${ENC}`],
    ['/m?key=phantom&a=1', `/m?a=1&key=${ENC}`],
    ['/m?a=1;key=phantom;b=2', `/m?a=1;b=2&key=${ENC}`],
    ['/m?KEY=x&Key=y', `/m?key=${ENC}`],
    ['/m?%6Bey=x', `/m?key=${ENC}`],
    ['/m?%6bEY=x', `/m?key=${ENC}`],
    ['/m?%256Bey=x', `/m?key=${ENC}`],
    ['/m?%25256B%2565y=x', `/m?key=${ENC}`],
    ['/m?key%00junk=x', `/m?key=${ENC}`],
    ['/m?key[]=x&key[0]=y', `/m?key=${ENC}`],
    ['/m?+key+=x', `/m?key=${ENC}`],
    ['/m?key%3Dx=y', `/m?key=${ENC}`],
    ['/m?key', `/m?key=${ENC}`],
    ['/m?key=', `/m?key=${ENC}`],
  ])('%s', (path, expected) => {
    expect(put(path)).toBe(expected);
  });
});

describe('everything else in the query is kept as the agent wrote it', () => {
  test.each([
    ['/m?q=a%20b&alt=sse', `/m?q=a%20b&alt=sse&key=${ENC}`],
    ['/m?keys=1&monkey=2&key_id=3', `/m?keys=1&monkey=2&key_id=3&key=${ENC}`],
    ['/m?a=1&&b=2', `/m?a=1&&b=2&key=${ENC}`],
    ['/m?x=key', `/m?x=key&key=${ENC}`],
    ['/m?x=%6Bey%3Dmine', `/m?x=%6Bey%3Dmine&key=${ENC}`],
  ])('%s', (path, expected) => {
    expect(put(path)).toBe(expected);
  });
});

test('a target with a fragment is refused: servers disagree on where its query ends', () => {
  expect(put('/m?a=1#&key=mine')).toBeUndefined();
  expect(put('/m#x')).toBeUndefined();
  // An encoded # is data, not a fragment.
  expect(put('/m?a=%23')).toBe(`/m?a=%23&key=${ENC}`);
});

test('exactly one key reaches the upstream whatever the agent sends (parsed as a server would)', () => {
  for (const path of ['/m?key=a&key=b;key=c&%6Bey=d&KEY=e&x=1', '/m?%2525%36%42ey=a', '/m?key=a&key%00=b&key[]=c']) {
    const out = put(path);
    expect(out).toBeDefined();
    const params = new URLSearchParams((out as string).split('?')[1]?.replaceAll(';', '&'));
    expect(params.getAll('key')).toEqual([V]);
    expect([...params.keys()].filter((k) => namesParam(k, 'key'))).toEqual(['key']);
  }
});

test('names: what could be read as "key" and what could not', () => {
  for (const raw of ['key', 'KEY', '%6B%65%79', '%256Bey', ' key', 'key%00', 'key[]', 'key%5B%5D', 'ke%79']) expect(namesParam(raw, 'key'), raw).toBe(true);
  for (const raw of ['keys', 'monkey', 'k-ey', '%6B', 'key_id', '%ZZkey']) expect(namesParam(raw, 'key'), raw).toBe(false);
});
