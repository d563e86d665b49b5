/**
 * Known providers: the base-URL door's route names, the variables their SDKs read, and the
 * shape of their auth errors. The one place to add a provider.
 */
export interface Provider {
  /** Route name on the gateway (`/r/<route>`). */
  readonly route: string;
  readonly host: string;
  /** Variables the provider's SDKs and CLIs read for the base URL and the key. */
  readonly baseUrlEnv: string;
  readonly apiKeyEnv: string;
  /** Which JSON error body the provider's SDKs parse. */
  readonly errorShape: 'anthropic' | 'openai';
  /** Appended to the route URL for the base-URL variable: OpenAI's SDKs expect `/v1` in it. */
  readonly basePath: string;
}

export const PROVIDERS: readonly Provider[] = [
  { route: 'anthropic', host: 'api.anthropic.com', baseUrlEnv: 'ANTHROPIC_BASE_URL', apiKeyEnv: 'ANTHROPIC_API_KEY', errorShape: 'anthropic', basePath: '' },
  { route: 'openai', host: 'api.openai.com', baseUrlEnv: 'OPENAI_BASE_URL', apiKeyEnv: 'OPENAI_API_KEY', errorShape: 'openai', basePath: '/v1' },
];

export function providerForHost(host: string): Provider | undefined {
  return PROVIDERS.find((p) => p.host === host);
}
