import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { FromGateway, type ActivityEntry, type ToGatewayInput } from '../../src/shared/gateway-messages.js';
import type { GatewayRuntimeConfigInput } from '../../src/shared/gateway-config.js';
import type { ResolveResult } from '../../src/shared/vault-errors.js';
import type { ApprovalDecision } from '../../src/shared/approval.js';
import { GATEWAY_MAIN } from './gateway-process.js';

export type ResolveHandler = (mappingId: string) => ResolveResult | Promise<ResolveResult>;
export type ApproveHandler = (
  agent: string,
  mappingId: string,
) => { decision: ApprovalDecision; expiresAt?: number } | Promise<{ decision: ApprovalDecision; expiresAt?: number }>;

/**
 * Plays the launcher's side of the IPC channel: forks the real gateway program, configures it,
 * answers its resolve requests and records what it reports.
 */
export interface ForkedGateway {
  child: ChildProcess;
  port: number;
  resolves: string[];
  /** `agent mappingId` of every approval request, in order. */
  approvals: string[];
  activity: ActivityEntry[];
  lines: string[];
  send(msg: ToGatewayInput): void;
  stop(): Promise<void>;
}

export async function forkGateway(
  config: GatewayRuntimeConfigInput,
  onResolve: ResolveHandler,
  onApprove: ApproveHandler = () => ({ decision: 'timeout' }),
  execArgv: readonly string[] = [],
): Promise<ForkedGateway> {
  const child = fork(GATEWAY_MAIN, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { PATH: process.env.PATH ?? '' }, execArgv: [...execArgv] });
  const resolves: string[] = [];
  const approvals: string[] = [];
  const activity: ActivityEntry[] = [];
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) createInterface({ input: stream! }).on('line', (l) => lines.push(l));
  const send = (msg: ToGatewayInput) => child.connected && child.send(msg);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready message:\n${lines.join('\n')}`)), 10_000);
    child.on('message', async (raw) => {
      const msg = FromGateway.parse(raw);
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve(msg.address.port);
      } else if (msg.type === 'fatal') {
        clearTimeout(timer);
        reject(new Error(`fatal ${msg.code}: ${msg.message}`));
      } else if (msg.type === 'resolve') {
        resolves.push(msg.mappingId);
        send({ type: 'resolved', requestId: msg.requestId, result: await onResolve(msg.mappingId) });
      } else if (msg.type === 'approval-request') {
        approvals.push(`${msg.agent} ${msg.mappingId}`);
        send({ type: 'approval', requestId: msg.requestId, ...(await onApprove(msg.agent, msg.mappingId)) });
      } else if (msg.type === 'activity') activity.push(...msg.entries);
    });
    send({ type: 'configure', config });
  });
  return {
    child,
    port,
    resolves,
    approvals,
    activity,
    lines,
    send,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        send({ type: 'shutdown' });
      }),
  };
}
