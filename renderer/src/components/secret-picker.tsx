import { useState } from 'react';
import { useQuery } from '../api/use-call.js';
import type { ControlCallError } from '../transport/control-call-error.js';
import { ActionButton } from './action-button.js';
import { BusyNote, ErrorNote } from './notes.js';
import { SelectField } from './select-field.js';

/** Where an item's website points: its host (with a port other than 443) and path, to prefill the mapping. */
export interface ItemSite {
  readonly host: string;
  readonly path: string;
}

interface Props {
  /** The reference picked so far ('' until a field is chosen). */
  readonly reference: string;
  /** A field was chosen; `site` is the item's website when it has one. */
  onPick(reference: string, site: ItemSite | undefined): void;
}

function siteOf(url: string | undefined): ItemSite | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url.includes('://') ? url : `https://${url}`);
    return { host: u.port && u.port !== '443' ? `${u.hostname}:${u.port}` : u.hostname, path: u.pathname };
  } catch {
    return undefined;
  }
}

/** Vault → item → field from 1Password; the field's op:// reference is what a mapping stores. */
export function SecretPicker({ reference, onPick }: Props) {
  const [vaultId, setVaultId] = useState('');
  const [itemId, setItemId] = useState('');
  const vaults = useQuery('picker.vaults', {});
  const items = useQuery('picker.items', { vaultId }, vaultId !== '');
  const fields = useQuery('picker.fields', { vaultId, itemId }, vaultId !== '' && itemId !== '');
  const item = items.data?.find((i) => i.id === itemId);

  return (
    <div className="picker">
      <SelectField
        label="Vault"
        value={vaultId}
        onChange={(v) => {
          setVaultId(v);
          setItemId('');
          onPick('', undefined);
        }}
      >
        <option value="">{vaults.loading ? 'Loading vaults…' : 'Choose a vault…'}</option>
        {vaults.data?.map((v) => (
          <option key={v.id} value={v.id}>
            {v.name}
          </option>
        ))}
      </SelectField>
      {vaults.error && <Retry error={vaults.error} onRetry={vaults.reload} />}

      {vaultId !== '' && (
        <SelectField
          label="Item"
          value={itemId}
          onChange={(i) => {
            setItemId(i);
            onPick('', undefined);
          }}
        >
          <option value="">{items.loading ? 'Loading items…' : items.data?.length === 0 ? 'This vault has no items' : 'Choose an item…'}</option>
          {items.data?.map((i) => {
            const site = siteOf(i.urls[0]);
            return (
              <option key={i.id} value={i.id}>
                {i.title}
                {site ? ` (${site.host})` : ''}
              </option>
            );
          })}
        </SelectField>
      )}
      {items.error && <Retry error={items.error} onRetry={items.reload} />}

      {itemId !== '' && (
        <SelectField label="Field" value={reference} onChange={(ref) => onPick(ref, siteOf(item?.urls[0]))}>
          <option value="">{fields.loading ? 'Loading fields…' : 'Choose a field…'}</option>
          {fields.data?.map((f) => (
            <option key={f.id} value={f.reference}>
              {f.section ? `${f.section} › ` : ''}
              {f.label}
              {f.type === 'CONCEALED' ? ' (concealed)' : ''}
            </option>
          ))}
        </SelectField>
      )}
      {fields.error && <Retry error={fields.error} onRetry={fields.reload} />}
      {(items.loading || fields.loading) && <BusyNote>Asking 1Password…</BusyNote>}
    </div>
  );
}

function Retry({ error, onRetry }: { error: ControlCallError; onRetry(): void }) {
  return (
    <div className="retry">
      <ErrorNote error={error} />
      <ActionButton small onClick={onRetry}>
        Try again
      </ActionButton>
    </div>
  );
}
