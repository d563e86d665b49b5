import type { ControlResult } from '../../../src/shared/control-api.js';
import { useRemedy } from './remedy-slot.js';

/** `mappings.test`: the value resolved, shown masked (never whole), or why not and what to do. */
export function TestOutcome({ result }: { result: ControlResult<'mappings.test'> }) {
  const remedy = useRemedy(result.ok ? undefined : result.remedy);
  if (result.ok) {
    return (
      <p className="note note-ok" role="status">
        Resolved: <code>{result.header}</code> gets <code>{result.masked}</code>.
      </p>
    );
  }
  return (
    <p className="note note-error" role="status" data-code={result.code}>
      {result.message}
      {remedy && <> {remedy}</>}
    </p>
  );
}

/** `mappings.probe`: a real request through the gateway. Shows the header's name, never its value. */
export function ProbeOutcome({ result }: { result: ControlResult<'mappings.probe'> }) {
  if (result.error) {
    return (
      <p className="note note-error" role="status" data-code={result.error}>
        {result.message || 'The request failed.'}{' '}
        <span className="muted">
          (status {result.status || 'none'}, {result.error})
        </span>
      </p>
    );
  }
  const ok = result.status > 0 && result.status < 400;
  return (
    <p className={`note ${ok ? 'note-ok' : 'note-warn'}`} role="status">
      Status <strong>{result.status}</strong> in {Math.round(result.ms)} ms, with the <code>{result.header}</code> header added by the gateway.
      {ok ? ' The value never left it.' : ' The API refused the credential: check that the mapping points at the right field and header.'}
    </p>
  );
}
