/**
 * The callee's refusal of a call whose route fails its policy (seed 001 §3.5 rule 5, R23):
 * `403 Route-Security Check Failed` with `Warning: 399 <callee's AOR> "Route-Security: <why>"`
 * (RFC 3261 §20.43, code 399 "miscellaneous"), and the caller's reading of that Warning.
 */
import { createResponse, randomToken } from '../../sip/response.js';
import type { SipRequest } from '../../sip/message.js';
import { quote, unquote } from '../../sip/params.js';
import type { CallOutcome } from '../states.js';

export const REFUSAL_STATUS = 403;
export const REFUSAL_REASON = 'Route-Security Check Failed';
const PREFIX = 'Route-Security: ';

/** The refusal of `req`, as wire text. */
export function refusalResponse(req: SipRequest, self: string, why: string): string {
  const res = createResponse(req, REFUSAL_STATUS, REFUSAL_REASON, randomToken());
  res.set('Warning', `399 ${self} ${quote(PREFIX + why.replace(/[\r\n]+/g, ' '))}`);
  return res.toString();
}

/** A refusal's reason from its Warning values: who refused and why; null when none is a Route-Security one. */
export function refusalFromWarnings(values: readonly string[]): { agent: string; why: string } | null {
  for (const value of values) {
    const m = /^\s*399\s+(\S+)\s+("(?:[^"\\]|\\.)*")/.exec(value);
    if (!m) continue;
    const text = unquote(m[2]!);
    if (text.startsWith(PREFIX)) return { agent: m[1]!, why: text.slice(PREFIX.length) };
  }
  return null;
}

/**
 * The caller's outcome for a callee's Route-Security refusal: the callee's reason, shown as is.
 * `message` is the final response JsSIP ended the session with (anything with `getHeaders`).
 */
export function refusalOutcome(message: unknown): CallOutcome | null {
  const response = message as { status_code?: unknown; getHeaders?: (name: string) => unknown } | null | undefined;
  if (response?.status_code !== REFUSAL_STATUS || typeof response.getHeaders !== 'function') return null;
  const values = response.getHeaders('Warning');
  const refusal = Array.isArray(values) ? refusalFromWarnings(values.map(String)) : null;
  return refusal ? { text: `${refusal.agent} refused the call: ${refusal.why}`, alert: true, statusCode: REFUSAL_STATUS } : null;
}
