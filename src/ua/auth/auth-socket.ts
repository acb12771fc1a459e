/**
 * A `JsSIP.Socket` around another socket (normally `WebSocketInterface`) that runs every frame
 * through `UaAuth`: outgoing requests and responses are signed for each proxy with a security
 * association (ACK, CANCEL and BYE included, since every write passes here), incoming ones are
 * verified and dropped when they fail. Uses only JsSIP's public Socket interface; everything it
 * does is synchronous (signing and MIC checks are), so frames keep their order.
 */
import type { Socket } from 'jssip/lib/Socket';
import type { UaAuth } from './ua-auth.js';

type SocketData = string | ArrayBufferLike | Blob | ArrayBufferView;

export class AuthSocket implements Socket {
  readonly #inner: Socket;
  readonly #auth: UaAuth;
  readonly #decoder = new TextDecoder();

  constructor(inner: Socket, auth: UaAuth) {
    this.#inner = inner;
    this.#auth = auth;
    inner.onconnect = () => this.onconnect();
    inner.ondisconnect = (error: boolean, code?: number, reason?: string) => {
      // The proxy ties its associations to the connection: a new one starts from scratch.
      this.#auth.reset();
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
    if (typeof message !== 'string' || message.trim() === '') return this.#inner.send(message);
    let out: string;
    try {
      out = this.#auth.outgoing(message);
    } catch (error) {
      // Never break JsSIP's send path: unsigned, the proxy challenges the message again.
      console.warn('Keyhop: could not sign an outgoing SIP message', error);
      out = message;
    }
    return this.#inner.send(out);
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
    // Keep-alives (CRLF) and anything that is not text go straight on.
    if (text === null || text.trim() === '') {
      this.ondata(data);
      return;
    }
    let accept: boolean;
    try {
      accept = this.#auth.incoming(text);
    } catch (error) {
      // A message that cannot be checked is not trusted.
      console.warn('Keyhop: could not check an incoming SIP message; it was ignored', error);
      accept = false;
    }
    if (accept) this.ondata(text);
  }
}
