import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { PassThrough, type Duplex } from 'node:stream';
import { sendError } from './error-responses.js';
import { INTERNAL_ERROR_MESSAGE } from './fault-isolation.js';
import type { ForwardDone, ForwardPlan } from './forward.js';
import type { GatewayState } from './gateway-state.js';
import { codingsApplied, decodedBody, type BodyCodings } from './response-coding.js';
import { BODY_HIGH_WATER_MARK, upstreamFailure } from './upstream.js';
import { responseHeaders } from './upstream-fields.js';
import { pipeMasked } from './value-mask.js';

/** Where the response body goes: `write` says whether more may come now; `drains` is what to wait on when not. */
interface BodySink {
  write(chunk: Buffer): boolean;
  end(): void;
  readonly drains: NodeJS.EventEmitter;
}

/** What the relay reads from a response head, in one pass: a repeated field's lines joined with ", ". */
function framing(raw: readonly string[]): { length: boolean } & BodyCodings {
  let length = false;
  let contentEncoding: string | undefined;
  let transferEncoding: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const field = raw[i] as string;
    // By length first: most fields are none of the three, and need no lower-casing.
    if (field.length === 14 && field.toLowerCase() === 'content-length') length = true;
    else if (field.length === 16 && field.toLowerCase() === 'content-encoding')
      contentEncoding = contentEncoding === undefined ? raw[i + 1] : `${contentEncoding}, ${raw[i + 1]}`;
    else if (field.length === 17 && field.toLowerCase() === 'transfer-encoding')
      transferEncoding = transferEncoding === undefined ? raw[i + 1] : `${transferEncoding}, ${raw[i + 1]}`;
  }
  return { length, contentEncoding, transferEncoding };
}

/**
 * The relays whose response waits behind another on its agent connection (pipelined), by
 * connection. Node's server tells only the current response that the connection closed
 * (abortIncoming in _http_server.js leaves the queued ones alone): without this, an agent that
 * reset left each upstream request behind it running, paused once its buffer filled, for good.
 * One 'close' listener per connection, however many requests wait on it.
 */
const waitingOn = new WeakMap<Duplex, Set<() => void>>();

function whenConnectionCloses(connection: Duplex, gone: () => void): () => void {
  let waiting = waitingOn.get(connection);
  if (!waiting) {
    const all = new Set<() => void>();
    waiting = all;
    waitingOn.set(connection, all);
    connection.once('close', () => {
      waitingOn.delete(connection);
      for (const fn of all) fn();
    });
  }
  waiting.add(gone);
  return () => waiting.delete(gone);
}

/**
 * The client's side of one forwarded request, whichever upstream leg fetched the answer
 * (upstream-request.ts): the response head relayed with its fields filtered (and masked on a
 * mapped host), the body written chunk by chunk as it arrives (through the scanner, or decoded
 * first when a mapped host compressed anyway), the upstream paused while the client does not
 * read, and exactly one `done` per request. A retry sends the request again into the same relay.
 */
export class RelayToClient {
  #abort: ((err: Error) => void) | undefined;
  #clientGone = false;
  #finished = false;
  #sink: BodySink | undefined;
  /** Body bytes (or the end) were written to the client: the head went with them. */
  #bodyWritten = false;
  #resume: (() => void) | undefined;
  /**
   * Never straight from the 'drain' event: Node emits it on a connection's current response from
   * inside a write to the response pipelined behind it (socketOnDrain in _http_server.js), which
   * can run in another upstream's parser callback, and undici's parser refuses to be re-entered
   * (an assertion: that request failed and this one stalled). A microtask runs once the stack
   * has unwound; a drain that came early only has the upstream pause again.
   */
  readonly #onDrain = () => queueMicrotask(() => this.#resume?.());

  constructor(
    private readonly state: GatewayState,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly plan: ForwardPlan,
    private readonly done: ForwardDone,
  ) {
    // The client went away: stop the upstream work it asked for.
    const gone = () => {
      if (res.writableFinished || this.#clientGone) return;
      this.#clientGone = true;
      this.#abort?.(new Error('the client went away'));
      this.#finish(499);
    };
    res.once('close', gone);
    // Gone before this relay began: the agent left while its request waited (for an approval,
    // or for 1Password). Its 'close' has been and gone; nothing is to be sent upstream now.
    if (req.socket.destroyed) gone();
    // Pipelined behind another response: its 'close' comes only once it has the connection.
    else if (!res.socket) res.once('socket', whenConnectionCloses(req.socket, gone));
  }

  /** A response head arrived (relayed, or refused as unscannable): a failure now ends the client's response. */
  get started(): boolean {
    return this.#sink !== undefined || this.res.headersSent;
  }

  /** Nothing more to tell the client: it went away, or its response was completed or failed. */
  get over(): boolean {
    return this.#finished || this.#clientGone;
  }

  /** How to stop the upstream request now in flight (each attempt attaches its own). */
  attach(abort: (err: Error) => void): void {
    this.#abort = abort;
    if (this.#clientGone) abort(new Error('the client went away'));
  }

  /** The final response head; `resume` restarts a paused upstream. Returns false to pause it. */
  head(status: number, raw: readonly string[], statusText: string | undefined, resume: () => void): boolean {
    if (this.over) return true;
    this.#resume = resume;
    try {
      this.#start(status, raw, statusText);
    } catch (err) {
      this.fault(err);
    }
    return true;
  }

  #start(status: number, raw: readonly string[], statusText: string | undefined): void {
    const { res, plan } = this;
    const mask = plan.credential?.mask;
    const fields = framing(raw);
    let headers = responseHeaders(raw);
    let statusMessage = statusText;
    let streamed = !fields.length;
    // Decoded bodies reach the client through zlib, later than the chunks that bring them.
    let decoding = false;
    const bodyless = this.req.method === 'HEAD' || status === 204 || status === 304;
    if (!mask) {
      this.#sink = {
        write: (c) => {
          this.#bodyWritten = true;
          return res.write(c);
        },
        end: () => res.end(),
        drains: res,
      };
    } else if (codingsApplied(fields, bodyless).length === 0) {
      headers = mask.maskHeaders(headers);
      if (statusMessage) statusMessage = mask.maskText(statusMessage);
      const scanner = mask.stream();
      this.#sink = {
        write: (c) => {
          const out = scanner.push(c);
          // All held back (shorter than the value): nothing is written, and the head must not wait for it.
          if (out.length === 0) return true;
          this.#bodyWritten = true;
          return res.write(out);
        },
        end: () => {
          const rest = scanner.end();
          if (rest.length) res.end(rest);
          else res.end();
        },
        drains: res,
      };
    } else {
      // Compressed anyway: decoded, then scanned, relayed without a length (response-coding.ts).
      const input = new PassThrough({ highWaterMark: BODY_HIGH_WATER_MARK });
      const decoded = decodedBody(input, fields, headers, bodyless);
      if (!decoded.ok) {
        this.state.log.warn({ mapping: plan.mapping, encoding: decoded.encoding }, 'refused: a response the gateway cannot scan for the credential');
        sendError(
          res,
          'unscannable_response',
          plan.mapping,
          `${plan.host} answered with Content-Encoding "${decoded.encoding}", which the gateway cannot check for the credential, so the answer was withheld.`,
        );
        this.#finish(502, 'unscannable_response');
        // After the answer: aborting may report an error (to an over relay) at once.
        return this.#abort?.(new Error('unscannable response'));
      }
      headers = mask.maskHeaders(decoded.headers);
      if (statusMessage) statusMessage = mask.maskText(statusMessage);
      streamed = true;
      decoding = true;
      decoded.body.on('error', () => {
        this.#abort?.(new Error('undecodable response'));
        res.destroy();
      });
      pipeMasked(decoded.body, res, mask.stream());
      this.#sink = { write: (c) => input.write(c), end: () => input.end(), drains: input };
    }
    if (plan.closeAfter) headers.push('connection', 'close');
    res.writeHead(status, statusMessage, headers as unknown as OutgoingHttpHeaders);
    // Streams (SSE) have no length: their head goes now rather than with the first event, unless
    // body bytes came with it (this tick) and share its write (test/integration/response-writes.test.ts).
    // A body-less answer (HEAD, 204, 304) is whole with its head: it goes now, before anything the
    // upstream does after it (node:http reports bytes past a HEAD answer as an error in this tick).
    // A response pipelined behind another (no socket yet) is buffered whole, in order, except
    // that Node puts the head of a Buffer first write at the front of that buffer (_send in
    // _http_outgoing.js): ahead of the 100 Continue it wrote there for an `Expect`, which then
    // reached the agent inside the body (redteam-pipelining.test.ts). Flushed on its own, the head
    // is queued after it; it waits for the socket anyway, and goes with the body in one write.
    if (decoding || bodyless || !res.socket) res.flushHeaders();
    else if (streamed)
      process.nextTick(() => {
        if (!this.#bodyWritten && !this.over) res.flushHeaders();
      });
    res.once('finish', () => this.#finish(status));
  }

  /** A body chunk; false: the client is not reading, call `resume` (given with the head) on drain. */
  data(chunk: Buffer): boolean {
    const sink = this.#sink;
    if (!sink || this.#clientGone) return true;
    this.state.reclaim.relayed(chunk.length);
    try {
      if (sink.write(chunk)) return true;
    } catch (err) {
      this.fault(err);
      return true;
    }
    sink.drains.once('drain', this.#onDrain);
    return false;
  }

  /** The body is complete. Trailers are not relayed: they could carry the value past the scan. */
  end(): void {
    this.#bodyWritten = true;
    if (!this.#clientGone) this.#sink?.end();
  }

  /** The upstream failed (`err.code` as Node names it): an error answer, or a cut response once one started. */
  failed(err: NodeJS.ErrnoException): void {
    const { res, plan } = this;
    if (this.over) return;
    if (this.started) {
      res.destroy();
      return this.#finish(res.statusCode, 'upstream_unreachable');
    }
    const failure = upstreamFailure(err, plan);
    sendError(res, failure.code, plan.mapping, failure.message, { status: failure.status });
    this.#finish(failure.status, failure.code);
  }

  /** A bug on this request's path: 500 (or a cut response), logged, and nothing else touched. */
  fault(err: unknown): void {
    this.state.log.error({ err }, 'a request failed inside the gateway');
    if (this.res.headersSent) this.res.destroy();
    else sendError(this.res, 'internal_error', this.plan.mapping, INTERNAL_ERROR_MESSAGE);
    this.#finish(500, 'internal_error');
    this.#abort?.(new Error('gateway fault'));
  }

  #finish(status: number, error?: Parameters<ForwardDone>[1]): void {
    if (this.#finished) return;
    this.#finished = true;
    this.done(status, error);
  }
}
