import { useState } from 'react';
import { TextField } from '../../components/text-field.js';

/** Methods as typed (`get, POST`): each once, upper-case; a problem sentence for anything else. */
export function parseMethods(raw: string): { methods: string[] } | { problem: string } {
  const methods: string[] = [];
  for (const m of raw.split(/[\s,]+/).filter(Boolean)) {
    if (!/^[A-Za-z]{1,20}$/.test(m)) return { problem: `“${m.slice(0, 30)}” is not an HTTP method: use names such as GET, POST.` };
    if (!methods.includes(m.toUpperCase())) methods.push(m.toUpperCase());
  }
  return { methods };
}

/** A path prefix as typed: a plain path, no query, no dot segments; the core has the last word. */
export function pathProblem(raw: string): string | undefined {
  if (/[?#\s\\]/.test(raw)) return 'Use a plain path such as /v1/files: no query, fragment, spaces or backslashes.';
  if (raw.split('/').some((seg) => seg === '.' || seg === '..')) return 'A path prefix may not contain “.” or “..” segments.';
  return undefined;
}

interface Props {
  /** The path field's text; undefined: no path field (an edit keeps its path; several hosts each keep their own). */
  readonly path: string | undefined;
  onPath(path: string): void;
  readonly methods: string;
  onMethods(methods: string): void;
  readonly problems: { readonly path?: string | undefined; readonly methods?: string | undefined };
  /** Shown open: once true it stays so (a catalog path appeared, or an edit has methods), so clearing a field never closes it under the cursor. */
  readonly open: boolean;
}

/** Path prefix and methods (issue 12): only matching requests get the secret. */
export function PathAndMethods({ path, onPath, methods, onMethods, problems, open }: Props) {
  const [opened, setOpened] = useState(open);
  if (open && !opened) setOpened(true);
  return (
    <details className="disclosure" open={opened}>
      <summary>Path and methods (optional)</summary>
      <p className="hint">
        Without them, every request to the host gets the secret. With them, only matching requests do; a host can have one mapping per path, and the longest
        matching path wins.
      </p>
      {path !== undefined && (
        <TextField
          label="Path prefix"
          value={path}
          onChange={onPath}
          placeholder="/repos/acme"
          hint="Requests under this path, such as /repos/acme/… ."
          problem={problems.path}
          verbatim
        />
      )}
      <TextField
        label="Methods"
        value={methods}
        onChange={onMethods}
        placeholder="GET, HEAD"
        hint="Only these methods get the secret; leave empty for every method."
        problem={problems.methods}
        verbatim
      />
    </details>
  );
}
