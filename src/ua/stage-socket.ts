/**
 * A `JsSIP.Socket` around another socket (normally `WebSocketInterface`) that runs every SIP frame
 * through a list of stages: outgoing frames through the stages in order, incoming ones in reverse
 * order (so the stage nearest the wire sees a frame first on the way in and last on the way out).
 * Keyhop's stages are the SDP envelope, Route-Security and MS-SIPAE signing; JsSIP above sees plain
 * SDP and only messages that passed every check (`../shared/spec/jssip-seams.md` §2–3).
 *
 * A stage may work asynchronously (WebCrypto). Frames keep their order in each direction: while one
 * is pending, later ones queue behind it. Uses only JsSIP's public Socket interface.
 */
import type { Socket } from 'jssip/lib/Socket';

type SocketData = string | ArrayBufferLike | Blob | ArrayBufferView;
type Result = string | null | Promise<string | null>;

/** What a stage may do besides transforming the frame in hand. */
export interface StageContext {
  /** Sends a message of the stage's own making (e.g. a 493 refusing a request) through every outgoing stage. */
  reply(raw: string): void;
}

export interface SocketStage {
  /** Short name, used in warnings. */
  readonly name: string;
  /** An outgoing SIP message: the text to send on, or null to swallow it. */
  outgoing?(raw: string, context: StageContext): Result;
  /** An incoming SIP message: the text to pass on, or null to drop it. */
  incoming?(raw: string, context: StageContext): Result;
  /** The connection closed. */
  reset?(): void;
}

export class StageSocket implements Socket {
  readonly #inner: Socket;
  readonly #out: SocketStage[];
  readonly #in: SocketStage[];
  readonly #decoder = new TextDecoder();
  readonly #context: StageContext = { reply: (raw) => void this.send(raw) };
  /** The last pending frame per direction; null when nothing waits. */
  #tail: { out: Promise<void> | null; in: Promise<void> | null } = { out: null, in: null };

  constructor(inner: Socket, stages: readonly SocketStage[]) {
    this.#inner = inner;
    this.#out = [...stages];
    this.#in = [...stages].reverse();
    inner.onconnect = () => this.onconnect();
    inner.ondisconnect = (error: boolean, code?: number, reason?: string) => {
      for (const s of stages) s.reset?.();
      this.ondisconnect(error, code, reason);
    };
    inner.ondata = <T>(data: T) => this.#receive(data);
  }

  get via_transport(): string {
    return this.#inner.via_transport;
  }

  set via_transport(value: string) {
    this.#inner.via_transport = value;
  }

  get url(): string {
    return this.#inner.url;
  }

  get sip_uri(): string {
    return this.#inner.sip_uri;
  }

  connect(): void {
    this.#inner.connect();
  }

  disconnect(): void {
    this.#inner.disconnect();
  }

  isConnected(): boolean {
    return this.#inner.isConnected();
  }

  isConnecting(): boolean {
    return this.#inner.isConnecting();
  }

  send(message: SocketData): boolean {
    if (typeof message !== 'string' || message.trim() === '') {
      // Keep-alives go out in order too.
      if (this.#tail.out) this.#enqueue('out', () => '', () => this.#inner.send(message));
      else return this.#inner.send(message);
      return true;
    }
    // Report a dead transport at once, as the bare socket would.
    if (!this.#inner.isConnected()) return false;
    const work = () => this.#run(this.#out, 'outgoing', message);
    if (this.#tail.out) {
      this.#enqueue('out', work, (text) => this.#inner.send(text));
      return true;
    }
    const result = work();
    if (typeof result === 'string') return this.#inner.send(result);
    if (result !== null) this.#chain('out', result.then((r) => void (r !== null && this.#inner.send(r))));
    return true;
  }

  // Replaced by JsSIP's Transport.
  onconnect(): void {}
  ondisconnect(_error: boolean, _code?: number, _reason?: string): void {}
  ondata<T>(_event: T): void {}

  #receive(data: unknown): void {
    let text: string | null = null;
    if (typeof data === 'string') text = data;
    else if (data instanceof ArrayBuffer) text = this.#decoder.decode(new Uint8Array(data));
    else if (ArrayBuffer.isView(data)) text = this.#decoder.decode(data);
    // Keep-alives (CRLF) and anything that is not text go straight on (behind pending frames).
    if (text === null || text.trim() === '') {
      if (this.#tail.in) this.#enqueue('in', () => '', () => this.ondata(data));
      else this.ondata(data);
      return;
    }
    const frame = text;
    this.#enqueue('in', () => this.#run(this.#in, 'incoming', frame), (checked) => this.ondata(checked));
  }

  /** Runs `raw` through `stages`, synchronously as long as every stage answers synchronously. */
  #run(stages: readonly SocketStage[], direction: 'outgoing' | 'incoming', raw: string, from = 0): Result {
    let text = raw;
    for (let i = from; i < stages.length; i++) {
      const stage = stages[i]!;
      const step = stage[direction];
      if (!step) continue;
      const result = guard(() => step.call(stage, text, this.#context), stage.name, direction);
      if (result === null) return null;
      if (typeof result !== 'string') {
        return result.then(
          (r) => (r === null ? null : this.#run(stages, direction, r, i + 1)),
          (error: unknown) => warn(stage.name, direction, error),
        );
      }
      text = result;
    }
    return text;
  }

  /** Delivers frames in arrival order: at once while nothing is pending, otherwise behind the tail. */
  #enqueue(direction: 'out' | 'in', work: () => Result, deliver: (text: string) => void): void {
    const tail = this.#tail[direction];
    if (!tail) {
      const result = work();
      if (typeof result === 'string') return deliver(result);
      if (result === null) return;
      this.#chain(direction, result.then((r) => void (r !== null && deliver(r))));
      return;
    }
    this.#chain(direction, tail.then(async () => {
      const r = await work();
      if (r !== null) deliver(r);
    }));
  }

  #chain(direction: 'out' | 'in', pending: Promise<void>): void {
    const p: Promise<void> = pending.catch((error: unknown) => void warn('socket', direction, error)).finally(() => {
      if (this.#tail[direction] === p) this.#tail[direction] = null;
    });
    this.#tail[direction] = p;
  }
}

/** A stage that throws loses the frame rather than letting an unchecked or unprotected one through. */
function guard(fn: () => Result, name: string, direction: string): Result {
  try {
    return fn();
  } catch (error) {
    return warn(name, direction, error);
  }
}

function warn(name: string, direction: string, error: unknown): null {
  console.warn(`Keyhop: the ${name} stage failed on an ${direction === 'out' || direction === 'outgoing' ? 'outgoing' : 'incoming'} SIP message; it was dropped`, error);
  return null;
}
