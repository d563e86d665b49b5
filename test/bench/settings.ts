/** How long and how often each measurement runs; `--quick` shortens everything for a smoke run. */

export interface BenchSettings {
  logLevel: 'info' | 'warn';
  warmupS: number;
  c1: { reps: number; durationS: number };
  c32: { reps: number; durationS: number };
  sseSamples: number;
  postEcho: { reps: number; requestsPerRep: number };
  /** New hosts 127.0.0.2 … 127.0.0.(newHosts + 1). */
  newHosts: number;
  dummyMappings: number;
  quick: boolean;
  /** `all`: every phase. `policy`: only the issue 14 scenario (c=32, gateway with and without policy). */
  scenario: 'all' | 'policy';
}

const FULL: BenchSettings = {
  logLevel: 'info',
  warmupS: 2,
  c1: { reps: 3, durationS: 4 },
  c32: { reps: 7, durationS: 3 },
  sseSamples: 15,
  postEcho: { reps: 3, requestsPerRep: 16 },
  newHosts: 20,
  dummyMappings: 10_000,
  quick: false,
  scenario: 'all',
};

const QUICK: Omit<BenchSettings, 'logLevel' | 'scenario'> = {
  warmupS: 1,
  c1: { reps: 1, durationS: 1 },
  c32: { reps: 1, durationS: 1 },
  sseSamples: 3,
  postEcho: { reps: 1, requestsPerRep: 4 },
  newHosts: 3,
  dummyMappings: 10_000,
  quick: true,
};

const USAGE = 'usage: tsx test/bench/run.ts [--quick] [--log-level info|warn] [--scenario all|policy]';

export function settingsFromArgv(argv: readonly string[]): BenchSettings {
  let logLevel: BenchSettings['logLevel'] = 'info';
  let quick = false;
  let scenario: BenchSettings['scenario'] = 'all';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--scenario' && (argv[i + 1] === 'all' || argv[i + 1] === 'policy')) scenario = argv[++i] as BenchSettings['scenario'];
    else if (arg === '--log-level' && (argv[i + 1] === 'info' || argv[i + 1] === 'warn')) logLevel = argv[++i] as BenchSettings['logLevel'];
    else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return quick ? { ...QUICK, logLevel, scenario } : { ...FULL, logLevel, scenario };
}
