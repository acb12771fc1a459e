/**
 * The refusal of a request whose sealed SDP cannot be opened or verified (seed 003 §7, UA-9):
 * `493 Undecipherable` (RFC 3261 §21.4.28) with `Warning: 399 <own AOR> "<why>"` (§20.43), and
 * the sender's reading of that Warning, so the caller can show the callee's reason.
 */
import type { SipRequest } from '../../sip/message.js';
import { refusalWithWarning, warnings399, warningsOfResponse } from '../refusal.js';
import type { CallOutcome } from '../states.js';

export const UNDECIPHERABLE = 493;

/** The 493 answering `req`, as wire text. */
export function undecipherableResponse(req: SipRequest, self: string, why: string): string {
  return refusalWithWarning(req, UNDECIPHERABLE, 'Undecipherable', self, why);
}

/** The first 399 Warning's agent and text; null when there is none. */
export function warningReason(values: readonly string[]): { agent: string; why: string } | null {
  const first = warnings399(values)[0];
  return first ? { agent: first.agent, why: first.text } : null;
}

/**
 * The caller's outcome for a 493 that ended its call: the peer's reason, shown as is.
 * `message` is the final response JsSIP ended the session with (anything with `getHeaders`).
 */
export function undecipherableOutcome(message: unknown): CallOutcome | null {
  const values = warningsOfResponse(message, UNDECIPHERABLE);
  if (values === null) return null;
  const reason = warningReason(values);
  const text = reason
    ? `${reason.agent} could not accept the call: ${reason.why}`
    : "The other party could not decrypt the call's media description";
  return { text, alert: true, statusCode: UNDECIPHERABLE };
}
