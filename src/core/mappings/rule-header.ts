import type { HeaderRule } from '../../shared/header-rule.js';

/** The header a rule writes, for display (`x-api-key`); mirrors the gateway's rule table. */
export function ruleHeaderName(rule: HeaderRule): string {
  switch (rule.type) {
    case 'x-api-key':
      return 'x-api-key';
    case 'bearer':
      return 'authorization';
    case 'custom':
      return rule.header;
  }
}
