// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import type { ControlParams, MappingView } from '../../../src/shared/control-api.js';
import type { HeaderRule } from '../../../src/shared/header-rule.js';
import { MappingsScreen } from '../../../renderer/src/screens/mappings/mappings-screen.js';
import { draftOf, ruleOf } from '../../../renderer/src/screens/mappings/shape-draft.js';
import { renderScreen } from './support/fake-launcher.js';

const view = (p: ControlParams<'mappings.add'>): MappingView => ({
  name: `${p.host}${p.path ?? ''}`,
  host: p.host,
  ...(p.path ? { path: p.path } : {}),
  ...(p.methods ? { methods: p.methods } : {}),
  reference: p.reference,
  rule: p.rule ?? { type: 'bearer' },
  header: 'authorization',
  createdAt: '2026-11-25T00:00:00.000Z',
});
const stored = (host: string, rule: HeaderRule, extra: Partial<MappingView> = {}): MappingView => ({
  name: host,
  host,
  reference: 'op://Dev/Item/credential',
  rule,
  header: 'authorization',
  createdAt: '2026-11-25T00:00:00.000Z',
  ...extra,
});

/** The Mappings screen with a scripted launcher that keeps what is added. */
function mappingsScreen(initial: MappingView[] = []) {
  let mappings = [...initial];
  const rendered = renderScreen(<MappingsScreen />, {
    'mappings.list': () => mappings,
    'picker.vaults': () => [],
    'mappings.add': (p) => {
      const m = view(p);
      mappings = [...mappings.filter((x) => x.name !== m.name), m];
      return m;
    },
  });
  return { ...rendered, added: () => rendered.launcher.callsOf('mappings.add') as ControlParams<'mappings.add'>[] };
}

const EVERY_SHAPE: [string, HeaderRule][] = [
  ['x-api-key', { type: 'x-api-key' }],
  ['Bearer on a host whose default is x-api-key', { type: 'bearer' }],
  ['a header with a template', { type: 'custom', header: 'x-goog-api-key', template: 'Key {value}' }],
  ['Basic from a template', { type: 'basic', template: 'x-access-token:{value}' }],
  ['Basic with the key as the user (Stripe)', { type: 'basic', template: '{value}:' }],
  ['a query parameter', { type: 'query', param: 'key' }],
  [
    'several headers, each with its own reference',
    {
      type: 'headers',
      headers: [
        { header: 'cf-access-client-id', template: '{value}' },
        { header: 'cf-access-client-secret', template: '{value}', reference: 'op://Dev/CF/secret' },
        { header: 'x-extra', template: 'v={value}', reference: 'local://extra' },
      ],
    },
  ],
];

describe('the shape as the form holds it', () => {
  test.each(EVERY_SHAPE)('%s: fields and back give the same rule', (_, rule) => {
    expect(ruleOf(draftOf(rule))).toEqual({ rule });
  });

  test('each field says what is wrong, in the core’s words', () => {
    expect(ruleOf({ ...draftOf({ type: 'basic', template: 'x' }) })).toEqual({
      problems: { basic: expect.stringMatching(/^The Basic template must contain \{value\}/) },
    });
    expect(ruleOf(draftOf({ type: 'query', param: 'k&y' }))).toEqual({ problems: { param: expect.stringMatching(/^The query parameter must be/) } });
    const twoSame = draftOf({
      type: 'headers',
      headers: [
        { header: 'a', template: '{value}' },
        { header: 'b', template: '{value}', reference: 'local://b' },
      ],
    });
    expect(ruleOf({ ...twoSame, parts: [twoSame.parts[0]!, { ...twoSame.parts[1]!, header: 'A' }] })).toEqual({
      problems: { parts: 'The headers must name each header once.' },
    });
    expect(ruleOf({ ...twoSame, parts: [twoSame.parts[0]!, { ...twoSame.parts[1]!, reference: '' }] })).toEqual({
      problems: { part: { 1: { reference: expect.stringMatching(/^Choose this header’s secret/) } } },
    });
  });
});

describe('editing keeps the stored shape', () => {
  test.each(EVERY_SHAPE)('%s: Save without changes sends the same rule back', async (_, rule) => {
    const { user, added } = mappingsScreen([stored('api.anthropic.com', rule)]);
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await screen.findByText('Saved api.anthropic.com.');
    expect(added()).toEqual([{ host: 'api.anthropic.com', reference: 'op://Dev/Item/credential', rule, replace: true }]);
  });

  test('changing the methods of a Basic mapping on a path keeps its shape and path', async () => {
    const rule = { type: 'basic', template: 'oauth2:{value}' } as const;
    const { user, added } = mappingsScreen([stored('gitlab.com', rule, { name: 'gitlab.com/group', path: '/group', methods: ['GET'] })]);
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    await user.clear(screen.getByLabelText('Methods'));
    await user.type(screen.getByLabelText('Methods'), 'GET, POST');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(added()).toEqual([{ host: 'gitlab.com', path: '/group', reference: 'op://Dev/Item/credential', rule, methods: ['GET', 'POST'], replace: true }]);
  });

  test('a shape can be changed to another: Basic becomes a query parameter', async () => {
    const { user, added } = mappingsScreen([stored('maps.example.com', { type: 'basic', template: 'u:{value}' })]);
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    expect((screen.getByLabelText('User and password') as HTMLInputElement).value).toBe('u:{value}');
    await user.selectOptions(screen.getByLabelText('Sent as'), 'A query parameter (?key=…)');
    await user.type(screen.getByLabelText('Query parameter'), 'key');
    expect(screen.getByText('?key=<value>', { selector: 'code' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(added()[0]?.rule).toEqual({ type: 'query', param: 'key' });
  });

  test('several headers: each header’s secret stays with it, and one more header can be added', async () => {
    const rule = EVERY_SHAPE[6]![1];
    const { user, added } = mappingsScreen([stored('app.example.com', rule)]);
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    const second = screen.getByRole('group', { name: 'Secret for cf-access-client-secret' });
    expect((within(second).getByLabelText('Reference') as HTMLInputElement).value).toBe('op://Dev/CF/secret');
    await user.click(screen.getByRole('button', { name: 'Add a header' }));
    const fourth = screen.getByRole('group', { name: 'Header 4' });
    await user.type(within(fourth).getByLabelText('Header name'), 'x-more');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    // The new header has no secret yet: said where it is chosen, nothing sent.
    const missing = screen.getByRole('group', { name: 'Secret for x-more' });
    expect(within(missing).getByText(/^Choose this header’s secret/)).toBeTruthy();
    expect(added()).toEqual([]);
    await user.click(within(missing).getByRole('radio', { name: 'Type a reference' }));
    await user.type(within(missing).getByLabelText('Reference'), 'local://more');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(added()[0]?.rule).toEqual({
      type: 'headers',
      headers: [...(rule.type === 'headers' ? rule.headers : []), { header: 'x-more', template: '{value}', reference: 'local://more' }],
    });
  });
});

describe('adding starts from a service', () => {
  test('the list narrows as you type; a service’s hosts come from its preset, each with its shape', async () => {
    const { user, added } = mappingsScreen();
    await user.click(await screen.findByRole('button', { name: 'Add' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search services' }), 'git');
    const services = screen.getAllByRole('radio').map((r) => r.closest('label')?.textContent);
    expect(services).toEqual(['GitHub', 'GitLab (git over HTTPS)', 'GitLab API', 'Other / custom host', 'From 1Password', 'Type a reference']);
    await user.click(screen.getByRole('radio', { name: 'GitHub' }));
    const hosts = screen.getByRole('group', { name: 'Hosts' });
    expect((within(hosts).getByRole('checkbox', { name: 'github.com' }) as HTMLInputElement).checked).toBe(true);
    expect(within(hosts).getByRole('checkbox', { name: 'github.com' }).getAttribute('aria-describedby')).toBeTruthy();
    expect(within(hosts).getByText('Basic x-access-token:<value>')).toBeTruthy();
    expect((screen.getByLabelText('Sent as') as HTMLSelectElement).value).toBe('basic');
    // Both hosts: git over HTTPS and gh's API, one secret, each its own shape.
    await user.click(within(hosts).getByRole('checkbox', { name: 'api.github.com' }));
    expect(screen.queryByLabelText('Sent as')).toBeNull();
    expect(screen.getByText('Each host gets its own shape:')).toBeTruthy();
    await user.click(screen.getByRole('radio', { name: 'Type a reference' }));
    await user.type(screen.getByLabelText('Reference'), 'op://Dev/GitHub/token');
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(added()).toEqual([
      { host: 'github.com', reference: 'op://Dev/GitHub/token', rule: { type: 'basic', template: 'x-access-token:{value}' } },
      { host: 'api.github.com', reference: 'op://Dev/GitHub/token', rule: { type: 'bearer' } },
    ]);
    expect(await screen.findByText('Mapped github.com, api.github.com.')).toBeTruthy();
  });

  test('the GitLab API preset is gitlab.com on /api with PRIVATE-TOKEN', async () => {
    const { user, added } = mappingsScreen();
    await user.click(await screen.findByRole('button', { name: 'Add' }));
    await user.click(screen.getByRole('radio', { name: 'GitLab API' }));
    expect((screen.getByLabelText('Path prefix') as HTMLInputElement).value).toBe('/api');
    expect(screen.getByText('private-token: <value>', { selector: 'code' })).toBeTruthy();
    await user.click(screen.getByRole('radio', { name: 'Type a reference' }));
    await user.type(screen.getByLabelText('Reference'), 'local://gitlab');
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(added()).toEqual([
      { host: 'gitlab.com', path: '/api', reference: 'local://gitlab', rule: { type: 'custom', header: 'private-token', template: '{value}' } },
    ]);
  });

  test('a service’s preset on another host (GitHub Enterprise); Other follows the host’s catalog shape until the shape is edited', async () => {
    const { user, added } = mappingsScreen();
    await user.click(await screen.findByRole('button', { name: 'Add' }));
    await user.click(screen.getByRole('radio', { name: 'GitHub' }));
    await user.click(screen.getByRole('checkbox', { name: 'github.com' }));
    await user.click(screen.getByRole('checkbox', { name: 'Another host' }));
    await user.type(screen.getByRole('textbox', { name: 'Host' }), 'ghe.corp.example');
    await user.click(screen.getByRole('radio', { name: 'Type a reference' }));
    await user.type(screen.getByLabelText('Reference'), 'local://ghe');
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(added()).toEqual([{ host: 'ghe.corp.example', reference: 'local://ghe', rule: { type: 'basic', template: 'x-access-token:{value}' } }]);

    await user.click(await screen.findByRole('button', { name: 'Add' }));
    await user.click(screen.getByRole('radio', { name: 'Other / custom host' }));
    await user.type(screen.getByRole('textbox', { name: 'Host' }), 'api.stripe.com');
    expect((screen.getByLabelText('Sent as') as HTMLSelectElement).value).toBe('basic');
    expect((screen.getByLabelText('User and password') as HTMLInputElement).value).toBe('{value}:');
  });

  test('a service with no host of its own asks for one, and says so when it is missing', async () => {
    const { user, added } = mappingsScreen();
    await user.click(await screen.findByRole('button', { name: 'Add' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search services' }), 'access');
    await user.click(screen.getByRole('radio', { name: 'Cloudflare Access service token' }));
    expect(screen.getAllByRole('group', { name: /^Secret for cf-access-client-/ })).toHaveLength(2);
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(screen.getByText('Enter the host agents call, such as api.example.com.')).toBeTruthy();
    expect(screen.getByRole('textbox', { name: 'Host' }).getAttribute('aria-invalid')).toBe('true');
    expect(added()).toEqual([]);
  });
});
