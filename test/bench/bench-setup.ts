/** Starts everything a bench run measures: upstream, gateways (1 mapping, 10,000 mappings, 1 mapping unscanned), mitmdump. */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createBenchPki, type BenchPki } from './bench-pki.js';
import { startGateway, startMitmdump, startTlsPipe, startUpstream, type ProxyProcess, type UpstreamProcess } from './bench-processes.js';
import type { ChildProcesses } from './child-processes.js';
import { writeGatewayConfig } from './gateway-config.js';
import { freePort } from './wait.js';
import type { BenchSettings } from './settings.js';
import { proxyUrl, type GatewayTargetName, type Target, type TargetName } from './routes.js';

/** The standalone gateway's bench-only switch: relay responses from mapped hosts unscanned. */
export const NO_SCAN_ENV = 'ONECLI_BENCH_UNSAFE_NO_RESPONSE_SCAN';

/** The first `command` on PATH, as a file path. */
function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, command);
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

/** A loopback address no mapping names (routes.ts: `gateway-blind`); Linux answers on all of 127/8, as the new-host phase needs too. */
const BLIND_IP = '127.0.0.250';

export interface Setup {
  upstream: UpstreamProcess;
  pki: BenchPki;
  origin: string;
  newHostOrigins: string[];
  proxies: ProxyProcess[];
  targets: Map<TargetName, Target>;
}

export async function setUp(settings: BenchSettings, children: ChildProcesses, workDir: string, logDir: string, log: (line: string) => void): Promise<Setup> {
  const token = randomBytes(24).toString('hex');
  const injectValue = `bench-${randomBytes(12).toString('hex')}`;
  const ips = ['127.0.0.1', ...Array.from({ length: settings.newHosts }, (_, i) => `127.0.0.${i + 2}`), BLIND_IP];
  const pki = await createBenchPki(workDir, ips);
  const upstream = await startUpstream(children, workDir, pki, ips, injectValue);
  const all = upstream.listeners.map((l) => `${l.ip}:${l.port}`);
  // The last listener (BLIND_IP) is mapped nowhere: the gateway's blind tunnel goes there.
  const blindAuthority = all.at(-1) as string;
  const authorities = all.slice(0, -1);
  const [mainAuthority, ...newHostAuthorities] = authorities;
  log(`upstream: https://${mainAuthority} (+${newHostAuthorities.length} new-host listeners, unmapped https://${blindAuthority}), pid ${upstream.child.pid}`);

  const secrets = { token, value: injectValue };
  const startOne = async (name: GatewayTargetName, dummyMappings: number, extraEnv: Record<string, string> = {}) => {
    const listenPort = await freePort();
    const config = writeGatewayConfig(
      path.join(workDir, name),
      pki,
      { listenPort, mappedHosts: authorities, dummyMappings, logLevel: settings.logLevel },
      secrets,
    );
    return startGateway(children, name, config, listenPort, path.join(logDir, `${name}.log`), extraEnv);
  };
  const gateway = await startOne('gateway', 0);
  const gateway10k = await startOne('gateway-10k', settings.dummyMappings);
  // The same program and config as `gateway`, relaying responses unscanned: the scan's baseline.
  const gatewayNoScan = await startOne('gateway-noscan', 0, { [NO_SCAN_ENV]: '1' });
  log(
    `gateway: 127.0.0.1:${gateway.port} pid ${gateway.pid}; gateway with ${settings.dummyMappings} extra mappings: 127.0.0.1:${gateway10k.port} pid ${gateway10k.pid} (log level ${settings.logLevel})`,
  );
  log(`gateway without response scan (${NO_SCAN_ENV}=1): 127.0.0.1:${gatewayNoScan.port} pid ${gatewayNoScan.pid}`);

  const gatewayTarget = (name: GatewayTargetName, proc: ProxyProcess): Target => ({
    name,
    proxy: { url: proxyUrl(token, proc.port), caPem: pki.gatewayCa.certPem, process: proc },
  });
  const targets = new Map<TargetName, Target>([
    ['direct', { name: 'direct' }],
    ['gateway', gatewayTarget('gateway', gateway)],
    ['gateway-10k', gatewayTarget('gateway-10k', gateway10k)],
    ['gateway-noscan', gatewayTarget('gateway-noscan', gatewayNoScan)],
    // gateway-noscan's process (a blind tunnel scans nothing anyway), so its tunnels stay out of the
    // judged gateway's peak memory; through a blind tunnel the client trusts the upstream itself.
    [
      'gateway-blind',
      {
        name: 'gateway-blind',
        proxy: { url: proxyUrl(token, gatewayNoScan.port), caPem: pki.upstreamCaPem, process: gatewayNoScan },
        origin: `https://${blindAuthority}`,
      },
    ],
  ]);
  const proxies = [gateway, gateway10k, gatewayNoScan];
  // The reference for TLS termination: the client trusts the upstream's CA, whose certificate the pipe presents.
  const tlsPipe = await startTlsPipe(children, workDir, pki, path.join(logDir, 'tls-pipe.log'));
  log(`reference TLS-terminating pipe (no HTTP): 127.0.0.1:${tlsPipe.port} pid ${tlsPipe.pid}`);
  targets.set('tls-pipe', { name: 'tls-pipe', proxy: { url: proxyUrl(token, tlsPipe.port), caPem: pki.upstreamCaPem, process: tlsPipe } });
  proxies.push(tlsPipe);
  const mitmdump = findOnPath('mitmdump');
  if (mitmdump) {
    const mitm = await startMitmdump(children, { mitmdump, pki, token, injectValue, mappedHosts: authorities }, path.join(logDir, 'mitmdump.log'));
    log(`mitmproxy: 127.0.0.1:${mitm.port} pid ${mitm.pid}`);
    targets.set('mitmproxy', { name: 'mitmproxy', proxy: { url: proxyUrl(token, mitm.port), caPem: pki.mitmCaPem, process: mitm } });
    proxies.push(mitm);
  } else {
    log('mitmproxy: not installed (apt-get install mitmproxy)');
  }
  return { upstream, pki, origin: `https://${mainAuthority}`, newHostOrigins: newHostAuthorities.map((a) => `https://${a}`), proxies, targets };
}
