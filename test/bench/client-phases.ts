/** The Node-client phases: SSE first event, 1 MiB POST echo, first request to a new host. */
import type { Dispatcher } from 'undici';
import { rotated } from './load-phase.js';
import { dispatcherFor, firstRequestMs, getEcho, postEchoMiBps, sseFirstEventMs } from './node-client.js';
import type { Target, TargetName } from './routes.js';

export interface ClientContext {
  upstreamCaPem: string;
  /** `https://127.0.0.1:PORT` */
  origin: string;
  log: (line: string) => void;
}

export type Samples = Map<TargetName, number[]>;

const WARMUP_REQUESTS = 2;

/** One keep-alive dispatcher per target for the phase, warmed up, closed at the end. */
async function withDispatchers<T>(ctx: ClientContext, targets: readonly Target[], fn: (dispatchers: Map<TargetName, Dispatcher>) => Promise<T>): Promise<T> {
  const dispatchers = new Map(targets.map((t) => [t.name, dispatcherFor(t, ctx.upstreamCaPem)]));
  try {
    for (const dispatcher of dispatchers.values()) {
      for (let i = 0; i < WARMUP_REQUESTS; i++) await getEcho(dispatcher, ctx.origin);
    }
    return await fn(dispatchers);
  } finally {
    await Promise.all([...dispatchers.values()].map((d) => d.close()));
  }
}

function emptySamples(targets: readonly Target[]): Samples {
  return new Map(targets.map((t) => [t.name, []]));
}

/** SSE time to first event over a warm keep-alive connection, `count` samples per target. */
export function runSsePhase(ctx: ClientContext, targets: readonly Target[], count: number): Promise<Samples> {
  return withDispatchers(ctx, targets, async (dispatchers) => {
    const samples = emptySamples(targets);
    for (let i = 0; i < count; i++) {
      for (const target of rotated(targets, i)) {
        samples.get(target.name)?.push(await sseFirstEventMs(dispatchers.get(target.name) as Dispatcher, ctx.origin));
      }
    }
    return samples;
  });
}

/** 1 MiB POST echo: `reps` runs of `requestsPerRep` sequential keep-alive requests per target, in MiB/s. */
export function runPostEchoPhase(ctx: ClientContext, targets: readonly Target[], reps: number, requestsPerRep: number): Promise<Samples> {
  const body = Buffer.alloc(1024 * 1024, 0x61);
  return withDispatchers(ctx, targets, async (dispatchers) => {
    const dispatcherOf = (name: TargetName) => dispatchers.get(name) as Dispatcher;
    for (const target of targets) await postEchoMiBps(dispatcherOf(target.name), ctx.origin, body, WARMUP_REQUESTS);
    const samples = emptySamples(targets);
    for (let rep = 0; rep < reps; rep++) {
      for (const target of rotated(targets, rep)) {
        const mibps = await postEchoMiBps(dispatcherOf(target.name), ctx.origin, body, requestsPerRep);
        samples.get(target.name)?.push(mibps);
        ctx.log(`  1 MiB POST echo rep ${rep + 1}/${reps} ${target.name.padEnd(14)} ${mibps.toFixed(1).padStart(7)} MiB/s`);
      }
    }
    return samples;
  });
}

export interface NewHostSamples {
  /** Per target, one time per host, in the order of `origins`. */
  ms: Samples;
  /** Requests through a proxy that reached the upstream without the injected header. */
  notInjected: Partial<Record<TargetName, number>>;
}

/**
 * First request to a host the proxies have not seen: a fresh client per request. Each host
 * is first touched once directly with a throwaway client, so its listener is warm for all.
 */
export async function runNewHostPhase(ctx: ClientContext, targets: readonly Target[], origins: readonly string[]): Promise<NewHostSamples> {
  const direct = targets.find((t) => !t.proxy);
  if (!direct) throw new Error('the new-host phase needs the direct target');
  for (const origin of origins) await firstRequestMs(direct, ctx.upstreamCaPem, origin);
  const ms = emptySamples(targets);
  const notInjected: Partial<Record<TargetName, number>> = {};
  for (const [i, origin] of origins.entries()) {
    for (const target of rotated(targets, i)) {
      const result = await firstRequestMs(target, ctx.upstreamCaPem, origin);
      ms.get(target.name)?.push(result.ms);
      if (target.proxy && !result.injected) notInjected[target.name] = (notInjected[target.name] ?? 0) + 1;
    }
  }
  return { ms, notInjected };
}
