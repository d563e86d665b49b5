import { describeLimit } from '../shared/agent-policy.js';
import { ONECLI_GATEWAY_ENV } from '../shared/onecli-compat.js';
import type { OnecliCompatView } from '../shared/onecli-compat-api.js';
import { ControlError } from '../core/control-error.js';
import type { CommandContext } from './commands.js';
import { EXIT } from './exit-codes.js';

/** `onecli-launcher onecli-compat enable [--listen HOST:PORT] | disable | status` (issue 15). */

const USAGE = 'usage: onecli-launcher onecli-compat enable [--listen 127.0.0.1:PORT] | disable | status [--json]';
const { url: URL_VAR, secret: SECRET_VAR } = ONECLI_GATEWAY_ENV;

/** What OneCLI may read, in the words of the agent's scope and policy. */
function agentSummary(view: OnecliCompatView): string {
  const agent = view.agent;
  if (!agent) return 'there is no "onecli" agent: onecli-compat enable makes one';
  const scope = agent.allow === 'all' ? 'every reference the app can read' : `the references of ${agent.allow.length ? agent.allow.join(', ') : 'no mapping'}`;
  const policy = agent.policy === 'ask' ? 'asks you before each new reference' : 'never asks';
  const limits = agent.limits.length ? `at most ${agent.limits.map(describeLimit).join(', ')}` : 'no rate limits';
  return `the "onecli" agent may use ${scope}; ${policy}; ${limits}`;
}

function listenerLine(view: OnecliCompatView): string {
  const { listener } = view;
  if (listener.state === 'listening')
    return `listening on ${listener.address} (${view.exposure === 'loopback' ? 'loopback: only this machine can connect' : 'reachable from the network'})`;
  if (listener.state === 'failed') return `not listening: ${listener.reason}`;
  return view.enabled ? 'not listening yet: it starts with OneCLI.app or onecli-launcher serve' : 'off';
}

/** Said whenever the door listens beyond loopback: what a reachable address gives away. */
function exposureWarning(view: OnecliCompatView): string | undefined {
  if (view.exposure === 'loopback') return undefined;
  const what = view.agent?.allow === 'all' ? "every secret the app's 1Password source can read" : 'every secret the "onecli" agent may use';
  return [
    `Warning: ${view.listen} is not a loopback address. Anyone who can reach it and knows the secret can read ${what}, in clear over plain HTTP.`,
    'Keep it on a private interface (a Docker bridge), keep the secret secret, and narrow the "onecli" agent to the mappings OneCLI needs.',
  ].join('\n');
}

function formatEnabled(view: OnecliCompatView & { secret: string }): string {
  const lines = [`OneCLI compatibility is on: ${listenerLine(view)}.`];
  const warning = exposureWarning(view);
  if (warning) lines.push(warning);
  lines.push("Put these in the environment of OneCLI's gateway:");
  lines.push(`  ${URL_VAR}=${view.urls?.native ?? '(the port is picked at start: see onecli-compat status)'}`);
  lines.push(`  ${SECRET_VAR}=${view.secret}`);
  if (view.urls && view.urls.docker !== view.urls.native)
    lines.push(`OneCLI's gateway in Docker (Docker Desktop): ${URL_VAR}=${view.urls.docker}   (a Linux Docker engine: see docs/onecli.md)`);
  lines.push(`(Issue 15 called it GATEWAY_SECRET; OneCLI's gateway reads ${SECRET_VAR}.)`);
  lines.push(`What OneCLI gets: ${agentSummary(view)}.`);
  lines.push("The secret stays in the app's secret store (the keychain), never in its settings; onecli-compat enable prints it again.");
  return lines.join('\n');
}

export function formatOnecliStatus(view: OnecliCompatView): string {
  const pad = ' '.repeat(14);
  const lines = [`OneCLI door   ${view.enabled ? 'on' : 'off (onecli-compat enable turns it on)'}${view.enabled ? `, ${listenerLine(view)}` : ''}`];
  if (view.enabled && view.urls)
    lines.push(`${pad}${URL_VAR}=${view.urls.native}${view.urls.docker !== view.urls.native ? `   (Docker Desktop: ${view.urls.docker})` : ''}`);
  if (view.enabled)
    lines.push(
      `${pad}${SECRET_VAR}: ${view.secretKept ? 'kept in the secret store (onecli-compat enable prints it)' : 'missing: onecli-compat enable makes a new one'}`,
    );
  lines.push(`${pad}${agentSummary(view)}`);
  const warning = view.enabled ? exposureWarning(view) : undefined;
  if (warning) lines.push(warning);
  return lines.join('\n');
}

export async function onecliCompat(ctx: CommandContext): Promise<number> {
  const [sub, extra] = ctx.args;
  if (extra !== undefined) throw new ControlError('invalid_params', USAGE);
  const out = (value: unknown, human: () => string) => ctx.out(ctx.json ? JSON.stringify(value, null, 2) : human());
  const exitFor = (view: OnecliCompatView) => (view.listener.state === 'failed' ? EXIT.gateway : EXIT.ok);
  if (sub !== 'enable' && ctx.flags.listen !== undefined) throw new ControlError('invalid_params', `--listen goes with enable. ${USAGE}`);
  switch (sub) {
    case 'enable': {
      const listen = ctx.flags.listen;
      if (listen !== undefined && typeof listen !== 'string') throw new ControlError('invalid_params', USAGE);
      const view = await ctx.api.call('onecli.enable', listen === undefined ? {} : { listen });
      out(view, () => formatEnabled(view));
      return exitFor(view);
    }
    case 'disable': {
      const view = await ctx.api.call('onecli.disable', {});
      out(
        view,
        () =>
          `OneCLI compatibility is off: OneCLI.app no longer answers on ${view.listen}. The secret and the "onecli" agent stay, so enable brings back the same wiring.`,
      );
      return EXIT.ok;
    }
    case 'status':
    case undefined: {
      const view = await ctx.api.call('onecli.status', {});
      out(view, () => formatOnecliStatus(view));
      return exitFor(view);
    }
    default:
      throw new ControlError('invalid_params', USAGE);
  }
}
