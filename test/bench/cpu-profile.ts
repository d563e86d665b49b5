/**
 * The self-time table of a V8 CPU profile (`node --cpu-prof`): samples summed per function and
 * per script, as docs/performance.md quotes them, in % of the busy samples (all but `(idle)`: a
 * scenario's gateway idles while the other targets are measured).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

const TOP_FUNCTIONS = 25;
const TOP_SCRIPTS = 15;

/** node:_http_agent, dist/gateway/forward.js, node_modules/undici, or (native) writev. */
function scriptOf(url: string, fn: string): string {
  if (!url) return `(native) ${fn || '(anonymous)'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `node_modules/${pkg[1]}`;
  const ours = /\/dist\/(.+)$/.exec(url);
  return ours ? `dist/${ours[1]}` : url.replace(/^node:/, 'node:');
}

function table(counts: Map<string, number>, total: number, top: number): string {
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `  ${((100 * v) / total).toFixed(1).padStart(5)} %  ${k}`)
    .join('\n');
}

/** The newest .cpuprofile in `dir`, summarized: top functions and top scripts by self time. */
export function summarizeCpuProfile(dir: string): string {
  const file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .at(-1);
  if (!file) return `  no .cpuprofile in ${dir}`;
  const profile = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const functions = new Map<string, number>();
  const scripts = new Map<string, number>();
  for (const id of profile.samples) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const script = scriptOf(frame.url, frame.functionName);
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url ? `${script}:${frame.lineNumber + 1}` : ''}`.trim();
    functions.set(fn, (functions.get(fn) ?? 0) + 1);
    scripts.set(script, (scripts.get(script) ?? 0) + 1);
  }
  const idle = functions.get('(idle)') ?? 0;
  functions.delete('(idle)');
  scripts.delete('(native) (idle)');
  const busy = profile.samples.length - idle;
  return [
    `  ${path.join(dir, file)}: ${profile.samples.length} samples, ${busy} busy`,
    '  self time by function, % of busy:',
    table(functions, busy, TOP_FUNCTIONS),
    '  self time by script, % of busy:',
    table(scripts, busy, TOP_SCRIPTS),
  ].join('\n');
}
