import { describe, expect, test } from 'vitest';
import { buildInjection } from '../../../src/gateway/injection.js';
import { basicHeaderValue, writeCredential } from '../../../src/gateway/header-rules.js';
import { basicTemplateProblem, basicValueProblem, queryParamProblem } from '../../../src/shared/credential-shapes.js';
import { HeaderRule } from '../../../src/shared/header-rule.js';
import type { GatewayMapping } from '../../../src/shared/gateway-config.js';

const V = 'ghp_SECRETvalue0123456789abcdef';
const mapping = (rule: HeaderRule): GatewayMapping => ({ id: 'h', host: 'h', port: 443, rule });
const ok = (rule: HeaderRule, values: string[]) => {
  const r = buildInjection(mapping(rule), values);
  if (!r.ok) throw new Error(r.message);
  return r.injection;
};
const masked = (rule: HeaderRule, values: string[], text: string) => ok(rule, values).mask?.maskText(text);

describe('Basic (RFC 7617)', () => {
  test('base64 of the UTF-8 user-pass, as the RFC’s own example', () => {
    expect(basicHeaderValue('Aladdin:open sesame')).toBe('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  });

  test('GitHub over git/HTTPS: x-access-token as the user, the key as the password', () => {
    const inj = ok({ type: 'basic', template: 'x-access-token:{value}' }, [V]);
    expect(inj.headers).toEqual([['authorization', `Basic ${Buffer.from(`x-access-token:${V}`).toString('base64')}`]]);
    expect(inj.query).toBeUndefined();
  });

  test('Stripe: the key as the user name and no password', () => {
    expect(writeCredential({ type: 'basic', template: '{value}:' }, ['sk_test_1']).headers).toEqual([
      ['authorization', `Basic ${Buffer.from('sk_test_1:').toString('base64')}`],
    ]);
  });

  test('a ":" in the value is refused where it would end the user name, allowed in the password', () => {
    expect(basicValueProblem('{value}:', 'a:b')).toMatch(/ends the user name/);
    expect(basicValueProblem('u-{value}-x:pw', 'a:b')).toMatch(/ends the user name/);
    expect(basicValueProblem('x-access-token:{value}', 'a:b')).toBeUndefined();
    const r = buildInjection(mapping({ type: 'basic', template: '{value}:' }), ['sk:live']);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).not.toContain('sk:live');
    expect(ok({ type: 'basic', template: 'x-access-token:{value}' }, ['pass:word']).headers[0]?.[1]).toBe(
      `Basic ${Buffer.from('x-access-token:pass:word').toString('base64')}`,
    );
  });

  test('a template must hold {value} and a ":" of its own, in printable ASCII', () => {
    expect(basicTemplateProblem('x-access-token:{value}')).toBeUndefined();
    expect(basicTemplateProblem('{value}:')).toBeUndefined();
    expect(basicTemplateProblem('{value}')).toMatch(/":"/);
    expect(basicTemplateProblem('user:pass')).toMatch(/\{value\}/);
    expect(basicTemplateProblem('u\r\n:{value}')).toMatch(/line break/);
    expect(basicTemplateProblem('ü:{value}')).toMatch(/printable ASCII/);
  });

  test('every form of it is masked: the header, its base64 alone, user:password, the value', () => {
    const rule: HeaderRule = { type: 'basic', template: 'x-access-token:{value}' };
    const b64 = Buffer.from(`x-access-token:${V}`).toString('base64');
    for (const echo of [
      `Basic ${b64}`,
      b64,
      `x-access-token:${V}`,
      V,
      encodeURIComponent(`x-access-token:${V}`),
      Buffer.from(`x-access-token:${V}`).toString('base64url'),
    ]) {
      const out = masked(rule, [V], `seen=${echo};`);
      expect(out, echo).toBe(`seen=${'*'.repeat(echo.length)};`);
    }
  });
});

describe('query parameter', () => {
  test('the value is carried percent-encoded, and masked in every form an echo takes', () => {
    const value = 'AIza/x y+z';
    const inj = ok({ type: 'query', param: 'key' }, [value]);
    expect(inj.headers).toEqual([]);
    expect(inj.query).toEqual({ param: 'key', value: 'AIza%2Fx%20y%2Bz' });
    for (const echo of ['AIza%2Fx%20y%2Bz', 'AIza%2fx%20y%2bz', 'AIza%2Fx+y%2Bz', value]) expect(inj.mask?.maskText(echo), echo).toBe('*'.repeat(echo.length));
  });

  test('names are unreserved characters only', () => {
    expect(queryParamProblem('key')).toBeUndefined();
    expect(queryParamProblem('api_key')).toBeUndefined();
    for (const bad of ['', 'k&y', 'k=y', 'k%79', 'k y', 'ke#y']) expect(queryParamProblem(bad), bad).toMatch(/query parameter/);
  });
});

describe('several headers from several references', () => {
  const rule: HeaderRule = {
    type: 'headers',
    headers: [
      { header: 'cf-access-client-id', template: '{value}' },
      { header: 'cf-access-client-secret', template: '{value}', reference: 'local://cf-secret' },
    ],
  };
  test('each header takes its own value, and both are masked', () => {
    const inj = ok(rule, ['id.access', 'secret-VALUE-2']);
    expect(inj.headers).toEqual([
      ['cf-access-client-id', 'id.access'],
      ['cf-access-client-secret', 'secret-VALUE-2'],
    ]);
    expect(inj.mask?.maskText('id.access secret-VALUE-2')).toBe('********* **************');
  });

  test('the wrong number of values, or one that cannot be sent, is refused (naming which, never the value)', () => {
    const short = buildInjection(mapping(rule), ['only-one']);
    expect(short.ok ? '' : short.message).toMatch(/takes 2 values and 1 came back/);
    const crlf = buildInjection(mapping(rule), ['id', 'sec\r\nX-Evil: 1']);
    expect(crlf.ok).toBe(false);
    expect(crlf.ok ? '' : crlf.message).toMatch(/line break.*reference 2/);
    expect(crlf.ok ? '' : crlf.message).not.toContain('Evil');
  });

  test('the schema wants distinct names, at least two, and no reference on the first (the mapping’s own)', () => {
    const part = { header: 'a', template: '{value}' };
    expect(HeaderRule.safeParse({ type: 'headers', headers: [part] }).success).toBe(false);
    expect(HeaderRule.safeParse({ type: 'headers', headers: [part, part] }).success).toBe(false);
    expect(
      HeaderRule.safeParse({
        type: 'headers',
        headers: [
          { ...part, reference: 'local://x' },
          { header: 'b', template: '{value}' },
        ],
      }).success,
    ).toBe(false);
    expect(HeaderRule.safeParse({ type: 'headers', headers: [part, { header: 'B', template: 'k {value}', reference: 'local://b' }] }).success).toBe(true);
  });
});

test('CR/LF in a value is refused for every shape, before anything is written', () => {
  for (const rule of [{ type: 'bearer' }, { type: 'basic', template: 'x:{value}' }, { type: 'query', param: 'key' }] as HeaderRule[]) {
    const r = buildInjection(mapping(rule), ['abc\r\ninjected: 1']);
    expect(r.ok, rule.type).toBe(false);
  }
});
