/**
 * Turns received bytes into SIP messages for a sink, answering what cannot be parsed: a request
 * that can still be addressed gets `400` with the parse failure as its reason; anything else closes
 * the connection. Nothing here can throw into the socket layer.
 */
import { SipParseError } from '../../sip/errors.js';
import type { SipMessage } from '../../sip/message.js';
import { DEFAULT_LIMITS, parseMessage } from '../../sip/parser.js';
import { SipResponse } from '../../sip/message.js';
import { randomToken } from '../../sip/response.js';
import type { Logger } from '../log.js';
import type { Flow } from './flow.js';

export type MessageSink = (flow: Flow, msg: SipMessage) => void;

export interface InboundOptions {
  /** The message came from a stream without Content-Length (RFC 3261 §18.3 requires it there). */
  lengthMissing?: boolean;
}

export function receiveBytes(flow: Flow, bytes: Uint8Array, sink: MessageSink, log: Logger, opts: InboundOptions = {}): void {
  let msg: SipMessage;
  try {
    msg = parseMessage(bytes, DEFAULT_LIMITS);
    if (opts.lengthMissing && msg.isRequest) {
      throw new SipParseError('Content-Length is required on stream transports', { isRequest: true, headers: msg.headers.map((h) => [h.name, h.value] as const) });
    }
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    rejectUnparseable(flow, e, log);
    return;
  }
  try {
    sink(flow, msg);
  } catch (e) {
    log.error(`internal error handling ${describe(msg)} from ${flow.id}: ${(e as Error).stack ?? e}`);
  }
}

export function rejectUnparseable(flow: Flow, e: SipParseError, log: Logger): void {
  const partial = e.partial;
  if (partial?.isRequest && partial.headers.length > 0) {
    log.info(`400 to ${flow.id} (${flow.remote.address}): ${e.reason}`);
    flow.send(badRequest(e.reason, partial.headers));
    return;
  }
  log.info(`closing ${flow.id} (${flow.remote.address}): unparseable input: ${e.reason}`);
  flow.close();
}

/** A 400 addressed with whatever Via/From/To/Call-ID/CSeq the broken request had. */
function badRequest(reason: string, headers: ReadonlyArray<readonly [string, string]>): SipResponse {
  const res = new SipResponse(400, reason.replace(/[\r\n]/g, ' ').slice(0, 200));
  for (const [name, value] of headers) {
    if (['Via', 'From', 'Call-ID', 'CSeq'].includes(name)) res.append(name, value);
    if (name === 'To') res.append(name, /;\s*tag=/i.test(value) ? value : `${value};tag=${randomToken(6)}`);
  }
  return res;
}

export function describe(msg: SipMessage): string {
  return msg.isRequest ? `${msg.method} ${msg.uri}` : `${msg.status} ${msg.reason} (${msg.cseq.method})`;
}
