/** Building a response to a request (RFC 3261 §8.2.6). */
import { SipResponse, type SipRequest } from './message.js';
import { reasonPhrase } from './reason-phrases.js';

const COPIED = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

/**
 * A response carrying the request's Via, From, To, Call-ID and CSeq. `toTag` is added to To when
 * the request had none and the status is above 100.
 */
export function createResponse(req: SipRequest, status: number, reason = reasonPhrase(status), toTag?: string): SipResponse {
  const res = new SipResponse(status, reason);
  for (const h of req.headers) if (COPIED.includes(h.name)) res.headers.push({ ...h });
  if (status > 100 && toTag) {
    const to = res.get('To');
    if (to !== undefined && !/;\s*tag=/i.test(to)) res.set('To', `${to};tag=${toTag}`);
  }
  return res;
}

/** Random token for tags, branches and nonces: `bytes` random bytes, hex. */
export function randomToken(bytes = 8): string {
  const b = new Uint8Array(bytes);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
