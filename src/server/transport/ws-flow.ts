/** SIP over WebSocket (RFC 7118): one SIP message per frame, text or binary. */
import { isUtf8 } from 'node:buffer';
import type { WebSocket } from 'ws';
import type { SipMessage } from '../../sip/message.js';
import type { Logger } from '../log.js';
import { BaseFlow } from './flow.js';
import { receiveBytes, type MessageSink } from './inbound.js';

export class WsFlow extends BaseFlow {
  constructor(
    private readonly ws: WebSocket,
    secure: boolean,
    remote: { address: string; port: number },
    local: { address: string; port: number },
    sink: MessageSink,
    log: Logger,
  ) {
    super(secure ? 'wss' : 'ws', remote, local, { kind: 'user' });
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      // RFC 7118 §5: a keep-alive CRLF frame carries no message.
      if (bytes.length <= 4 && bytes.toString('latin1').trim() === '') return;
      receiveBytes(this, bytes, sink, log);
    });
    ws.on('error', (e) => log.debug(`${this.id}: ${e.message}`));
    ws.on('close', () => this.markClosed());
  }

  send(msg: SipMessage): void {
    if (this.closed) return;
    const bytes = msg.toBytes();
    this.ws.send(bytes, { binary: !isUtf8(bytes) });
  }

  protected destroy(): void {
    this.ws.terminate();
  }
}
