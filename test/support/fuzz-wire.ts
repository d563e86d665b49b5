import net from 'node:net';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';

/** What came back on one connection. */
export interface Received {
  bytes: Buffer;
  /** The far side closed (or reset) before our deadline. */
  closed: boolean;
  /** Nothing at all came back before the deadline. */
  silent: boolean;
}

export interface ReadOptions {
  /** Hard limit for the whole exchange. */
  deadlineMs: number;
  /** Once something arrived, this long without more ends the read (keep-alive answers). */
  settleMs: number;
}

const DEFAULT_READ: ReadOptions = { deadlineMs: 800, settleMs: 150 };
const MAX_KEPT = 1024 * 1024;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Collects everything `stream` sends until it closes, goes quiet after answering, or the deadline. */
function collect(stream: Duplex, opts: ReadOptions, onEnd?: () => void): { done: Promise<Received>; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  let size = 0;
  let settle: NodeJS.Timeout | undefined;
  let finish!: (closed: boolean) => void;
  const done = new Promise<Received>((resolve) => {
    const deadline = setTimeout(() => finish(false), opts.deadlineMs);
    finish = (closed) => {
      clearTimeout(deadline);
      clearTimeout(settle);
      const bytes = Buffer.concat(chunks);
      resolve({ bytes, closed, silent: bytes.length === 0 });
      onEnd?.();
    };
  });
  stream.on('data', (c: Buffer) => {
    if (size < MAX_KEPT) chunks.push(c);
    size += c.length;
    clearTimeout(settle);
    settle = setTimeout(() => finish(false), opts.settleMs);
  });
  stream.on('error', () => undefined);
  stream.once('close', () => finish(true));
  return { done, bytes: () => Buffer.concat(chunks) };
}

function connect(port: number): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', noDelay: true });
    s.once('connect', () => resolve(s));
    s.once('error', () => resolve(undefined));
  });
}

/** Writes `pieces` a few ms apart on a fresh connection and reads what comes back. */
export async function tcpExchange(port: number, pieces: readonly Buffer[], opts: { end?: boolean } & Partial<ReadOptions> = {}): Promise<Received> {
  const socket = await connect(port);
  if (!socket) return { bytes: Buffer.alloc(0), closed: true, silent: true };
  const read = collect(socket, { ...DEFAULT_READ, ...opts }, () => socket.destroy());
  for (const [i, p] of pieces.entries()) {
    if (i > 0) await pause(2);
    if (socket.destroyed) break;
    socket.write(p);
  }
  if (opts.end && !socket.destroyed) socket.end();
  return read.done;
}

/** Reads one response head (up to the blank line) from a raw socket; what follows stays unread. */
function readHead(socket: net.Socket, deadlineMs: number): Promise<{ head: string; rest: Buffer } | undefined> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => done(undefined), deadlineMs);
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end !== -1) done({ head: buf.subarray(0, end + 4).toString('latin1'), rest: buf.subarray(end + 4) });
    };
    const onClose = () => done(buf.length ? { head: buf.toString('latin1'), rest: Buffer.alloc(0) } : undefined);
    function done(v: { head: string; rest: Buffer } | undefined) {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      resolve(v);
    }
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.on('error', () => undefined);
  });
}

export interface MitmReceived {
  /** The CONNECT answer as sent (plaintext). */
  connectHead: string;
  handshake: 'ok' | 'failed' | 'not tried';
  /** Decrypted bytes from inside the tunnel. */
  inner: Received;
}

/**
 * CONNECT, TLS with the gateway's leaf over that socket (`tls.connect({ socket })`), then the
 * inner pieces as plaintext inside; optionally raw bytes under TLS afterwards (a broken record).
 */
export async function mitmExchange(
  port: number,
  c: { connect: Buffer; servername: string; inner: readonly Buffer[]; raw: Buffer | null },
  opts: Partial<ReadOptions> = {},
): Promise<MitmReceived> {
  const none: Received = { bytes: Buffer.alloc(0), closed: true, silent: true };
  const socket = await connect(port);
  if (!socket) return { connectHead: '', handshake: 'not tried', inner: none };
  socket.on('error', () => undefined);
  socket.write(c.connect);
  const head = await readHead(socket, 1_500);
  if (!head || !/^HTTP\/1\.1 200 /.test(head.head)) {
    socket.destroy();
    return { connectHead: head?.head ?? '', handshake: 'not tried', inner: none };
  }
  if (head.rest.length) socket.unshift(head.rest);
  const secure = await new Promise<tls.TLSSocket | undefined>((resolve) => {
    const t = tls.connect({ socket, rejectUnauthorized: false, ...(c.servername ? { servername: c.servername } : {}), ALPNProtocols: ['http/1.1'] });
    const timer = setTimeout(() => {
      t.destroy();
      resolve(undefined);
    }, 1_500);
    t.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(t);
    });
    t.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    t.once('close', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  if (!secure) {
    socket.destroy();
    return { connectHead: head.head, handshake: 'failed', inner: none };
  }
  const read = collect(secure, { ...DEFAULT_READ, ...opts }, () => {
    secure.destroy();
    socket.destroy();
  });
  for (const [i, p] of c.inner.entries()) {
    if (i > 0) await pause(2);
    if (secure.destroyed) break;
    secure.write(p);
  }
  if (c.raw && !socket.destroyed) {
    await pause(5);
    socket.write(c.raw);
  }
  return { connectHead: head.head, handshake: 'ok', inner: await read.done };
}

/** `GET /healthz` answers `{"ok":true}` within the time given. */
export async function healthy(port: number, timeoutMs = 2_000): Promise<boolean> {
  const r = await tcpExchange(port, [Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')], {
    deadlineMs: timeoutMs,
    settleMs: timeoutMs,
  });
  return /^HTTP\/1\.1 200 /.test(r.bytes.toString('latin1')) && r.bytes.includes('{"ok":true}');
}

/** Every status code in these bytes (each response of a pipelined exchange). */
export function statuses(bytes: Buffer): number[] {
  return [...bytes.toString('latin1').matchAll(/(?:^|\r?\n)HTTP\/\d\.\d (\d{3})/g)].map((m) => Number(m[1]));
}

/** The ClientHello a TLS client sends for `servername`: real bytes to bend into garbage. */
export async function captureClientHello(servername: string): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const got = new Promise<Buffer>((resolve) => server.once('connection', (s) => s.once('data', (d: Buffer) => (resolve(d), s.destroy()))));
  const client = tls.connect({ port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', servername, rejectUnauthorized: false });
  client.on('error', () => undefined);
  const hello = await got;
  client.destroy();
  await new Promise<void>((r) => server.close(() => r()));
  return hello;
}

/** A secret to look for, and where it must not show up. */
export interface Needle {
  name: string;
  bytes: Buffer;
}

/** The forms a credential value can leave in: raw, base64, base64url. */
export function needlesFor(name: string, value: string): Needle[] {
  const b64 = Buffer.from(value).toString('base64');
  return [
    { name, bytes: Buffer.from(value) },
    { name: `${name} (base64)`, bytes: Buffer.from(b64.replace(/=+$/, '')) },
    { name: `${name} (base64url)`, bytes: Buffer.from(Buffer.from(value).toString('base64url')) },
  ];
}

export function findNeedles(haystack: Buffer | string, needles: readonly Needle[]): string[] {
  const h = typeof haystack === 'string' ? Buffer.from(haystack) : haystack;
  return needles.filter((n) => h.includes(n.bytes)).map((n) => n.name);
}

/** How a case is printed so it can be replayed by hand: its bytes, JSON-escaped. */
export const show = (b: Buffer | string, max = 600) => {
  const s = typeof b === 'string' ? b : b.toString('latin1');
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…(${s.length} bytes)` : s);
};

export interface PoolOptions {
  concurrency: number;
  /** Stop starting new cases after this long. */
  budgetMs: number;
  /** How often the target is checked while cases run. */
  checkEveryMs: number;
  /** True while the target serves. */
  check(): Promise<boolean>;
  /** The target stopped serving after the cases `suspects` ran (oldest first): find the culprit, bring it back. */
  recover(suspects: number[]): Promise<void>;
}

/**
 * Runs cases `0..count-1`, `concurrency` at a time, while a checker asks the target every
 * `checkEveryMs` whether it still serves. When it does not, new cases stop, the running ones
 * finish, and `recover` gets every case started since the last good check.
 */
export async function runPool(count: number, runCase: (i: number) => Promise<void>, opts: PoolOptions): Promise<{ ran: number; checks: number; ms: number }> {
  const t0 = Date.now();
  const deadline = t0 + opts.budgetMs;
  let next = 0;
  let checks = 0;
  /** Cases started since the last good check, and those still running then. */
  let suspects: number[] = [];
  const running = new Set<number>();
  let broken = false;
  const more = () => next < count && Date.now() < deadline && !broken;

  const worker = async () => {
    while (more()) {
      const i = next++;
      suspects.push(i);
      running.add(i);
      await runCase(i);
      running.delete(i);
    }
  };
  for (;;) {
    const workers = Array.from({ length: opts.concurrency }, worker);
    let stop = false;
    const checker = (async () => {
      while (!stop) {
        await pause(opts.checkEveryMs);
        if (stop) break;
        const window = suspects;
        suspects = [...running];
        checks++;
        if (await opts.check()) continue;
        suspects = [...window, ...suspects.filter((i) => !window.includes(i))];
        broken = true;
        return;
      }
    })();
    await Promise.all(workers);
    stop = true;
    await checker;
    checks++;
    if (!broken && !(await opts.check())) broken = true;
    if (!broken) break;
    broken = false;
    await opts.recover([...new Set(suspects)].sort((a, b) => a - b));
    suspects = [];
    if (!more()) break;
  }
  return { ran: next, checks, ms: Date.now() - t0 };
}
