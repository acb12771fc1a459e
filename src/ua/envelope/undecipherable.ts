/**
 * The refusal of a request whose sealed SDP cannot be opened or verified (seed 003 §7, UA-9):
 * `493 Undecipherable` (RFC 3261 §21.4.28) with `Warning: 399 <own AOR> "<why>"` (§20.43), and
 * the sender's reading of that Warning, so the caller can show the callee's reason.
 */
import { createResponse, randomToken } from '../../sip/response.js';
import type { SipRequest } from '../../sip/message.js';
import { quote, unquote } from '../../sip/params.js';
import type { CallOutcome } from '../states.js';

export const UNDECIPHERABLE = 493;

/** The 493 answering `req`, as wire text. */
export function undecipherableResponse(req: SipRequest, self: string, why: string): string {
  const res = createResponse(req, UNDECIPHERABLE, 'Undecipherable', randomToken());
  res.set('Warning', `399 ${self} ${quote(why.replace(/[\r\n]+/g, ' '))}`);
  return res.toString();
}

/** The first 399 Warning's agent and text; null when there is none. */
export function warningReason(values: readonly string[]): { agent: string; why: string } | null {
  for (const value of values) {
    const m = /^\s*399\s+(\S+)\s+("(?:[^"\\]|\\.)*")/.exec(value);
    if (m) return { agent: m[1]!, why: unquote(m[2]!) };
  }
  return null;
}

/**
 * The caller's outcome for a 493 that ended its call: the peer's reason, shown as is.
 * `message` is the final response JsSIP ended the session with (anything with `getHeaders`).
 */
export function undecipherableOutcome(message: unknown): CallOutcome | null {
  const response = message as { status_code?: unknown; getHeaders?: (name: string) => unknown } | null | undefined;
  if (response?.status_code !== UNDECIPHERABLE || typeof response.getHeaders !== 'function') return null;
  const values = response.getHeaders('Warning');
  const reason = Array.isArray(values) ? warningReason(values.map(String)) : null;
  const text = reason
    ? `${reason.agent} could not accept the call: ${reason.why}`
    : "The other party could not decrypt the call's media description";
  return { text, alert: true, statusCode: UNDECIPHERABLE };
}
