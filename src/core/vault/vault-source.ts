/** What the picker shows: never values. */
export interface VaultSummary {
  readonly id: string;
  readonly name: string;
}

export interface ItemSummary {
  readonly id: string;
  readonly title: string;
  /** 1Password category, e.g. LOGIN, API_CREDENTIAL, PASSWORD. */
  readonly category: string;
  /** URLs the item carries (LOGIN / API_CREDENTIAL), for mapping suggestions. */
  readonly urls: readonly string[];
}

export interface FieldSummary {
  readonly id: string;
  readonly label: string;
  /** 1Password field type, e.g. CONCEALED, STRING. */
  readonly type: string;
  readonly section?: string | undefined;
  /** The section's id, when the field is in one (the OneCLI door's `list-fields` answers with it). */
  readonly sectionId?: string | undefined;
  /** The `op://…` reference that reads this field. */
  readonly reference: string;
}

/**
 * One interface for every place a secret can come from: the 1Password SDK (service
 * account), the 1Password app through `op`, and local keychain secrets. Every method rejects
 * with a `VaultError` carrying one code of the shared vocabulary.
 */
export interface VaultSource {
  readonly kind: 'service-account' | 'desktop' | 'local';
  /** The secret's value for a reference this source understands. */
  resolve(reference: string): Promise<string>;
  listVaults(): Promise<VaultSummary[]>;
  listItems(vaultId: string): Promise<ItemSummary[]>;
  listFields(vaultId: string, itemId: string): Promise<FieldSummary[]>;
}
