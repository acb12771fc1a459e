/** SIP over TCP and TLS (RFC 3261 §18; TLS with mutual certificates between deployment proxies). */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { SipMessage } from '../../sip/message.js';
import { StreamFramer } from '../../sip/stream-framer.js';
import { SipParseError } from '../../sip/errors.js';
import { parseMessage } from '../../sip/parser.js';
import type { Logger } from '../log.js';
import { BaseFlow, type PeerKind } from './flow.js';
import { receiveBytes, rejectUnparseable, type MessageSink } from './inbound.js';

/** A connection with no traffic for this long is closed (keep-alive pings count as traffic). */
const IDLE_MS = 10 * 60_000;

export class StreamFlow extends BaseFlow {
  private corked = false;

  constructor(
    private readonly socket: Socket | TLSSocket,
    transport: 'tcp' | 'tls',
    peer: PeerKind,
    sink: MessageSink,
    log: Logger,
  ) {
    super(
      transport,
      { address: normalizeAddress(socket.remoteAddress), port: socket.remotePort ?? 0 },
      { address: normalizeAddress(socket.localAddress), port: socket.localPort ?? 0 },
      peer,
    );
    const framer = new StreamFramer();
    socket.setNoDelay(true);
    socket.setTimeout(IDLE_MS, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      for (const frame of framer.push(chunk)) {
        if (frame.kind === 'ping') socket.write('\r\n');
        else if (frame.kind === 'message') receiveBytes(this, frame.bytes, sink, log, frame.lengthMissing ? { lengthMissing: true } : {});
        else {
          // The stream is lost past this point; answer if the message can be addressed, then close.
          let partial: SipParseError['partial'];
          try {
            parseMessage(frame.bytes);
          } catch (e) {
            if (e instanceof SipParseError) partial = e.partial;
          }
          rejectUnparseable(this, new SipParseError(frame.reason, partial), log);
          socket.end();
        }
      }
    });
    socket.on('error', (e) => log.debug(`${this.id}: ${e.message}`));
    socket.on('close', () => this.markClosed());
  }

  send(msg: SipMessage): void {
    if (this.closed) return;
    // Messages sent in the same tick leave in one write: under load a trunk connection carries many.
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(msg.toBytes());
  }

  protected destroy(): void {
    this.socket.destroy();
  }
}

export function normalizeAddress(a: string | undefined): string {
  if (!a) return '';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}
