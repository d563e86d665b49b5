import { isLoopbackHost, parseAuthority } from '../../shared/host-authority.js';
import type { Mapping } from '../../shared/settings.js';
import { PROVIDER_CATALOG, PROVIDERS } from '../../shared/providers.js';

export interface AgentEnvInput {
  readonly port: number;
  readonly token: string;
  /** The local CA alone: for variables that *add* trust. */
  readonly caFile: string;
  /** Public roots + the local CA: for variables that *replace* the trust store. */
  readonly bundleFile: string;
  readonly mappings: readonly Mapping[];
}

/** Loopback names agents reach directly (the base-URL door among them), unless a mapping needs one. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

/** The loopback hosts of mappings (`localhost`, `127.0.0.1`, `[::1]`, `x.localhost`): these must reach the gateway. */
function mappedLoopbackHosts(mappings: readonly Mapping[]): string[] {
  return mappings.flatMap((m) => {
    const host = parseAuthority(m.host, 443, { allowWildcard: true })?.host.replace(/^\*\./, '');
    return host !== undefined && isLoopbackHost(host) ? [host] : [];
  });
}

/**
 * The variables an agent needs, for both doors at once (reference/agent-clients.md):
 * - proxy door: HTTPS_PROXY with the agent token as the proxy password; NO_PROXY for loopback
 *   so the base-URL door and local servers are reached directly. A NO_PROXY name also covers
 *   its subdomains (curl, requests, undici), so a name that covers a mapped loopback host
 *   (a LiteLLM proxy on `localhost:4000`) is left out, or the agent would bypass the gateway and
 *   get a 401; then HTTP_PROXY is set too, because such local servers often speak plain HTTP, and
 *   the gateway adds credentials to plain HTTP for loopback hosts only. (Go clients never proxy
 *   loopback, whatever the variables say.)
 * - trust: NODE_EXTRA_CA_CERTS adds the CA; SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE
 *   and GIT_SSL_CAINFO replace the roots, so they get the combined bundle (unmapped hosts still
 *   show their real certificates);
 * - base-URL door: for each mapped known provider, its base URL and the agent token as a
 *   phantom API key, so SDK agents need no CA and agents that demand a key variable start.
 *   If 127.0.0.1 itself is left out of NO_PROXY, these go through the proxy door to the
 *   gateway, which answers requests addressed to itself.
 * - CLIs that will not start without a key variable (gh and GH_TOKEN): the agent token as that
 *   key, only when a mapping covers every request to the host it is sent to (the gateway
 *   replaces it there; a request no path or method rule matches would carry it out unchanged).
 */
export function agentEnv(input: AgentEnvInput): Record<string, string> {
  const gateway = `127.0.0.1:${input.port}`;
  const proxy = `http://x:${encodeURIComponent(input.token)}@${gateway}`;
  const loopbackMapped = mappedLoopbackHosts(input.mappings);
  const covers = (name: string, host: string) => host === name || host.endsWith(`.${name}`);
  const noProxy = LOOPBACK_NAMES.filter((name) => !loopbackMapped.some((host) => covers(name, host))).join(',');
  const vars: Record<string, string> = {
    HTTPS_PROXY: proxy,
    https_proxy: proxy,
    // Set even when empty: a NO_PROXY the agent's shell already has must not let a mapped host bypass us.
    NO_PROXY: noProxy,
    no_proxy: noProxy,
    ...(loopbackMapped.length ? { HTTP_PROXY: proxy, http_proxy: proxy } : {}),
    NODE_EXTRA_CA_CERTS: input.caFile,
    SSL_CERT_FILE: input.bundleFile,
    REQUESTS_CA_BUNDLE: input.bundleFile,
    CURL_CA_BUNDLE: input.bundleFile,
    GIT_SSL_CAINFO: input.bundleFile,
  };
  for (const provider of PROVIDERS) {
    if (!input.mappings.some((m) => m.route === provider.route)) continue;
    for (const name of provider.baseUrlEnv) vars[name] = `http://${gateway}/r/${provider.route}${provider.basePath}`;
    for (const name of provider.apiKeyEnv) vars[name] = input.token;
  }
  for (const entry of PROVIDER_CATALOG) {
    const phantom = entry.phantomKeyEnv;
    if (!phantom) continue;
    // Host-wide only: a request that matches no path or method rule goes out unchanged, phantom included.
    const covered = phantom.hosts.every((host) => input.mappings.some((m) => m.host === host && m.path === undefined && m.methods === undefined));
    if (covered) for (const name of phantom.names) vars[name] = input.token;
  }
  return vars;
}

/** POSIX shell `export` lines; values single-quoted so nothing in them is expanded. */
export function shellExports(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}
