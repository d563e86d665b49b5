import { execFile } from 'node:child_process';
import net from 'node:net';
import tls from 'node:tls';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a real client (curl, python3, hey) without blocking this process's servers. */
export function run(cmd: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { env: opts.env ?? process.env, timeout: opts.timeoutMs ?? 20_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

export interface RawResponse {
  head: string;
  status: number;
  headers: Record<string, string>;
  socket: net.Socket;
  /** Bytes after the head that arrived with it. */
  rest: Buffer;
}

/** Writes raw bytes to the gateway and reads one response head: for CONNECT and bad input. */
export function rawRequest(port: number, bytes: string | Buffer, { timeoutMs = 5_000 } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no response head in ${timeoutMs} ms; got ${JSON.stringify(buf.toString('latin1'))}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      const head = buf.subarray(0, end).toString('latin1');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ head, status: Number(statusLine?.split(' ')[1]), headers, socket, rest: buf.subarray(end + 4) });
    };
    socket.on('data', onData);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Reads the rest of a raw response until the server closes. */
export function readToEnd(res: RawResponse): Promise<string> {
  return new Promise((resolve) => {
    const chunks = [res.rest];
    res.socket.on('data', (c: Buffer) => chunks.push(c));
    res.socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.socket.on('error', () => undefined);
    res.socket.resume();
  });
}

export const basicAuth = (token: string) => `Basic ${Buffer.from(`x:${token}`).toString('base64')}`;

/** CONNECT through the gateway, then TLS to `servername` over the tunnel. */
export async function tlsThroughProxy(port: number, token: string, authority: string, opts: { servername?: string; ca: string }): Promise<tls.TLSSocket> {
  const res = await rawRequest(port, `CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nProxy-Authorization: ${basicAuth(token)}\r\n\r\n`);
  if (res.status !== 200) throw new Error(`CONNECT answered ${res.status}`);
  const host = authority.replace(/:\d+$/, '');
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ socket: res.socket, host, servername: opts.servername ?? (net.isIP(host) ? '' : host), ca: opts.ca }, () => resolve(socket));
    socket.once('error', reject);
  });
}
