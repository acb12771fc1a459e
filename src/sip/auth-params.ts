/** Authentication header values: `Scheme param=value, …` (RFC 3261 §25.1 challenge/credentials, RFC 7235 §2.1). */
import { SipParseError } from './errors.js';
import { quote, unquote } from './params.js';
import { splitList } from './headers.js';

export interface AuthValue {
  scheme: string;
  /** Parameter names lower-cased; values unquoted. */
  params: Map<string, string>;
}

export function parseAuthValue(text: string): AuthValue {
  const m = /^\s*([A-Za-z0-9\-.!%*_+`'~]+)\s*(.*)$/s.exec(text);
  if (!m) throw new SipParseError(`Invalid authentication header "${text.slice(0, 60)}"`);
  const params = new Map<string, string>();
  for (const part of splitList(m[2]!)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new SipParseError(`Invalid authentication parameter "${part.slice(0, 40)}"`);
    params.set(part.slice(0, eq).trim().toLowerCase(), unquote(part.slice(eq + 1).trim()));
  }
  return { scheme: m[1]!, params };
}

/** Formats `Scheme a="x", b=y`; names listed in `bare` are written unquoted. */
export function formatAuthValue(scheme: string, params: ReadonlyArray<readonly [string, string]>, bare: ReadonlySet<string> = new Set()): string {
  return `${scheme} ` + params.map(([k, v]) => `${k}=${bare.has(k) ? v : quote(v)}`).join(', ');
}
