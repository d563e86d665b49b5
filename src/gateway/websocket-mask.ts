import { maskBuffer, type ValueMask } from './value-mask.js';

/**
 * Scans the server → client side of a WebSocket on a mapped host for the injected value, frame
 * by frame (RFC 6455 §5.2). Scanning the raw bytes is not enough: a frame header can fall inside
 * the value (a message fragmented at the server's buffer size, a ping between fragments), and a
 * frame that ends in the first byte of the value would wait for the next one. So payloads of one
 * message are scanned as one text, masked in place (frame lengths stay), and every frame is sent
 * as soon as nothing in it could still be the start of the value; a message's last frame always
 * goes out at once. A value split across two messages is not caught (docs/security.md).
 *
 * The gateway offers no extensions to mapped hosts, so a frame with RSV bits (compressed) or a
 * MASK bit (servers never mask) is a protocol violation: the connection is closed.
 */
const MAX_FRAME_BYTES = 16 * 1024 * 1024;

interface Frame {
  readonly header: Buffer;
  readonly payload: Buffer;
}

export type ScanResult = { readonly ok: true; readonly out: Buffer } | { readonly ok: false; readonly reason: string };

const EMPTY = Buffer.alloc(0);

export class WebSocketFrameScanner {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Bytes needed before the next frame can be decided on. */
  #need = 2;
  /** Data frames of the message in progress that are not sent yet. */
  #held: Frame[] = [];

  constructor(
    private readonly mask: ValueMask,
    private readonly maxFrameBytes = MAX_FRAME_BYTES,
  ) {}

  push(chunk: Buffer): ScanResult {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    if (this.#pendingBytes < this.#need) return { ok: true, out: EMPTY };
    let buf = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
    const out: Buffer[] = [];
    for (;;) {
      const parsed = this.#frameAt(buf);
      if (parsed === 'incomplete') break;
      if (typeof parsed === 'string') return { ok: false, reason: parsed };
      buf = buf.subarray(parsed.header.length + parsed.payload.length);
      this.#take(parsed, out);
    }
    // Copy the rest: it may be a view of a socket buffer that is reused.
    this.#pending = buf.length ? [Buffer.from(buf)] : [];
    this.#pendingBytes = buf.length;
    return { ok: true, out: out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out) };
  }

  /** The frame at the start of `buf`, 'incomplete' (and #need set), or why the stream is refused. */
  #frameAt(buf: Buffer): Frame | 'incomplete' | string {
    if (buf.length < 2) return this.#wait(2);
    const b0 = buf[0] as number;
    const b1 = buf[1] as number;
    if (b0 & 0x70) return 'a compressed or extended WebSocket frame (RSV bits) that was never negotiated';
    if (b1 & 0x80) return 'a masked frame from the server';
    const len7 = b1 & 0x7f;
    const headerLength = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0);
    if (buf.length < headerLength) return this.#wait(headerLength);
    const length = len7 < 126 ? len7 : len7 === 126 ? buf.readUInt16BE(2) : Number(buf.readBigUInt64BE(2));
    if (length > this.maxFrameBytes) return `a WebSocket frame of ${length} bytes (at most ${this.maxFrameBytes} are scanned)`;
    if (buf.length < headerLength + length) return this.#wait(headerLength + length);
    this.#need = 2;
    return { header: buf.subarray(0, headerLength), payload: buf.subarray(headerLength, headerLength + length) };
  }

  #wait(bytes: number): 'incomplete' {
    this.#need = bytes;
    return 'incomplete';
  }

  #take(frame: Frame, out: Buffer[]): void {
    const opcode = (frame.header[0] as number) & 0x0f;
    const fin = ((frame.header[0] as number) & 0x80) !== 0;
    if (opcode >= 0x8) {
      // Control frames stand alone (and may come between the fragments of a message).
      maskBuffer(frame.payload, this.mask.search);
      out.push(frame.header, frame.payload);
      return;
    }
    // Held frames may wait for the next read: own their bytes.
    this.#held.push(fin && this.#held.length === 0 ? frame : { header: Buffer.from(frame.header), payload: Buffer.from(frame.payload) });
    const held = this.#held;
    const text = held.length === 1 ? (held[0] as Frame).payload : Buffer.concat(held.map((f) => f.payload));
    const safe = maskBuffer(text, this.mask.search);
    if (held.length > 1) {
      let at = 0;
      for (const f of held) {
        text.copy(f.payload, 0, at, at + f.payload.length);
        at += f.payload.length;
      }
    }
    if (fin) {
      for (const f of held) out.push(f.header, f.payload);
      this.#held = [];
      return;
    }
    // Send every frame that ends before the tail that could still start the value.
    let end = 0;
    let sent = 0;
    for (const f of held) {
      if (end + f.payload.length > safe) break;
      end += f.payload.length;
      out.push(f.header, f.payload);
      sent++;
    }
    this.#held = held.slice(sent);
  }
}
