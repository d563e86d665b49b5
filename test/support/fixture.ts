import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeCa, makeServerCert, type CaPem } from './pki.js';
import { startTlsUpstream, type TlsUpstream } from './upstream.js';
import { startGatewayProcess, type GatewayOptions, type GatewayProcess, type MappingSpec } from './gateway-process.js';

/** Known secrets: the secret-scan assertions look for these everywhere. */
export const SECRETS = {
  agentToken: 'tok-agent-7f3c9e1d2b4a6f80',
  value: 'sk-live-SECRET-4d2f8a91c3e7',
  phantom: 'sk-phantom-CLIENT-9b1e2d3c',
} as const;

/** What an agent sees where an upstream echoed the injected value: `*` of the same length. */
export const MASKED_VALUE = '*'.repeat(SECRETS.value.length);

export interface Fixture {
  ca: CaPem;
  upstreamCa: CaPem;
  upstream: TlsUpstream;
  gateway: GatewayProcess;
  dir: string;
  /** Paths of PEM files clients are given. */
  caFile: string;
  upstreamCaFile: string;
  proxy: string;
  stop(): Promise<void>;
}

/**
 * A local CA, an upstream CA, a real HTTPS upstream on loopback, and a gateway process whose
 * mappings point at it. `mappings` receives the upstream so specs can name its port.
 */
export async function startFixture(mappings: (upstream: TlsUpstream) => MappingSpec[], extra: Partial<GatewayOptions> = {}): Promise<Fixture> {
  const [ca, upstreamCa] = await Promise.all([makeCa('OneCLI Test Local CA'), makeCa('Test Upstream CA')]);
  const upstream = await startTlsUpstream(await makeServerCert(upstreamCa, ['localhost', '127.0.0.1']));
  const gateway = await startGatewayProcess({ ca, upstreamCaPem: upstreamCa.certPem, tokens: [SECRETS.agentToken], mappings: mappings(upstream), ...extra });
  const dir = mkdtempSync(path.join(tmpdir(), 'onecli-client-'));
  const caFile = path.join(dir, 'ca.pem');
  const upstreamCaFile = path.join(dir, 'upstream-ca.pem');
  writeFileSync(caFile, ca.certPem);
  writeFileSync(upstreamCaFile, upstreamCa.certPem);
  return {
    ca,
    upstreamCa,
    upstream,
    gateway,
    dir,
    caFile,
    upstreamCaFile,
    proxy: gateway.proxyUrl(SECRETS.agentToken),
    stop: async () => {
      await gateway.stop();
      await upstream.close();
    },
  };
}
