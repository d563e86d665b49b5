import { parseArgs } from 'node:util';
import { ControlError } from '../core/control-error.js';
import { toControlError } from '../core/control/to-control-error.js';
import { defaultDataDir } from '../core/data-dir.js';
import { COMMANDS } from './commands.js';
import { headerFlags } from './mapping-flags.js';
import { providersCommand } from './providers-command.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { DEFAULT_CONTROL_PORT, serve } from './serve.js';
import { withControl, type GlobalOptions } from './session.js';
import { APP_VERSION } from '../core/app-version.js';
import { withRemedyCommand } from '../shared/remedy.js';

const HELP = `onecli-launcher: give AI agents credentials without giving them the keys.

Usage: onecli-launcher <command> [options]

  serve                         run the gateway and the control API (headless)
  status | doctor               what runs, and what needs fixing
  env [--agent NAME]            shell exports for an agent: eval "$(onecli-launcher env)"
  run [--agent NAME] -- CMD     run a command with that environment
  mappings [list]               mappings, named HOST or HOST/PREFIX
  mappings add HOST REF [REF…]  REF is op://vault/item/field or local://name; a known host
                                gets its catalog preset (providers list), others Bearer
           [--path PREFIX] [--method GET,POST]  only these requests get it (most specific wins)
           [--header NAME [--template "Bearer {value}"]]…  one header per REF, in order
           [--basic "x-access-token:{value}"]  Basic auth (RFC 7617) from a template
           [--query NAME]               the value in the query parameter NAME (?key=…)
           [--preset ID]                a catalog entry's shape on any host (GitHub Enterprise)
           [--replace]
  mappings remove|test NAME     remove; resolve and show a masked value (NAME: HOST or HOST/PREFIX)
  mappings block NAME [--method M,M] [--path PREFIX]
                                never use NAME's credential for these requests (403)
  mappings unblock NAME [--method M,M] [--path PREFIX] | --all
  mappings import               suggestions from 1Password items with URLs
  providers list [--json]       the provider catalog: hosts, shape, route, variables
  pair --service-account -      token on stdin (or a prompt), kept in the keychain
  pair --desktop [--account A]  use the 1Password app through op
  pair --disconnect
  secrets set NAME -            a local secret (value on stdin), used as local://NAME
  secrets remove NAME
  agents [list]                 agents, their scope (allow) and policy
  agents create NAME [--allow M,M] [--ask] [--egress open|allowlist]
                                no --allow: every mapping; --ask: approve first uses
  agents allow|disallow NAME M… change what an agent may use (M: a mapping name)
  agents policy NAME ask|allow  ask before first uses, or not
  agents egress NAME [open|allowlist]   where it may go: any host, or its mappings and a list
  agents egress NAME allow|remove HOST… [--preset providers,registries,github]
  agents limit NAME [M] N/minute|N/hour|N/day|off   rate limit, all traffic or mapping M
  agents revoke NAME
  approvals [list]              requests waiting for your approval
  approvals allow ID [--always] allow for this session (10 min idle, 12 h), or always
  approvals deny ID
  onecli-compat enable [--listen 127.0.0.1:PORT]
                                serve upstream OneCLI's 1Password API (its INTERNAL_API_URL)
                                from this app; prints the URL and the secret (default port 10257)
  onecli-compat disable | status [--json]
  ca rotate                     a new local CA, same file paths
  gateway restart
  ui [--open]                   a one-time sign-in link for the UI of a running serve

Options: --data-dir DIR (ONECLI_DATA_DIR)  --port N (gateway, default 10255)
         --control-port N (serve, default 10256)  --op-path PATH  --extra-ca FILE
         --insecure-file-store  --json  --help  --version
While serve runs, commands go to it: --port, --op-path, --extra-ca and --insecure-file-store
it was not started with are refused (exit 2), and doctor reports its environment.
Exit codes: 0 ok, 1 failed, 2 bad usage or input, 3 gateway did not start,
            4 a secret or 1Password could not be reached, 5 no keychain.`;

const OPTIONS = {
  'data-dir': { type: 'string' },
  port: { type: 'string' },
  'control-port': { type: 'string' },
  'op-path': { type: 'string' },
  'extra-ca': { type: 'string' },
  'insecure-file-store': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  agent: { type: 'string' },
  header: { type: 'string', multiple: true },
  template: { type: 'string', multiple: true },
  basic: { type: 'string' },
  query: { type: 'string' },
  preset: { type: 'string' },
  replace: { type: 'boolean' },
  path: { type: 'string' },
  method: { type: 'string' },
  allow: { type: 'string' },
  ask: { type: 'boolean' },
  always: { type: 'boolean' },
  'service-account': { type: 'string' },
  desktop: { type: 'boolean' },
  account: { type: 'string' },
  disconnect: { type: 'boolean' },
  open: { type: 'boolean' },
  egress: { type: 'string' },
  all: { type: 'boolean' },
  listen: { type: 'string' },
} as const;

function port(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new ControlError('invalid_params', `--${flag} takes a port number, such as 10255`);
  return n;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // `run -- cmd --flags`: everything after `--` belongs to the command.
  const dash = argv.indexOf('--');
  const own = dash === -1 ? argv : argv.slice(0, dash);
  const passthrough = dash === -1 ? [] : argv.slice(dash + 1);
  // `--service-account -`: parseArgs would take "-" as a value only if it follows the flag.
  const { values, positionals, tokens } = parseArgs({ args: [...own], options: OPTIONS, allowPositionals: true, strict: true, tokens: true });
  if (values.version) {
    process.stdout.write(`${APP_VERSION}\n`);
    return EXIT.ok;
  }
  const [command, ...args] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${HELP}\n`);
    return command || values.help ? EXIT.ok : EXIT.usage;
  }
  const opts: GlobalOptions = {
    dataDir: values['data-dir'] ? (await import('node:path')).resolve(values['data-dir']) : defaultDataDir(env),
    port: port(values.port, 'port'),
    opPath: values['op-path'],
    // The packaged app's NodeOptions fuse makes Electron ignore NODE_EXTRA_CA_CERTS, so the
    // launcher reads it and hands the trust to the gateway in its config.
    extraCa: values['extra-ca'] ?? env.NODE_EXTRA_CA_CERTS,
    insecureFileStore: values['insecure-file-store'] ?? false,
    given: {
      port: port(values.port, 'port'),
      opPath: values['op-path'],
      extraCa: values['extra-ca'],
      insecureFileStore: values['insecure-file-store'] ?? false,
    },
  };
  if (command === 'providers') return providersCommand(args, values.json ?? false, (t: string) => process.stdout.write(`${t}\n`));
  if (command === 'serve') return serve(opts, port(values['control-port'], 'control-port') ?? DEFAULT_CONTROL_PORT);
  const handler = COMMANDS[command];
  if (!handler) throw new ControlError('invalid_params', `unknown command "${command}"; see onecli-launcher --help`);
  if (values['control-port'] !== undefined)
    throw new ControlError(
      'invalid_params',
      `--control-port is for serve only (onecli-launcher serve --control-port N); ${command} finds the running launcher in the data folder`,
    );
  return withControl(opts, (api, mode, launcher) =>
    handler({
      api,
      mode,
      launcher,
      env,
      json: values.json ?? false,
      args: command === 'run' ? passthrough : args,
      flags: values,
      headerFlags: headerFlags(tokens),
      out: (t) => process.stdout.write(`${t}\n`),
    }),
  );
}

/** One clear line and a documented exit code; never a stack trace, never a secret. */
export function reportFailure(err: unknown): number {
  const known = toControlError(err);
  if (known) {
    // The CLI's way to say a remedy: the command to run.
    process.stderr.write(`onecli-launcher: ${withRemedyCommand(known.message, known.remedy)}\n`);
    return exitCodeFor(known.code);
  }
  if (err instanceof TypeError && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`onecli-launcher: ${err.message}; see onecli-launcher --help\n`);
    return EXIT.usage;
  }
  process.stderr.write(`onecli-launcher: ${err instanceof Error ? err.message.split('\n')[0] : 'failed'}\n`);
  return EXIT.failed;
}
