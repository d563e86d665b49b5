import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { LeafCertificates } from '../../src/gateway/leaf-certificates.js';
import type { CaPem } from './pki.js';

/** The leaf (DER) the gateway serves for `host`, fetched over a real TLS handshake that trusts only `ca`. */
export async function servedLeaf(ca: CaPem, host: string): Promise<Buffer> {
  const certs = await LeafCertificates.create(ca.certPem, ca.keyPem);
  const server = tls.createServer({
    SNICallback: (name, cb) =>
      void Promise.resolve(certs.contextFor(name)).then(
        (ctx) => cb(null, ctx),
        (err: Error) => cb(err),
      ),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const socket = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const s = tls.connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, servername: host, ca: ca.certPem }, () => resolve(s));
      s.once('error', reject);
    });
    const raw = socket.getPeerX509Certificate()!.raw;
    socket.destroy();
    return raw;
  } finally {
    server.close();
  }
}
