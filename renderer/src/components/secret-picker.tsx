import { useId, useState } from 'react';
import { useQuery } from '../api/use-call.js';
import type { ControlCallError } from '../transport/control-call-error.js';
import { ActionButton } from './action-button.js';
import { BusyNote, ErrorNote } from './notes.js';

interface Props {
  /** The reference picked so far ('' until a field is chosen). */
  readonly reference: string;
  /** A field was chosen; `host` is suggested from the item's website when it has one. */
  onPick(reference: string, host: string | undefined): void;
}

/** The host (with a port other than 443) an item's website points at, to prefill the mapping. */
function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url.includes('://') ? url : `https://${url}`);
    return u.port && u.port !== '443' ? `${u.hostname}:${u.port}` : u.hostname;
  } catch {
    return undefined;
  }
}

/** Vault → item → field from 1Password; the field's op:// reference is what a mapping stores. */
export function SecretPicker({ reference, onPick }: Props) {
  const id = useId();
  const [vaultId, setVaultId] = useState('');
  const [itemId, setItemId] = useState('');
  const vaults = useQuery('picker.vaults', {});
  const items = useQuery('picker.items', { vaultId }, vaultId !== '');
  const fields = useQuery('picker.fields', { vaultId, itemId }, vaultId !== '' && itemId !== '');
  const item = items.data?.find((i) => i.id === itemId);

  return (
    <div className="picker">
      <div className="field">
        <label htmlFor={`${id}-vault`}>Vault</label>
        <select
          id={`${id}-vault`}
          className="input"
          value={vaultId}
          onChange={(e) => {
            setVaultId(e.target.value);
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
        </select>
      </div>
      {vaults.error && <Retry error={vaults.error} onRetry={vaults.reload} />}

      {vaultId !== '' && (
        <div className="field">
          <label htmlFor={`${id}-item`}>Item</label>
          <select
            id={`${id}-item`}
            className="input"
            value={itemId}
            onChange={(e) => {
              setItemId(e.target.value);
              onPick('', undefined);
            }}
          >
            <option value="">{items.loading ? 'Loading items…' : items.data?.length === 0 ? 'This vault has no items' : 'Choose an item…'}</option>
            {items.data?.map((i) => (
              <option key={i.id} value={i.id}>
                {i.title}
                {i.urls[0] ? ` (${hostOf(i.urls[0])})` : ''}
              </option>
            ))}
          </select>
        </div>
      )}
      {items.error && <Retry error={items.error} onRetry={items.reload} />}

      {itemId !== '' && (
        <div className="field">
          <label htmlFor={`${id}-field`}>Field</label>
          <select id={`${id}-field`} className="input" value={reference} onChange={(e) => onPick(e.target.value, hostOf(item?.urls[0]))}>
            <option value="">{fields.loading ? 'Loading fields…' : 'Choose a field…'}</option>
            {fields.data?.map((f) => (
              <option key={f.id} value={f.reference}>
                {f.section ? `${f.section} › ` : ''}
                {f.label}
                {f.type === 'CONCEALED' ? ' (concealed)' : ''}
              </option>
            ))}
          </select>
        </div>
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
