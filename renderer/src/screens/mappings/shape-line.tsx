import type { ReactNode } from 'react';
import { describeRule, type HeaderRule } from '../../../../src/shared/header-rule.js';

/** "GET only · Sent as Basic x-access-token:<value> · base URL /r/github": how a mapping (or a suggested one) sends its secret. */
export function ShapeLine({ before, rule, route }: { before?: ReactNode; rule: HeaderRule; route?: string | undefined }) {
  return (
    <span className="small">
      {before ? <>{before} · </> : null}
      Sent as <code>{describeRule(rule)}</code>
      {route ? (
        <>
          {' '}
          · base URL <code>/r/{route}</code>
        </>
      ) : null}
    </span>
  );
}
