// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import { describe, expect, test } from 'vitest';
import userEvent from '@testing-library/user-event';
import type { ControlParams, ControlResult, MappingView } from '../../../src/shared/control-api.js';
import { MappingsScreen } from '../../../renderer/src/screens/mappings/mappings-screen.js';
import { deferred, refusal, renderScreen } from './support/fake-launcher.js';

const anthropic: MappingView = {
  name: 'api.anthropic.com',
  host: 'api.anthropic.com',
  reference: 'op://Dev/Anthropic/credential',
  rule: { type: 'x-api-key' },
  header: 'x-api-key',
  route: 'anthropic',
  createdAt: '2025-03-04T10:00:00.000Z',
};
const asView = (p: ControlParams<'mappings.add'>): MappingView => ({
  name: p.host,
  host: p.host,
  reference: p.reference,
  rule: p.rule ?? { type: 'bearer' },
  header: 'authorization',
  createdAt: new Date().toISOString(),
});
const BEARER = { type: 'bearer' } as const;
const GITLAB_API: ControlResult<'import.suggestions'>[number] = {
  host: 'gitlab.com',
  path: '/api',
  reference: 'op://Dev/GitLab/token',
  item: 'GitLab',
  vault: 'Dev',
  preset: 'gitlab-api',
  service: 'GitLab API',
  rule: { type: 'custom', header: 'private-token', template: '{value}' },
};
/** "Other / custom host": the form asks for a host. */
const chooseOther = (user: ReturnType<typeof userEvent.setup>) => user.click(screen.getByRole('radio', { name: 'Other / custom host' }));

const rowOf = (host: string) => {
  const item = within(screen.getByRole('list', { name: 'Mappings' }))
    .getAllByRole('listitem')
    .find((li) => li.querySelector('.host')?.textContent === host);
  if (!item) throw new Error(`no row for ${host}`);
  return item;
};

describe('Mappings screen', () => {
  test('loading, then each mapping with its reference, shape and base URL', async () => {
    const list = deferred<ControlResult<'mappings.list'>>();
    renderScreen(<MappingsScreen />, { 'mappings.list': () => list.promise });
    expect(screen.getByText('Loading mappings…')).toBeTruthy();
    list.resolve([anthropic]);
    await screen.findByRole('list', { name: 'Mappings' });
    expect(rowOf('api.anthropic.com').textContent).toMatch(/op:\/\/Dev\/Anthropic\/credentialSent as x-api-key: <value> · base URL \/r\/anthropic/);
  });

  test('none yet says how to add one', async () => {
    renderScreen(<MappingsScreen />, { 'mappings.list': () => [] });
    expect(await screen.findByText('No mappings yet. Add one, or pick from the suggestions below.')).toBeTruthy();
  });

  test('adding with a typed reference sends it with its shape, returns to the list and says what the host gets', async () => {
    const mappings: MappingView[] = [];
    const { launcher, user } = renderScreen(<MappingsScreen />, {
      'mappings.list': () => [...mappings],
      'picker.vaults': () => [],
      'mappings.add': (p) => {
        const m = asView(p);
        mappings.push(m);
        return m;
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Add' }));
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Add a mapping', level: 1 }));
    await chooseOther(user);
    await user.type(screen.getByLabelText('Host'), 'api.openai.com');
    await user.click(screen.getByRole('radio', { name: 'Type a reference' }));
    await user.type(screen.getByLabelText('Reference'), 'op://Dev/OpenAI/credential');
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(launcher.callsOf('mappings.add')).toEqual([{ host: 'api.openai.com', reference: 'op://Dev/OpenAI/credential', rule: BEARER }]);
    expect((await screen.findByText(/^Mapped api\.openai\.com/)).textContent).toBe('Mapped api.openai.com: requests to it get Authorization: Bearer <value>.');
    expect(rowOf('api.openai.com')).toBeTruthy();
  });

  test('what the form can tell on its own is said at each field, and nothing is sent', async () => {
    const { launcher, user } = renderScreen(<MappingsScreen />, { 'mappings.list': () => [], 'picker.vaults': () => [] });
    await user.click(await screen.findByRole('button', { name: 'Add' }));
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(screen.getByText('Choose a service, or Other / custom host.')).toBeTruthy();
    await chooseOther(user);
    await user.selectOptions(screen.getByLabelText('Sent as'), 'A header, from a template');
    await user.type(screen.getByLabelText('Header name'), 'x api key');
    await user.clear(screen.getByLabelText('Value template'));
    await user.type(screen.getByLabelText('Value template'), 'Bearer');
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(screen.getByText('Enter the host agents call, such as api.example.com.')).toBeTruthy();
    expect(screen.getByText('Choose a vault, an item and a field.')).toBeTruthy();
    // The header and template rules are shared with the core (their wording is theirs): each field says what is wrong, tied to it.
    for (const label of ['Header name', 'Value template']) {
      const field = screen.getByLabelText(label);
      expect(field.getAttribute('aria-invalid')).toBe('true');
      const problem = document.getElementById(
        field
          .getAttribute('aria-describedby')
          ?.split(' ')
          .find((d) => d.endsWith('-problem')) ?? '',
      );
      expect(problem?.textContent).toMatch(label === 'Header name' ? /x-api-key/ : /\{value\}/);
    }
    expect(launcher.callsOf('mappings.add')).toEqual([]);
  });

  test('a reference the launcher refuses: its fix is shown and what was typed stays', async () => {
    const { user } = renderScreen(<MappingsScreen />, {
      'mappings.list': () => [],
      'picker.vaults': () => [],
      'mappings.add': () => Promise.reject(refusal('bad_reference', 'op://Dev/OpenAI is not a field reference: use op://vault/item/field.')),
    });
    await user.click(await screen.findByRole('button', { name: 'Add' }));
    await chooseOther(user);
    await user.type(screen.getByLabelText('Host'), 'api.openai.com');
    await user.click(screen.getByRole('radio', { name: 'Type a reference' }));
    await user.type(screen.getByLabelText('Reference'), 'op://Dev/OpenAI{Enter}');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('op://Dev/OpenAI is not a field reference: use op://vault/item/field.');
    expect(alert.dataset.code).toBe('bad_reference');
    expect((screen.getByLabelText('Host') as HTMLInputElement).value).toBe('api.openai.com');
    expect((screen.getByLabelText('Reference') as HTMLInputElement).value).toBe('op://Dev/OpenAI');
  });

  test('picking from 1Password before a service: the item’s website names the service and its host', async () => {
    const { launcher, user } = renderScreen(<MappingsScreen />, {
      'mappings.list': () => [],
      'picker.vaults': () => [{ id: 'v1', name: 'Dev' }],
      'picker.items': () => [{ id: 'i1', title: 'OpenAI', category: 'API_CREDENTIAL', urls: ['https://api.openai.com/v1'] }],
      'picker.fields': () => [{ id: 'f1', label: 'credential', type: 'CONCEALED', reference: 'op://Dev/OpenAI/credential' }],
      'mappings.add': (p) => asView(p),
    });
    await user.click(await screen.findByRole('button', { name: 'Add' }));
    await user.selectOptions(screen.getByLabelText('Vault'), await screen.findByRole('option', { name: 'Dev' }));
    await user.selectOptions(screen.getByLabelText('Item'), await screen.findByRole('option', { name: 'OpenAI (api.openai.com)' }));
    await user.selectOptions(screen.getByLabelText('Field'), await screen.findByRole('option', { name: 'credential (concealed)' }));
    expect((screen.getByRole('radio', { name: 'OpenAI' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('checkbox', { name: 'api.openai.com' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText('op://Dev/OpenAI/credential', { selector: 'code' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(launcher.callsOf('picker.items')).toEqual([{ vaultId: 'v1' }]);
    expect(launcher.callsOf('picker.fields')).toEqual([{ vaultId: 'v1', itemId: 'i1' }]);
    expect(launcher.callsOf('mappings.add')).toEqual([{ host: 'api.openai.com', reference: 'op://Dev/OpenAI/credential', rule: BEARER }]);
  });

  test('a locked 1Password in the picker shows its fix, and Try again asks again', async () => {
    let locked = true;
    const { user } = renderScreen(<MappingsScreen />, {
      'mappings.list': () => [],
      'picker.vaults': () => (locked ? Promise.reject(refusal('auth_required', 'Unlock the 1Password app, then retry.')) : [{ id: 'v1', name: 'Dev' }]),
    });
    await user.click(await screen.findByRole('button', { name: 'Add' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Unlock the 1Password app, then retry.');
    locked = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('option', { name: 'Dev' })).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  test('Test shows the masked value, Test a request the status and header, never a value', async () => {
    const { launcher, user } = renderScreen(<MappingsScreen />, {
      'mappings.list': () => [anthropic],
      'mappings.test': () => ({ ok: true, header: 'x-api-key', masked: 'sk-a…x9', length: 40 }),
      'mappings.probe': () => ({ status: 200, header: 'x-api-key', ms: 210.2 }),
    });
    await screen.findByRole('list', { name: 'Mappings' });
    const actions = within(rowOf('api.anthropic.com')).getByRole('group', { name: 'Actions for api.anthropic.com' });
    await user.click(within(actions).getByRole('button', { name: 'Test' }));
    expect((await within(rowOf('api.anthropic.com')).findByText(/^Resolved/)).textContent).toBe('Resolved: x-api-key gets sk-a…x9.');
    await user.click(within(actions).getByRole('button', { name: 'Test a request' }));
    expect((await within(rowOf('api.anthropic.com')).findByText(/^Status/)).textContent).toBe(
      'Status 200 in 210 ms, with the x-api-key header added by the gateway. The value never left it.',
    );
    expect(launcher.callsOf('mappings.test')).toEqual([{ host: 'api.anthropic.com' }]);
  });

  test('a test that cannot resolve says why and what to do', async () => {
    const { user } = renderScreen(<MappingsScreen />, {
      'mappings.list': () => [anthropic],
      'mappings.test': () => ({ ok: false, code: 'not_found', message: 'op://Dev/Anthropic/credential: no such item. Pick it again under Mappings.' }),
      'mappings.probe': () => Promise.reject(refusal('unavailable', 'The gateway is not running: press Restart on Status.')),
    });
    await screen.findByRole('list', { name: 'Mappings' });
    await user.click(screen.getByRole('button', { name: 'Test' }));
    expect((await within(rowOf('api.anthropic.com')).findByText(/no such item/)).textContent).toBe(
      'op://Dev/Anthropic/credential: no such item. Pick it again under Mappings.',
    );
    await user.click(screen.getByRole('button', { name: 'Test a request' }));
    expect((await within(rowOf('api.anthropic.com')).findByRole('alert')).textContent).toBe('The gateway is not running: press Restart on Status.');
  });

  test('Edit keeps the host and replaces the mapping; Remove asks first', async () => {
    let mappings = [anthropic];
    const { launcher, user } = renderScreen(<MappingsScreen />, {
      'mappings.list': () => mappings,
      'mappings.add': (p) => asView(p),
      'mappings.remove': ({ host }) => {
        mappings = mappings.filter((m) => m.host !== host);
        return { removed: true };
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Edit' }));
    expect(screen.getByRole('heading', { name: 'Edit api.anthropic.com' })).toBeTruthy();
    const reference = screen.getByLabelText('Reference');
    await user.clear(reference);
    await user.type(reference, 'op://Dev/Anthropic/key2');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(launcher.callsOf('mappings.add')).toEqual([
      { host: 'api.anthropic.com', reference: 'op://Dev/Anthropic/key2', rule: { type: 'x-api-key' }, replace: true },
    ]);
    expect(await screen.findByText('Saved api.anthropic.com.')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Remove' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove api.anthropic.com?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('Removed api.anthropic.com.')).toBeTruthy();
    expect(launcher.callsOf('mappings.remove')).toEqual([{ host: 'api.anthropic.com' }]);
  });

  test('suggestions from 1Password map a host in one click, with the service’s preset the row shows', async () => {
    const basic = { type: 'basic', template: 'x-access-token:{value}' } as const;
    const { launcher, user } = renderScreen(<MappingsScreen />, {
      'mappings.list': () => [],
      'import.suggestions': () => [
        { host: 'github.com', reference: 'op://Dev/GitHub/token', item: 'GitHub', vault: 'Dev', preset: 'github', service: 'GitHub', rule: basic },
        GITLAB_API,
      ],
      'mappings.add': (p) => ({ ...asView(p), name: `${p.host}${p.path ?? ''}` }),
    });
    await user.click(await screen.findByRole('button', { name: 'Find' }));
    const row = (await screen.findByRole('button', { name: 'Add github.com' })).closest('li');
    expect(row?.textContent).toContain('GitHub · Sent as Basic x-access-token:<value>');
    await user.click(screen.getByRole('button', { name: 'Add github.com' }));
    expect(launcher.callsOf('mappings.add')).toEqual([{ host: 'github.com', reference: 'op://Dev/GitHub/token', rule: basic }]);
    expect(await screen.findByText('Mapped github.com.')).toBeTruthy();
  });

  test('a suggestion on a catalog path (the GitLab API) is added on that path', async () => {
    const { rule } = GITLAB_API;
    const { launcher, user } = renderScreen(<MappingsScreen />, {
      'mappings.list': () => [],
      'import.suggestions': () => [GITLAB_API],
      'mappings.add': (p) => ({ ...asView(p), name: `${p.host}${p.path ?? ''}` }),
    });
    await user.click(await screen.findByRole('button', { name: 'Find' }));
    await user.click(await screen.findByRole('button', { name: 'Add gitlab.com/api' }));
    expect(launcher.callsOf('mappings.add')).toEqual([{ host: 'gitlab.com', path: '/api', reference: 'op://Dev/GitLab/token', rule }]);
    expect(await screen.findByText('Mapped gitlab.com/api.')).toBeTruthy();
  });

  test('when the list cannot be read, the launcher’s fix is shown', async () => {
    renderScreen(<MappingsScreen />, {
      'mappings.list': () => Promise.reject(refusal('unavailable', 'Settings are being migrated; reopen this window in a moment.')),
    });
    expect((await screen.findByRole('alert')).textContent).toBe('Settings are being migrated; reopen this window in a moment.');
  });

  test('a path prefix and methods: sent with the mapping, shown on its row under its HOST/PREFIX name', async () => {
    const mappings: MappingView[] = [];
    const { launcher, user } = renderScreen(<MappingsScreen />, {
      'mappings.list': () => [...mappings],
      'picker.vaults': () => [],
      'mappings.add': (p) => {
        const m: MappingView = {
          ...asView(p),
          name: `${p.host}${p.path ?? ''}`,
          ...(p.path ? { path: p.path } : {}),
          ...(p.methods ? { methods: p.methods } : {}),
        };
        mappings.push(m);
        return m;
      },
    });
    await user.click(await screen.findByRole('button', { name: 'Add' }));
    await chooseOther(user);
    await user.type(screen.getByLabelText('Host'), 'api.github.com');
    await user.click(screen.getByRole('radio', { name: 'Type a reference' }));
    await user.type(screen.getByLabelText('Reference'), 'local://gh-read');
    await user.click(screen.getByText('Path and methods (optional)'));
    await user.type(screen.getByLabelText('Path prefix'), '/repos/acme');
    await user.type(screen.getByLabelText('Methods'), 'get, head');
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(launcher.callsOf('mappings.add')).toEqual([
      { host: 'api.github.com', reference: 'local://gh-read', rule: BEARER, path: '/repos/acme', methods: ['GET', 'HEAD'] },
    ]);
    expect(await screen.findByText(/^Mapped api\.github\.com\/repos\/acme/)).toBeTruthy();
    expect(rowOf('api.github.com/repos/acme').textContent).toMatch(/GET, HEAD only · Sent as Authorization: Bearer <value>/);
  });

  test('a path or methods the gateway would refuse are explained at the field, and nothing is sent', async () => {
    const { launcher, user } = renderScreen(<MappingsScreen />, { 'mappings.list': () => [], 'picker.vaults': () => [] });
    await user.click(await screen.findByRole('button', { name: 'Add' }));
    await chooseOther(user);
    await user.type(screen.getByLabelText('Host'), 'api.github.com');
    await user.click(screen.getByText('Path and methods (optional)'));
    await user.type(screen.getByLabelText('Path prefix'), '/repos/../admin');
    await user.type(screen.getByLabelText('Methods'), 'GET, PO-ST');
    await user.click(screen.getByRole('button', { name: 'Add mapping' }));
    expect(screen.getByLabelText('Path prefix').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('A path prefix may not contain “.” or “..” segments.')).toBeTruthy();
    expect(screen.getByText('“PO-ST” is not an HTTP method: use names such as GET, POST.')).toBeTruthy();
    expect(launcher.callsOf('mappings.add')).toEqual([]);
  });
});
