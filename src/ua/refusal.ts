/**
 * A request the phone refuses itself, with the reason in a `Warning: 399 <agent> "<why>"` header
 * (RFC 3261 §20.43, code 399 "miscellaneous"), and the other side's reading of such Warnings. The
 * envelope stage's 493 and the Route-Security stage's 403 are both made and read this way.
 */
import { createResponse, randomToken } from '../sip/response.js';
import type { SipRequest } from '../sip/message.js';
import { quote, unquote } from '../sip/params.js';

/** The response refusing `req` with `status reason`, its Warning naming `agent` and `why`, as wire text. */
export function refusalWithWarning(req: SipRequest, status: number, reason: string, agent: string, why: string): string {
  const res = createResponse(req, status, reason, randomToken());
  res.set('Warning', `399 ${agent} ${quote(why.replace(/[\r\n]+/g, ' '))}`);
  return res.toString();
}

/** Every 399 Warning among `values`, in order: its agent and unquoted text. */
export function warnings399(values: readonly string[]): Array<{ agent: string; text: string }> {
  const out: Array<{ agent: string; text: string }> = [];
  for (const value of values) {
    const m = /^\s*399\s+(\S+)\s+("(?:[^"\\]|\\.)*")/.exec(value);
    if (m) out.push({ agent: m[1]!, text: unquote(m[2]!) });
  }
  return out;
}

/**
 * The Warning values of the final response JsSIP ended a session with (anything with `getHeaders`),
 * when its status is `status`; null otherwise.
 */
export function warningsOfResponse(message: unknown, status: number): string[] | null {
  const response = message as { status_code?: unknown; getHeaders?: (name: string) => unknown } | null | undefined;
  if (response?.status_code !== status || typeof response.getHeaders !== 'function') return null;
  const values = response.getHeaders('Warning');
  return Array.isArray(values) ? values.map(String) : [];
}
