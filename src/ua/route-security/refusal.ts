/**
 * The callee's refusal of a call whose route fails its policy (seed 001 §3.5 rule 5, R23):
 * `403 Route-Security Check Failed` with `Warning: 399 <callee's AOR> "Route-Security: <why>"`
 * (RFC 3261 §20.43, code 399 "miscellaneous"), and the caller's reading of that Warning.
 */
import type { SipRequest } from '../../sip/message.js';
import { refusalWithWarning, warnings399, warningsOfResponse } from '../refusal.js';
import type { CallOutcome } from '../states.js';

export const REFUSAL_STATUS = 403;
export const REFUSAL_REASON = 'Route-Security Check Failed';
const PREFIX = 'Route-Security: ';

/** The refusal of `req`, as wire text. */
export function refusalResponse(req: SipRequest, self: string, why: string): string {
  return refusalWithWarning(req, REFUSAL_STATUS, REFUSAL_REASON, self, PREFIX + why);
}

/** A refusal's reason from its Warning values: who refused and why; null when none is a Route-Security one. */
export function refusalFromWarnings(values: readonly string[]): { agent: string; why: string } | null {
  const found = warnings399(values).find((w) => w.text.startsWith(PREFIX));
  return found ? { agent: found.agent, why: found.text.slice(PREFIX.length) } : null;
}

/**
 * The caller's outcome for a callee's Route-Security refusal: the callee's reason, shown as is.
 * `message` is the final response JsSIP ended the session with (anything with `getHeaders`).
 */
export function refusalOutcome(message: unknown): CallOutcome | null {
  const values = warningsOfResponse(message, REFUSAL_STATUS);
  const refusal = values === null ? null : refusalFromWarnings(values);
  return refusal ? { text: `${refusal.agent} refused the call: ${refusal.why}`, alert: true, statusCode: REFUSAL_STATUS } : null;
}
