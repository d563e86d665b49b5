/** How long and how often each measurement runs, from the command line; `--quick` shortens everything for a smoke run. */
import path from 'node:path';
import { DEFAULT_CLIENT_THREADS } from './load-client.js';

/** `all`: the whole bench. The others run one comparison alone (scenarios.ts). */
export const SCENARIOS = ['all', 'buffer-reclaim', 'heap-flags', 'path-rules', 'policy', 'product', 'upstream-leg'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface LoadRuns {
  reps: number;
  durationS: number;
}

export interface BenchSettings {
  logLevel: 'info' | 'warn';
  warmupS: number;
  c1: LoadRuns;
  c32: LoadRuns;
  c128: LoadRuns;
  /** hey -disable-keepalive: a new connection per request, at this concurrency. */
  churn: LoadRuns & { concurrency: number };
  sseSamples: number;
  postEcho: { reps: number; requestsPerRep: number };
  /** New hosts 127.0.0.2 … 127.0.0.(newHosts + 1). */
  newHosts: number;
  dummyMappings: number;
  /** Worker threads of the keep-alive load client. */
  clientThreads: number;
  quick: boolean;
  scenario: Scenario;
  /** The scenario's reps and seconds per run (its defaults, or --reps / --seconds). */
  scenarioLoad: LoadRuns;
  /** Where the results go as JSON; default .bench/results.json (.bench/SCENARIO-results.json). */
  jsonFile?: string;
  /** `--cpu-prof DIR` (upstream-leg): the scenario's gateways run with `--cpu-prof` and write their profiles here. */
  cpuProfDir?: string;
  /** `--v8-flags "A B"` (heap-flags): a third way, the shipped gateway flags plus these. */
  candidateV8Flags?: string[];
}

const FULL = {
  warmupS: 2,
  c1: { reps: 3, durationS: 4 },
  c32: { reps: 7, durationS: 3 },
  c128: { reps: 3, durationS: 3 },
  // c=8: enough handshakes in flight to keep both cores busy, without queueing hundreds.
  churn: { reps: 3, durationS: 3, concurrency: 8 },
  sseSamples: 15,
  postEcho: { reps: 3, requestsPerRep: 16 },
  newHosts: 20,
  dummyMappings: 10_000,
  quick: false,
};

const QUICK: typeof FULL = {
  warmupS: 1,
  c1: { reps: 1, durationS: 1 },
  c32: { reps: 1, durationS: 1 },
  c128: { reps: 1, durationS: 1 },
  churn: { reps: 1, durationS: 1, concurrency: 8 },
  sseSamples: 3,
  postEcho: { reps: 1, requestsPerRep: 4 },
  newHosts: 3,
  dummyMappings: 10_000,
  quick: true,
};

/** Each scenario's runs (the reps are interleaved across its gateways). */
const SCENARIO_LOAD: Record<Scenario, LoadRuns> = {
  all: FULL.c32,
  // 10 s runs: the peak RSS needs time under load to settle.
  'heap-flags': { reps: 3, durationS: 10 },
  // Each run: 16 × 1 MiB echoes, then this long at c=32.
  'buffer-reclaim': { reps: 3, durationS: 3 },
  'path-rules': { reps: 5, durationS: 3 },
  policy: { reps: 7, durationS: 3 },
  // Its own runs (product-scenario.ts): memory, not throughput, is the figure.
  product: { reps: 2, durationS: 3 },
  // Each rep runs c=1, c=32 and c=128 for direct and both upstream legs.
  'upstream-leg': { reps: 5, durationS: 3 },
};

export const USAGE = [
  'usage: npm run bench -- [--quick] [--json FILE] [--log-level info|warn] [--client-threads N]',
  '                        [--scenario all|buffer-reclaim|heap-flags|path-rules|policy|product|upstream-leg] [--reps N] [--seconds S] [--cpu-prof DIR] [--v8-flags "FLAGS"]',
  '  --reps and --seconds set a scenario’s runs (c=32 for path-rules and policy; each of c=1, 32, 128 for upstream-leg).',
  '  --cpu-prof DIR (upstream-leg): profile both gateways, print their self-time tables (slows them: not for the figures).',
  '  --v8-flags "FLAGS" (heap-flags): also run the gateway with its shipped V8 flags plus FLAGS, e.g. --v8-flags "--lite-mode".',
].join('\n');

function positiveInt(text: string | undefined, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive integer, not ${text}\n${USAGE}`);
  return n;
}

export function settingsFromArgv(argv: readonly string[]): BenchSettings {
  let logLevel: BenchSettings['logLevel'] = 'info';
  let quick = false;
  let scenario: Scenario = 'all';
  let jsonFile: string | undefined;
  let clientThreads = DEFAULT_CLIENT_THREADS;
  let reps: number | undefined;
  let seconds: number | undefined;
  let cpuProfDir: string | undefined;
  let candidateV8Flags: string[] | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (arg === '--quick') quick = true;
    else if (arg === '--scenario' && SCENARIOS.includes(next as Scenario)) scenario = argv[++i] as Scenario;
    else if (arg === '--log-level' && (next === 'info' || next === 'warn')) logLevel = argv[++i] as BenchSettings['logLevel'];
    else if (arg === '--json' && next && !next.startsWith('--')) jsonFile = argv[++i];
    else if (arg === '--client-threads') clientThreads = positiveInt(argv[++i], arg);
    else if (arg === '--reps') reps = positiveInt(argv[++i], arg);
    else if (arg === '--seconds') seconds = positiveInt(argv[++i], arg);
    else if (arg === '--cpu-prof' && next && !next.startsWith('--')) cpuProfDir = argv[++i];
    else if (arg === '--v8-flags' && next?.startsWith('--')) candidateV8Flags = (argv[++i] as string).split(/\s+/).filter(Boolean);
    else throw new Error(`unknown argument ${arg}${next && arg?.startsWith('--') ? ` ${next}` : ''}\n${USAGE}`);
  }
  if (scenario === 'all' && (reps !== undefined || seconds !== undefined)) throw new Error(`--reps and --seconds go with --scenario\n${USAGE}`);
  if (cpuProfDir !== undefined && scenario !== 'upstream-leg') throw new Error(`--cpu-prof goes with --scenario upstream-leg\n${USAGE}`);
  if (candidateV8Flags !== undefined && scenario !== 'heap-flags') throw new Error(`--v8-flags goes with --scenario heap-flags\n${USAGE}`);
  const base = quick ? QUICK : FULL;
  const defaults = quick ? { reps: 1, durationS: 1 } : SCENARIO_LOAD[scenario];
  const scenarioLoad = { reps: reps ?? defaults.reps, durationS: seconds ?? defaults.durationS };
  const profile = cpuProfDir ? { cpuProfDir: path.resolve(process.env.INIT_CWD ?? process.cwd(), cpuProfDir) } : {};
  return {
    ...base,
    logLevel,
    clientThreads,
    scenario,
    scenarioLoad,
    ...(jsonFile ? { jsonFile } : {}),
    ...profile,
    ...(candidateV8Flags ? { candidateV8Flags } : {}),
  };
}
