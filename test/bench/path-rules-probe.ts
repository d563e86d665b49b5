/**
 * The bench's 10,000-mapping scenario alone (issue 12, item 7): c=32 throughput of the gateway
 * with 10,000 mappings that carry path rules (and path rules on the called host, walked before its
 * catch-all) against the gateway with one mapping, in interleaved, paired reps. Both gateways run
 * at once, as in `npm run bench`; the ratio is the median of per-rep ratios.
 *   npm run bench:path-rules -- [reps] [seconds]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGateway } from './bench-processes.js';
import { startProbeUpstream } from './probe-setup.js';
import { ChildProcesses } from './child-processes.js';
import { writeGatewayConfig } from './gateway-config.js';
import { runHey } from './hey.js';
import { proxyUrl } from './targets.js';
import { freePort } from './wait.js';

const reps = Number(process.argv[2] ?? 5);
const seconds = Number(process.argv[3] ?? 3);
const DUMMIES = 10_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const children = new ChildProcesses();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'onecli-path-rules-'));
try {
  const { token, value, pki, authority } = await startProbeUpstream(children, workDir);
  const start = async (dir: string, dummyMappings: number, pathRules = true) => {
    const port = await freePort();
    const config = writeGatewayConfig(
      path.join(workDir, dir),
      pki,
      { listenPort: port, mappedHosts: [authority], dummyMappings, pathRules, logLevel: 'warn' },
      { token, value },
    );
    return { port, proc: await startGateway(children, dummyMappings ? 'gateway-10k' : 'gateway', config, port, path.join(workDir, `${dir}.log`)) };
  };
  // The pre-issue-12 table (10,000 host-only mappings) runs too: it tells what the path rules
  // cost from what a big table costs on this machine.
  const gateways = { one: await start('one', 0), plain: await start('plain', DUMMIES, false), rules: await start('rules', DUMMIES) };
  const load = (port: number) => runHey(children, { url: `https://${authority}/echo`, concurrency: 32, durationS: seconds, proxyUrl: proxyUrl(token, port) });
  for (const g of Object.values(gateways)) await load(g.port); // warm-up: leaf certificates minted, JIT warm
  const ratios = { rules: [] as number[], plain: [] as number[] };
  for (let rep = 0; rep < reps; rep++) {
    // Rotate the order, so a drift in the machine's load favours none.
    const order = (['one', 'plain', 'rules'] as const).map((_, i, all) => all[(i + rep) % all.length]!);
    const got: Record<string, number> = {};
    for (const name of order) {
      const r = await load(gateways[name].port);
      if (Object.keys(r.statusCodes).some((c) => c !== '200')) throw new Error(`${name}: status codes ${JSON.stringify(r.statusCodes)}`);
      got[name] = r.reqPerSec;
    }
    ratios.rules.push(got.rules! / got.one!);
    ratios.plain.push(got.plain! / got.one!);
    console.log(
      `rep ${rep}\t1 mapping ${got.one!.toFixed(0)} req/s\t10,000 plain ${got.plain!.toFixed(0)}\t10,000 path-rule ${got.rules!.toFixed(0)}\tratios ${(got.plain! / got.one!).toFixed(3)} / ${(got.rules! / got.one!).toFixed(3)}`,
    );
  }
  console.log(
    `median ratio to 1 mapping at c=32 over ${reps} reps of ${seconds} s: 10,000 path-rule mappings ${median(ratios.rules).toFixed(3)}, 10,000 host-only mappings ${median(ratios.plain).toFixed(3)}`,
  );
} finally {
  await children.stopAll();
  rmSync(workDir, { recursive: true, force: true });
}
