import type { HeaderRule } from './header-rule.js';
import { pathUnder } from './mapping-path.js';

/**
 * The provider catalog: the services agents call, how each takes its credential, which hosts it
 * answers on, its base-URL route (where an SDK takes a base URL), and the environment variables
 * its SDKs and CLIs really read. The one place to add a service: `mappings add HOST REF` picks a
 * known host's shape from here, `--preset ID` applies an entry to any host (GitHub Enterprise, a
 * self-hosted GitLab), `providers list` shows it, and `env` exports the base-URL variables.
 *
 * Every variable names the source it was read from: the client's own source file (repository
 * and path, at the commit it was read) or its documentation. A variable nobody could verify is
 * left out and the entry says so in `unverified`. Never add a name from memory.
 */

/** A shape as the catalog holds it: a rule; a several-header shape's references come with the mapping. */
export type CredentialShape = HeaderRule;

export interface ProviderEnvVar {
  readonly name: string;
  /** What the client reads it for: the key, the base URL, or the host name to talk to. */
  readonly role: 'api-key' | 'base-url' | 'host';
  /** The SDK or CLI that reads it. */
  readonly client: string;
  /** Where that is written: `owner/repo@commit path` of the client's source, or its documentation's URL. */
  readonly source: string;
}

export interface ProviderHost {
  readonly host: string;
  /** The path prefix this listing is for (GitLab's API under `/api` on the host that serves git); absent: the whole host. */
  readonly path?: string;
  /** This host's shape, when it is not the entry's. */
  readonly credential?: CredentialShape;
}

/** The base-URL door for a provider: `http://127.0.0.1:<port>/r/<name><basePath>`. */
export interface ProviderRoute {
  readonly name: string;
  /** The host the route forwards to (one of the entry's hosts). */
  readonly host: string;
  /** Appended to the route URL in the base-URL variable: OpenAI's SDKs expect `/v1` in it. */
  readonly basePath: string;
  /** Which JSON error body the provider's SDKs parse (absent: the gateway's own). */
  readonly errorShape?: 'anthropic' | 'openai';
  /** `env` exports these as the route URL, and `apiKeyEnv` as the agent token (a phantom key). */
  readonly baseUrlEnv: readonly string[];
  readonly apiKeyEnv: readonly string[];
}

export interface ProviderEntry {
  /** The preset name (`--preset github`). */
  readonly id: string;
  readonly name: string;
  /** The shape `--preset` applies, and the shape of each host without its own. */
  readonly credential: CredentialShape;
  readonly hosts: readonly ProviderHost[];
  readonly route?: ProviderRoute;
  readonly env: readonly ProviderEnvVar[];
  /**
   * A CLI that refuses to start without a key variable, though the gateway adds the real key on
   * the wire: `env` sets these names to the agent token (a phantom key, like a route's
   * `apiKeyEnv`) when mappings cover all of every one of `hosts` (no path or method rule), and
   * only then, so the token never rides to a host, or a path, that would receive it unreplaced.
   */
  readonly phantomKeyEnv?: { readonly hosts: readonly string[]; readonly names: readonly string[] };
  /** Where the credential shape is documented. */
  readonly docs: string;
  /** What could not be verified (so it is left out), and why an expected part is missing. */
  readonly unverified?: string;
}

const BEARER: CredentialShape = { type: 'bearer' };

// Sources read for this catalog (commits as fetched on 2026-11-25).
const ANTHROPIC_SDK = 'anthropics/anthropic-sdk-typescript src/client.ts (node_modules/@anthropic-ai/sdk 1.13.0)';
const OPENAI_SDK = 'openai/openai-node src/client.ts (node_modules/openai 6.49.0)';
const GENAI_SDK = 'googleapis/js-genai@6e9b35c45e21f0d37179a24d29dca01ebed698e6 src/node/node_client.ts';
const AI_SDK = (pkg: string) => `vercel/ai@ed857f50f112e23930b0c2dd8d532cc8bebbc911 packages/${pkg}/src/${pkg}-provider.ts`;
const GH_CLI = 'cli/cli@44ee17760709bedf1cad7e452e61751489b81a33 pkg/cmd/root/help_topic.go';

export const PROVIDER_CATALOG: readonly ProviderEntry[] = [
  {
    id: 'anthropic',
    name: 'Anthropic',
    credential: { type: 'x-api-key' },
    hosts: [{ host: 'api.anthropic.com' }],
    route: {
      name: 'anthropic',
      host: 'api.anthropic.com',
      basePath: '',
      errorShape: 'anthropic',
      baseUrlEnv: ['ANTHROPIC_BASE_URL'],
      apiKeyEnv: ['ANTHROPIC_API_KEY'],
    },
    env: [
      { name: 'ANTHROPIC_API_KEY', role: 'api-key', client: '@anthropic-ai/sdk', source: ANTHROPIC_SDK },
      // Sent as `Authorization: Bearer`; the gateway drops it on a mapped host like any client credential.
      { name: 'ANTHROPIC_AUTH_TOKEN', role: 'api-key', client: '@anthropic-ai/sdk', source: ANTHROPIC_SDK },
      { name: 'ANTHROPIC_BASE_URL', role: 'base-url', client: '@anthropic-ai/sdk', source: ANTHROPIC_SDK },
    ],
    docs: 'https://docs.anthropic.com/en/api/overview',
  },
  {
    id: 'openai',
    name: 'OpenAI',
    credential: BEARER,
    hosts: [{ host: 'api.openai.com' }],
    route: { name: 'openai', host: 'api.openai.com', basePath: '/v1', errorShape: 'openai', baseUrlEnv: ['OPENAI_BASE_URL'], apiKeyEnv: ['OPENAI_API_KEY'] },
    env: [
      { name: 'OPENAI_API_KEY', role: 'api-key', client: 'openai', source: OPENAI_SDK },
      { name: 'OPENAI_BASE_URL', role: 'base-url', client: 'openai', source: OPENAI_SDK },
    ],
    docs: 'https://platform.openai.com/docs/api-reference/authentication',
  },
  {
    id: 'gemini',
    name: 'Google Gemini',
    credential: { type: 'custom', header: 'x-goog-api-key', template: '{value}' },
    hosts: [{ host: 'generativelanguage.googleapis.com' }],
    // @google/genai appends `/<apiVersion>/…` to GOOGLE_GEMINI_BASE_URL (src/_api_client.ts) and sends
    // the key as x-goog-api-key (src/node/_node_auth.ts), where the base-URL door looks for the agent token.
    route: {
      name: 'gemini',
      host: 'generativelanguage.googleapis.com',
      basePath: '',
      baseUrlEnv: ['GOOGLE_GEMINI_BASE_URL'],
      apiKeyEnv: ['GEMINI_API_KEY'],
    },
    env: [
      { name: 'GEMINI_API_KEY', role: 'api-key', client: '@google/genai', source: GENAI_SDK },
      { name: 'GOOGLE_API_KEY', role: 'api-key', client: '@google/genai', source: GENAI_SDK },
      { name: 'GOOGLE_GEMINI_BASE_URL', role: 'base-url', client: '@google/genai', source: GENAI_SDK },
      { name: 'GOOGLE_GENERATIVE_AI_API_KEY', role: 'api-key', client: '@ai-sdk/google', source: AI_SDK('google') },
    ],
    docs: 'https://ai.google.dev/gemini-api/docs/api-key',
  },
  {
    id: 'google-api-key',
    name: 'Google APIs (?key=)',
    credential: { type: 'query', param: 'key' },
    hosts: [{ host: 'maps.googleapis.com' }],
    env: [],
    docs: 'https://developers.google.com/maps/documentation/geocoding/get-api-key',
    unverified: 'Google Maps client libraries take the key as an argument; no environment variable of theirs was verified.',
  },
  {
    id: 'mistral',
    name: 'Mistral',
    credential: BEARER,
    hosts: [{ host: 'api.mistral.ai' }],
    env: [
      {
        name: 'MISTRAL_API_KEY',
        role: 'api-key',
        client: '@mistralai/mistralai',
        source: 'mistralai/client-ts@b14b3b90586e5829a7ef29e4b6c810afd4f2def6 src/lib/env.ts',
      },
      { name: 'MISTRAL_API_KEY', role: 'api-key', client: '@ai-sdk/mistral', source: AI_SDK('mistral') },
    ],
    docs: 'https://docs.mistral.ai/api/',
    unverified: '@mistralai/mistralai reads no base-URL variable (serverURL is an option), so there is no route.',
  },
  {
    id: 'groq',
    name: 'Groq',
    credential: BEARER,
    hosts: [{ host: 'api.groq.com' }],
    // groq-sdk's base URL is the bare host; it adds /openai/v1 itself.
    route: { name: 'groq', host: 'api.groq.com', basePath: '', errorShape: 'openai', baseUrlEnv: ['GROQ_BASE_URL'], apiKeyEnv: ['GROQ_API_KEY'] },
    env: [
      { name: 'GROQ_API_KEY', role: 'api-key', client: 'groq-sdk', source: 'groq/groq-typescript@709b1ab6eed32a1dd1fe05f19d085709edf3c88a src/client.ts' },
      { name: 'GROQ_BASE_URL', role: 'base-url', client: 'groq-sdk', source: 'groq/groq-typescript@709b1ab6eed32a1dd1fe05f19d085709edf3c88a src/client.ts' },
      { name: 'GROQ_API_KEY', role: 'api-key', client: '@ai-sdk/groq', source: AI_SDK('groq') },
    ],
    docs: 'https://console.groq.com/docs/quickstart',
  },
  {
    id: 'openrouter',
    name: 'OpenRouter',
    credential: BEARER,
    hosts: [{ host: 'openrouter.ai' }],
    env: [
      {
        name: 'OPENROUTER_API_KEY',
        role: 'api-key',
        client: '@openrouter/ai-sdk-provider',
        source: 'OpenRouterTeam/ai-sdk-provider@4247ab25f917144e8978c70b82daf42ab3bb7d2b src/provider.ts',
      },
    ],
    docs: 'https://openrouter.ai/docs/api-reference/authentication',
    unverified: 'No OpenRouter client read a base-URL variable, so there is no route (point an OpenAI SDK at it through the proxy door).',
  },
  {
    id: 'xai',
    name: 'xAI',
    credential: BEARER,
    hosts: [{ host: 'api.x.ai' }],
    env: [
      {
        name: 'XAI_API_KEY',
        role: 'api-key',
        client: 'xai-sdk (Python)',
        source: 'xai-org/xai-sdk-python@4dab6a449736890a70d20bc886221a4219ff6ae7 src/xai_sdk/sync/client.py',
      },
      { name: 'XAI_API_KEY', role: 'api-key', client: '@ai-sdk/xai', source: AI_SDK('xai') },
    ],
    docs: 'https://docs.x.ai/docs/api-reference',
    unverified: 'xai-sdk speaks gRPC and reads no base-URL variable; no route.',
  },
  {
    id: 'deepseek',
    name: 'DeepSeek',
    credential: BEARER,
    hosts: [{ host: 'api.deepseek.com' }],
    env: [{ name: 'DEEPSEEK_API_KEY', role: 'api-key', client: '@ai-sdk/deepseek', source: AI_SDK('deepseek') }],
    docs: 'https://api-docs.deepseek.com/',
    unverified: 'DeepSeek ships no SDK of its own; no base-URL variable was verified.',
  },
  {
    id: 'together',
    name: 'Together AI',
    credential: BEARER,
    hosts: [{ host: 'api.together.ai' }, { host: 'api.together.xyz' }],
    route: {
      name: 'together',
      host: 'api.together.ai',
      basePath: '/v1',
      errorShape: 'openai',
      baseUrlEnv: ['TOGETHER_BASE_URL'],
      apiKeyEnv: ['TOGETHER_API_KEY'],
    },
    env: [
      {
        name: 'TOGETHER_API_KEY',
        role: 'api-key',
        client: 'together-ai',
        source: 'togethercomputer/together-typescript@5d7f323d5a9dbc4d2b2342f5330b1c1dceacdb63 src/client.ts',
      },
      {
        name: 'TOGETHER_BASE_URL',
        role: 'base-url',
        client: 'together-ai',
        source: 'togethercomputer/together-typescript@5d7f323d5a9dbc4d2b2342f5330b1c1dceacdb63 src/client.ts',
      },
      // @ai-sdk/togetherai still defaults to api.together.xyz/v1, hence both hosts.
      { name: 'TOGETHER_API_KEY', role: 'api-key', client: '@ai-sdk/togetherai', source: AI_SDK('togetherai') },
    ],
    docs: 'https://docs.together.ai/reference/authentication-1',
  },
  {
    id: 'fireworks',
    name: 'Fireworks AI',
    credential: BEARER,
    hosts: [{ host: 'api.fireworks.ai' }],
    env: [{ name: 'FIREWORKS_API_KEY', role: 'api-key', client: '@ai-sdk/fireworks', source: AI_SDK('fireworks') }],
    docs: 'https://docs.fireworks.ai/api-reference/introduction',
    unverified: 'No Fireworks client was read that takes a base-URL variable; no route.',
  },
  {
    id: 'perplexity',
    name: 'Perplexity',
    credential: BEARER,
    hosts: [{ host: 'api.perplexity.ai' }],
    env: [{ name: 'PERPLEXITY_API_KEY', role: 'api-key', client: '@ai-sdk/perplexity', source: AI_SDK('perplexity') }],
    docs: 'https://docs.perplexity.ai/api-reference/chat-completions-post',
    unverified: "Perplexity's own SDK was not read; its variables are left out.",
  },
  {
    id: 'cohere',
    name: 'Cohere',
    credential: BEARER,
    hosts: [{ host: 'api.cohere.com' }],
    env: [
      {
        name: 'CO_API_KEY',
        role: 'api-key',
        client: 'cohere-ai',
        source: 'cohere-ai/cohere-typescript@7c29ae7bc5bb928a102b671400231b5543665c98 src/auth/BearerAuthProvider.ts',
      },
      { name: 'COHERE_API_KEY', role: 'api-key', client: '@ai-sdk/cohere', source: AI_SDK('cohere') },
    ],
    docs: 'https://docs.cohere.com/reference/about',
    unverified: 'cohere-ai takes its base URL as an option only; no route.',
  },
  {
    id: 'huggingface',
    name: 'Hugging Face',
    credential: BEARER,
    hosts: [{ host: 'huggingface.co' }, { host: 'router.huggingface.co' }],
    env: [
      {
        name: 'HF_TOKEN',
        role: 'api-key',
        client: 'huggingface_hub',
        source: 'huggingface/huggingface_hub@ee0a4510f4bc15e26cb722be2efc2bdb01383ca0 src/huggingface_hub/utils/_auth.py',
      },
      {
        name: 'HUGGING_FACE_HUB_TOKEN',
        role: 'api-key',
        client: 'huggingface_hub',
        source: 'huggingface/huggingface_hub@ee0a4510f4bc15e26cb722be2efc2bdb01383ca0 src/huggingface_hub/utils/_auth.py',
      },
      {
        name: 'HF_ENDPOINT',
        role: 'base-url',
        client: 'huggingface_hub',
        source: 'huggingface/huggingface_hub@ee0a4510f4bc15e26cb722be2efc2bdb01383ca0 src/huggingface_hub/constants.py',
      },
    ],
    docs: 'https://huggingface.co/docs/hub/security-tokens',
    // No route although HF_ENDPOINT is a base URL: downloads redirect to CDN hosts the route does not cover.
  },
  {
    id: 'replicate',
    name: 'Replicate',
    credential: BEARER,
    hosts: [{ host: 'api.replicate.com' }],
    env: [
      {
        name: 'REPLICATE_API_TOKEN',
        role: 'api-key',
        client: 'replicate',
        source: 'replicate/replicate-javascript@2fd6f3944f5e252f2eb7cd4e9e5416786b9c4861 index.js',
      },
    ],
    docs: 'https://replicate.com/docs/reference/http#authentication',
    unverified: 'replicate takes its base URL as an option only; no route.',
  },
  {
    id: 'github',
    name: 'GitHub',
    // git over HTTPS sends Basic only; a GitHub Enterprise host serves git and the API (which also takes Basic) on one name.
    credential: { type: 'basic', template: 'x-access-token:{value}' },
    hosts: [{ host: 'github.com' }, { host: 'api.github.com', credential: BEARER }, { host: 'uploads.github.com', credential: BEARER }],
    env: [
      { name: 'GH_TOKEN', role: 'api-key', client: 'gh', source: GH_CLI },
      { name: 'GITHUB_TOKEN', role: 'api-key', client: 'gh', source: GH_CLI },
      { name: 'GH_ENTERPRISE_TOKEN', role: 'api-key', client: 'gh', source: GH_CLI },
      { name: 'GITHUB_ENTERPRISE_TOKEN', role: 'api-key', client: 'gh', source: GH_CLI },
      { name: 'GH_HOST', role: 'host', client: 'gh', source: GH_CLI },
    ],
    // gh with no login and no GH_TOKEN stops before any request: "To get started with GitHub CLI,
    // please run: gh auth login / Alternatively, populate the GH_TOKEN environment variable…", exit 4
    // (observed by others; cli/cli pkg/cmdutil/auth_check.go). It sends the token as Authorization
    // to api.github.com, and to uploads.github.com for release assets; the gateway drops and replaces it on both.
    phantomKeyEnv: { hosts: ['api.github.com', 'uploads.github.com'], names: ['GH_TOKEN'] },
    docs: 'https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/authenticating-as-a-github-app-installation',
  },
  {
    id: 'gitlab',
    name: 'GitLab (git over HTTPS)',
    credential: { type: 'basic', template: 'oauth2:{value}' },
    hosts: [{ host: 'gitlab.com' }],
    env: [],
    docs: 'https://docs.gitlab.com/api/oauth2/#access-git-over-https-with-access-token',
    unverified:
      "The REST API (/api/v4) on the same host refuses Basic: it is the gitlab-api entry, on the path /api. glab's variables are left out: its source lives on gitlab.com and could not be read here.",
  },
  {
    id: 'gitlab-api',
    name: 'GitLab API',
    // PRIVATE-TOKEN, not Bearer: glab sends its token there, and the agent's copy must be replaced.
    credential: { type: 'custom', header: 'private-token', template: '{value}' },
    // Next to git over HTTPS on the same host: a mapping gitlab.com/api (the REST API is /api/v4, GraphQL /api/graphql).
    hosts: [{ host: 'gitlab.com', path: '/api' }],
    env: [],
    docs: 'https://docs.gitlab.com/api/rest/authentication/',
    unverified: "glab's variables are left out: its source lives on gitlab.com and could not be read here.",
  },
  {
    id: 'npm',
    name: 'npm registry',
    credential: BEARER,
    hosts: [{ host: 'registry.npmjs.org' }],
    env: [],
    docs: 'https://docs.npmjs.com/cli/v11/configuring-npm/npmrc#auth-related-configuration',
    unverified: 'npm reads its token from .npmrc (_authToken), not from a variable of its own; NPM_TOKEN is only a convention in .npmrc files.',
  },
  {
    id: 'slack',
    name: 'Slack',
    credential: BEARER,
    hosts: [{ host: 'slack.com' }],
    env: [],
    docs: 'https://api.slack.com/web#authentication',
    unverified: '@slack/web-api takes the token as an argument; SLACK_BOT_TOKEN is a convention of example apps, not read by the SDK.',
  },
  {
    id: 'linear',
    name: 'Linear',
    // A personal API key goes bare in Authorization (Bearer is for OAuth tokens): linear/linear packages/sdk/src/client.ts.
    credential: { type: 'custom', header: 'authorization', template: '{value}' },
    hosts: [{ host: 'api.linear.app' }],
    env: [],
    docs: 'https://linear.app/developers/graphql#personal-api-keys',
    unverified: '@linear/sdk reads no environment variable.',
  },
  {
    id: 'notion',
    name: 'Notion',
    credential: BEARER,
    hosts: [{ host: 'api.notion.com' }],
    env: [
      {
        name: 'NOTION_TOKEN',
        role: 'api-key',
        client: '@notionhq/notion-mcp-server',
        source: 'makenotion/notion-mcp-server@1d38420769c8a1fe2d583ff1e7d2d108d4eb0b30 scripts/start-server.ts',
      },
    ],
    docs: 'https://developers.notion.com/reference/authentication',
  },
  {
    id: 'stripe',
    name: 'Stripe',
    // The secret key as the Basic user name, no password.
    credential: { type: 'basic', template: '{value}:' },
    hosts: [{ host: 'api.stripe.com' }, { host: 'files.stripe.com' }],
    env: [
      {
        name: 'STRIPE_API_KEY',
        role: 'api-key',
        client: 'stripe (CLI)',
        source: 'stripe/stripe-cli@f5f390bc37295ec9b69b94a0ca1c195448a30042 pkg/config/profile.go',
      },
    ],
    docs: 'https://docs.stripe.com/api/authentication',
  },
  {
    id: 'sentry',
    name: 'Sentry',
    credential: BEARER,
    hosts: [{ host: 'sentry.io' }, { host: 'us.sentry.io' }, { host: 'de.sentry.io' }],
    env: [
      {
        name: 'SENTRY_AUTH_TOKEN',
        role: 'api-key',
        client: 'sentry-cli',
        source: 'getsentry/sentry-cli@fb79c59a35d79135d9eb84f4845572ce4548c455 src/config.rs',
      },
      { name: 'SENTRY_URL', role: 'base-url', client: 'sentry-cli', source: 'getsentry/sentry-cli@fb79c59a35d79135d9eb84f4845572ce4548c455 src/config.rs' },
    ],
    docs: 'https://docs.sentry.io/api/auth/',
    unverified: 'No route although sentry-cli reads SENTRY_URL: its behaviour behind a path prefix was not tried.',
  },
  {
    id: 'cloudflare',
    name: 'Cloudflare API',
    credential: BEARER,
    hosts: [{ host: 'api.cloudflare.com' }],
    route: { name: 'cloudflare', host: 'api.cloudflare.com', basePath: '/client/v4', baseUrlEnv: ['CLOUDFLARE_BASE_URL'], apiKeyEnv: ['CLOUDFLARE_API_TOKEN'] },
    env: [
      {
        name: 'CLOUDFLARE_API_TOKEN',
        role: 'api-key',
        client: 'cloudflare',
        source: 'cloudflare/cloudflare-typescript@faaaf89ed8064a9fb54de538ec3e89487f1302b0 src/client.ts',
      },
      {
        name: 'CLOUDFLARE_BASE_URL',
        role: 'base-url',
        client: 'cloudflare',
        source: 'cloudflare/cloudflare-typescript@faaaf89ed8064a9fb54de538ec3e89487f1302b0 src/client.ts',
      },
    ],
    docs: 'https://developers.cloudflare.com/fundamentals/api/get-started/create-token/',
    unverified: "wrangler's variables were not read; only the SDK's are listed.",
  },
  {
    id: 'cloudflare-access',
    name: 'Cloudflare Access service token',
    // Two headers from two references: mappings add HOST ID_REF SECRET_REF --preset cloudflare-access.
    credential: {
      type: 'headers',
      headers: [
        { header: 'cf-access-client-id', template: '{value}' },
        { header: 'cf-access-client-secret', template: '{value}' },
      ],
    },
    hosts: [],
    env: [],
    docs: 'https://developers.cloudflare.com/cloudflare-one/identity/service-tokens/',
    unverified: 'Clients send these headers themselves; no variable of cloudflared or another client was verified.',
  },
];

/** The catalog entry with this preset name. */
export function providerById(id: string): ProviderEntry | undefined {
  return PROVIDER_CATALOG.find((p) => p.id === id);
}

/**
 * The entry that lists `host` (lower-case, no port) for a mapping on `path`, and the shape it
 * takes: a listing with a path covers mappings at or under it (`gitlab.com` on `/api/v4` is the
 * GitLab API); otherwise the host's listing without a path (`gitlab.com`: git over HTTPS).
 */
export function presetForHost(
  host: string,
  path?: string,
): { readonly entry: ProviderEntry; readonly credential: CredentialShape; readonly path?: string } | undefined {
  const listings = PROVIDER_CATALOG.flatMap((entry) => entry.hosts.filter((h) => h.host === host).map((listed) => ({ entry, listed })));
  const hit =
    (path === undefined ? undefined : listings.find((l) => l.listed.path !== undefined && pathUnder(path, l.listed.path))) ??
    listings.find((l) => l.listed.path === undefined);
  if (!hit) return undefined;
  return { entry: hit.entry, credential: hit.listed.credential ?? hit.entry.credential, ...(hit.listed.path ? { path: hit.listed.path } : {}) };
}

/** The shape an entry gives `host`: the host's own if the entry lists it, else the entry's. */
export function presetCredential(entry: ProviderEntry, host: string): CredentialShape {
  return entry.hosts.find((h) => h.host === host)?.credential ?? entry.credential;
}

/** A provider with a base-URL route, as the route door and `env` use it. */
export interface Provider extends ProviderRoute {
  readonly id: string;
  /** The route name (`/r/<route>`). */
  readonly route: string;
}

/** Every provider with a base-URL route. */
export const PROVIDERS: readonly Provider[] = PROVIDER_CATALOG.flatMap((p) => (p.route ? [{ ...p.route, id: p.id, route: p.route.name }] : []));

/** The routed provider whose route forwards to `host`. */
export function providerForHost(host: string): Provider | undefined {
  return PROVIDERS.find((p) => p.host === host);
}
