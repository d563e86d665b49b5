import net from 'node:net';

/**
 * A listener that stands for a host an agent must not reach: it records every TCP connection
 * (and the bytes of each), so a test can prove that nothing was opened to it, not merely that
 * the client got an error.
 */
export interface ConnectionRecorder {
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Bytes received over all connections. */
  readonly bytes: number;
  close(): Promise<void>;
}

export async function startConnectionRecorder(host = '127.0.0.1'): Promise<ConnectionRecorder> {
  let connections = 0;
  let bytes = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('data', (d: Buffer) => (bytes += d.length));
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as net.AddressInfo).port,
    get connections() {
      return connections;
    },
    get bytes() {
      return bytes;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
