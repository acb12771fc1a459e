/**
 * `POST /KdcProxy`: the Kerberos KDC Proxy Protocol (MS-KKDCP), so a browser, which cannot open
 * TCP connections, reaches the KDC over HTTP(S). The body is a KDC-PROXY-MESSAGE
 * (`application/kerberos`) carrying a length-prefixed AS-REQ or TGS-REQ and the target realm;
 * the message goes to the KDC (embedded or external) over TCP and the KDC's reply comes back in
 * a KDC-PROXY-MESSAGE.
 *
 * Not an open relay: only the configured realm is forwarded, only KDC requests, only to the one
 * configured KDC. Tickets and keys are never logged; the log names the message types and error
 * codes only.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeKrbError, errorCodeName, MessageType, messageType } from '../krb/asn1/index.js';
import { addLengthPrefix, decodeKdcProxyMessage, encodeKdcProxyMessage, KKDCP_CONTENT_TYPE, stripLengthPrefix } from '../krb/kkdcp.js';
import { KrbError } from '../krb/errors.js';
import { kdcExchange, KdcBadReplyError, KdcUnreachableError } from './kdc/tcp.js';
import type { Logger } from './log.js';

export const KDC_PROXY_PATH = '/KdcProxy';

export interface KdcProxyOptions {
  /** The only realm forwarded. */
  realm: string;
  /** The KDC, embedded or external. */
  target: { host: string; port: number };
  log: Logger;
  /** How long the KDC may take to answer before the client gets 503. */
  timeoutMs?: number;
  /** Largest request body accepted (larger gets 413). */
  maxRequestBytes?: number;
  /** How long the client may take to send its body before it gets 408. */
  bodyTimeoutMs?: number;
}

const NAMES: Record<number, string> = { 10: 'AS-REQ', 11: 'AS-REP', 12: 'TGS-REQ', 13: 'TGS-REP', 30: 'KRB-ERROR' };

/** Whether a request URL is the KKDCP endpoint. */
export function isKdcProxyPath(url: string | undefined): boolean {
  const path = (url ?? '').split('?')[0];
  return path === KDC_PROXY_PATH || path === `${KDC_PROXY_PATH}/`;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, max: number, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => reject(new HttpFailure(408, 'The request body did not arrive in time', { Connection: 'close' })), timeoutMs);
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > max) {
        clearTimeout(timer);
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpFailure(413, `Request body larger than ${max} bytes`, { Connection: 'close' }));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      clearTimeout(timer);
      resolve(new Uint8Array(Buffer.concat(chunks)));
    });
    req.on('error', (e) => {
      clearTimeout(timer);
      reject(new HttpFailure(400, `Cannot read the request body: ${e.message}`));
    });
  });
}

export function createKdcProxyHandler(o: KdcProxyOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const max = o.maxRequestBytes ?? 64 * 1024;
  const from = (req: IncomingMessage) => `${req.socket.remoteAddress}:${req.socket.remotePort}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw new HttpFailure(405, 'The KDC proxy accepts POST only', { Allow: 'POST' });
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== KKDCP_CONTENT_TYPE) throw new HttpFailure(415, `Content-Type must be ${KKDCP_CONTENT_TYPE} (MS-KKDCP)`);
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > max) throw new HttpFailure(413, `Request body of ${declared} bytes is larger than ${max} bytes`, { Connection: 'close' });
    const body = await readBody(req, max, o.bodyTimeoutMs ?? 10_000);

    let message: Uint8Array;
    let realm: string | undefined;
    try {
      const m = decodeKdcProxyMessage(body);
      realm = m.targetDomain;
      message = stripLengthPrefix(m.kerbMessage);
    } catch (e) {
      throw new HttpFailure(400, `Not a KDC-PROXY-MESSAGE: ${(e as Error).message}`);
    }
    if (realm === undefined) throw new HttpFailure(400, 'The KDC-PROXY-MESSAGE has no target-domain (the realm)');
    if (realm !== o.realm) throw new HttpFailure(400, `Realm ${JSON.stringify(realm)} is not served here; this KDC proxy forwards to realm ${o.realm} only`);
    let kind: number;
    try {
      kind = messageType(message);
    } catch (e) {
      throw new HttpFailure(400, `The kerb-message is not a Kerberos message: ${(e as KrbError).message}`);
    }
    if (kind !== MessageType.AS_REQ && kind !== MessageType.TGS_REQ) {
      throw new HttpFailure(400, `Only AS-REQ and TGS-REQ are forwarded, not message type ${kind}`);
    }

    let reply: Uint8Array;
    try {
      reply = await kdcExchange(o.target, message, { timeoutMs: o.timeoutMs ?? 5000 });
    } catch (e) {
      if (e instanceof KdcUnreachableError) {
        o.log.warn(`KKDCP ${NAMES[kind]} from ${from(req)}: ${e.message}`);
        throw new HttpFailure(503, 'KDC unreachable', { 'Retry-After': '5' });
      }
      if (e instanceof KdcBadReplyError) {
        o.log.warn(`KKDCP ${NAMES[kind]} from ${from(req)}: ${e.message}`);
        throw new HttpFailure(502, 'Bad reply from the KDC');
      }
      throw e;
    }
    o.log.debug(`KKDCP ${NAMES[kind]} for ${realm} from ${from(req)} → ${describeReply(reply)}`);
    const out = encodeKdcProxyMessage({ kerbMessage: addLengthPrefix(reply) });
    res.writeHead(200, { 'Content-Type': KKDCP_CONTENT_TYPE, 'Content-Length': out.length, 'Cache-Control': 'no-store' });
    res.end(out);
  }

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      const f = e instanceof HttpFailure ? e : new HttpFailure(500, 'Internal error in the KDC proxy');
      if (!(e instanceof HttpFailure)) o.log.error(`KKDCP from ${from(req)}: ${(e as Error)?.stack ?? String(e)}`);
      else if (f.status !== 503 && f.status !== 502) o.log.debug(`KKDCP from ${from(req)}: ${f.status} ${f.message}`);
      if (res.headersSent) return void res.destroy();
      const text = `${f.message}\n`;
      res.writeHead(f.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store', ...f.headers });
      res.end(text);
    });
  };
}

function describeReply(reply: Uint8Array): string {
  try {
    const t = messageType(reply);
    if (t === MessageType.KRB_ERROR) {
      const code = decodeKrbError(reply).errorCode;
      return `KRB-ERROR ${code} (${errorCodeName(code)})`;
    }
    return NAMES[t] ?? `message type ${t}`;
  } catch {
    return 'unparsable reply';
  }
}
