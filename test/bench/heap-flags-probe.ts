/**
 * One-off (issue 16, item 11): the gateway's peak RSS under the bench's c=32 load with its V8
 * flags on the command line (as the launcher starts it) against the flag set only at runtime
 * (how a utility process would run if Electron dropped a bare execArgv flag). Interleaved reps.
 *   npx tsx test/bench/heap-flags-probe.ts [reps] [seconds]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGateway } from './bench-processes.js';
import { startProbeUpstream } from './probe-setup.js';
import { ChildProcesses } from './child-processes.js';
import { writeGatewayConfig } from './gateway-config.js';
import { runHey } from './hey.js';
import { peakRssMiB, rssMiB } from './proc-stats.js';
import { proxyUrl } from './targets.js';
import { freePort } from './wait.js';
import { GATEWAY_EXEC_ARGV } from '../../src/core/supervisor/spawner.js';

const reps = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 10);
const children = new ChildProcesses();
const workDir = mkdtempSync(path.join(os.tmpdir(), 'onecli-heap-'));
try {
  const { token, value, pki, authority } = await startProbeUpstream(children, workDir);
  const ways: Record<string, readonly string[]> = { 'argv flag': GATEWAY_EXEC_ARGV, 'runtime flag only': [] };
  const rows: string[] = [];
  for (let rep = 0; rep < reps; rep++) {
    for (const [way, flags] of Object.entries(ways)) {
      const port = await freePort();
      const config = writeGatewayConfig(
        path.join(workDir, `${rep}-${way}`),
        pki,
        { listenPort: port, mappedHosts: [authority], dummyMappings: 0, logLevel: 'warn' },
        { token, value },
      );
      const gw = await startGateway(children, 'gateway', config, port, path.join(workDir, `${rep}-${way}.log`), {}, flags);
      const atRest = rssMiB(gw.pid);
      const hey = await runHey(children, { url: `https://${authority}/echo`, concurrency: 32, durationS: seconds, proxyUrl: proxyUrl(token, port) });
      rows.push(
        `${way}\trep ${rep}\trest ${atRest.toFixed(0)} MiB\tpeak ${peakRssMiB(gw.pid).toFixed(0)} MiB\tend ${rssMiB(gw.pid).toFixed(0)} MiB\t${hey.reqPerSec.toFixed(0)} req/s\t${JSON.stringify(hey.statusCodes)}`,
      );
      gw.child.kill('SIGTERM');
      await new Promise((r) => gw.child.once('exit', r));
    }
  }
  console.log(rows.join('\n'));
} finally {
  await children.stopAll();
  rmSync(workDir, { recursive: true, force: true });
}
