import { PROVIDER_CATALOG } from './providers.js';

/**
 * Hosts an agent commonly needs, grouped so an allowlist can take a group in one step
 * (`agents egress NAME allow --preset registries`, the agent page's "Add common hosts").
 *
 * The package-registry and GitHub hosts are the ones each tool's documentation names for its
 * default registry; a mirror or a corporate registry is the user's to add. They are inferred from
 * those documents, not from a capture of every host each tool contacts: when a tool fails behind
 * an allowlist, its `egress_denied` in Activity names the host, one click from being allowed.
 * Keep the lists here, in one place, so a correction is one edit.
 */
export interface EgressPreset {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly hosts: readonly string[];
}

/** Every host of the provider catalog (src/shared/providers.ts), each once. */
function catalogHosts(): string[] {
  return [...new Set(PROVIDER_CATALOG.flatMap((p) => p.hosts.map((h) => h.host)))];
}

export const EGRESS_PRESETS: readonly EgressPreset[] = [
  {
    id: 'providers',
    label: 'AI and developer APIs',
    description: 'Every host of the provider catalog (Anthropic, OpenAI, Gemini, GitHub, Stripe, …).',
    hosts: catalogHosts(),
  },
  {
    id: 'registries',
    label: 'Package registries',
    description: 'The default registries of npm, Yarn, pip, Cargo, Go modules, RubyGems and Maven Central.',
    hosts: [
      'registry.npmjs.org',
      'registry.yarnpkg.com',
      'pypi.org',
      'files.pythonhosted.org',
      'crates.io',
      'index.crates.io',
      'static.crates.io',
      'proxy.golang.org',
      'sum.golang.org',
      'rubygems.org',
      'index.rubygems.org',
      'repo.maven.apache.org',
      'repo1.maven.org',
    ],
  },
  {
    id: 'github',
    label: 'GitHub',
    description: 'github.com (git over HTTPS), its API, archives, release downloads and raw files.',
    hosts: ['github.com', 'api.github.com', 'uploads.github.com', 'codeload.github.com', '*.githubusercontent.com'],
  },
];

export function egressPreset(id: string): EgressPreset | undefined {
  return EGRESS_PRESETS.find((p) => p.id === id);
}
