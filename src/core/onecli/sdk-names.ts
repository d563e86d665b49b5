/**
 * Upstream's picker reads item categories and field types as the 1Password SDK spells them
 * (`Login`, `ApiCredentials`, `Concealed`: its row icons key on them, apps/web/…/
 * onepassword-picker-dialog.tsx `FIELD_ICONS`, `ITEM_ICONS`). A service account answers in those
 * names already; the desktop app, through `op`, answers in the CLI's (`LOGIN`, `API_CREDENTIAL`,
 * `CONCEALED`). The CLI's are turned into the SDK's (its ItemCategory and ItemFieldType enums,
 * @1password/sdk 0.5 types.d.ts); a name in neither table passes through unchanged.
 */

const CATEGORIES: Readonly<Record<string, string>> = {
  LOGIN: 'Login',
  SECURE_NOTE: 'SecureNote',
  CREDIT_CARD: 'CreditCard',
  CRYPTO_WALLET: 'CryptoWallet',
  IDENTITY: 'Identity',
  PASSWORD: 'Password',
  DOCUMENT: 'Document',
  API_CREDENTIAL: 'ApiCredentials',
  BANK_ACCOUNT: 'BankAccount',
  DATABASE: 'Database',
  DRIVER_LICENSE: 'DriverLicense',
  EMAIL_ACCOUNT: 'Email',
  MEDICAL_RECORD: 'MedicalRecord',
  MEMBERSHIP: 'Membership',
  OUTDOOR_LICENSE: 'OutdoorLicense',
  PASSPORT: 'Passport',
  REWARD_PROGRAM: 'Rewards',
  WIRELESS_ROUTER: 'Router',
  SERVER: 'Server',
  SSH_KEY: 'SshKey',
  SOCIAL_SECURITY_NUMBER: 'SocialSecurityNumber',
  SOFTWARE_LICENSE: 'SoftwareLicense',
};

const FIELD_TYPES: Readonly<Record<string, string>> = {
  STRING: 'Text',
  CONCEALED: 'Concealed',
  CREDIT_CARD_TYPE: 'CreditCardType',
  CREDIT_CARD_NUMBER: 'CreditCardNumber',
  PHONE: 'Phone',
  URL: 'Url',
  OTP: 'Totp',
  EMAIL: 'Email',
  REFERENCE: 'Reference',
  SSHKEY: 'SshKey',
  MENU: 'Menu',
  MONTH_YEAR: 'MonthYear',
  ADDRESS: 'Address',
  DATE: 'Date',
};

export const sdkCategory = (name: string): string => CATEGORIES[name] ?? name;
export const sdkFieldType = (name: string): string => FIELD_TYPES[name] ?? name;
