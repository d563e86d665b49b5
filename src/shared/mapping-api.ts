import { z } from 'zod';
import { HeaderRule } from './header-rule.js';

/**
 * What `mappings.add` takes: a host and a reference, and the credential's shape in one of three
 * spellings (flags as the CLI has them, a catalog preset, or the rule as data, as the UI's form
 * sends it), plus path and methods. The core checks each field and says what to fix.
 */
export const MappingAddParams = z.object({
  host: z.string().min(1).max(300),
  reference: z.string().min(1).max(500),
  header: z.string().optional(),
  template: z.string().optional(),
  /** Basic auth from a template such as "x-access-token:{value}". */
  basic: z.string().max(300).optional(),
  /** The query parameter that carries the value, such as "key". */
  query: z.string().max(100).optional(),
  /** Several headers; the first takes `reference`, each other one the next of `references`. */
  headers: z
    .array(z.object({ header: z.string().max(200), template: z.string().max(300).optional() }))
    .max(8)
    .optional(),
  /** The other references of a several-header shape, in order. */
  references: z.array(z.string().min(1).max(500)).max(7).optional(),
  /** A catalog entry (src/shared/providers.ts) applied to this host, such as "github". */
  preset: z.string().max(64).optional(),
  /** The shape as data, as `mappings.list` shows it (the UI's form); a several-header rule carries its other headers' references. */
  rule: HeaderRule.optional(),
  /** Only requests under this path prefix get the credential (`/repos/acme`); absent or `/`: every path. */
  path: z.string().max(500).optional(),
  /** Only these methods get it (`["GET", "HEAD"]`); absent or empty: every method. */
  methods: z.array(z.string().max(20)).max(20).optional(),
  replace: z.boolean().optional(),
});
