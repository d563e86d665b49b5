import type { Mapping } from '../../shared/settings.js';
import { PROVIDERS } from '../../shared/providers.js';

export interface AgentEnvInput {
  readonly port: number;
  readonly token: string;
  /** The local CA alone: for variables that *add* trust. */
  readonly caFile: string;
  /** Public roots + the local CA: for variables that *replace* the trust store. */
  readonly bundleFile: string;
  readonly mappings: readonly Mapping[];
}

/**
 * The variables an agent needs, for both doors at once (reference/agent-clients.md):
 * - proxy door: HTTPS_PROXY with the agent token as the proxy password, NO_PROXY for loopback
 *   so the base-URL door is never proxied through itself;
 * - trust: NODE_EXTRA_CA_CERTS adds the CA; SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE
 *   and GIT_SSL_CAINFO replace the roots, so they get the combined bundle (unmapped hosts still
 *   show their real certificates);
 * - base-URL door: for each mapped known provider, its base URL and the agent token as a
 *   phantom API key, so SDK agents need no CA and agents that demand a key variable start.
 */
export function agentEnv(input: AgentEnvInput): Record<string, string> {
  const gateway = `127.0.0.1:${input.port}`;
  const proxy = `http://x:${encodeURIComponent(input.token)}@${gateway}`;
  const noProxy = 'localhost,127.0.0.1,::1';
  const vars: Record<string, string> = {
    HTTPS_PROXY: proxy,
    https_proxy: proxy,
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    NODE_EXTRA_CA_CERTS: input.caFile,
    SSL_CERT_FILE: input.bundleFile,
    REQUESTS_CA_BUNDLE: input.bundleFile,
    CURL_CA_BUNDLE: input.bundleFile,
    GIT_SSL_CAINFO: input.bundleFile,
  };
  for (const provider of PROVIDERS) {
    if (!input.mappings.some((m) => m.route === provider.route)) continue;
    vars[provider.baseUrlEnv] = `http://${gateway}/r/${provider.route}${provider.basePath}`;
    vars[provider.apiKeyEnv] = input.token;
  }
  return vars;
}

/** POSIX shell `export` lines; values single-quoted so nothing in them is expanded. */
export function shellExports(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}
