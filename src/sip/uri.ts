/** SIP and SIPS URIs (RFC 3261 §19.1). */
import { SipParseError } from './errors.js';
import { formatParams, parseParams, type Params } from './params.js';

export interface SipUri {
  scheme: 'sip' | 'sips';
  user: string | null;
  password: string | null;
  /** Lower-cased host; IPv6 references keep their brackets. */
  host: string;
  port: number | null;
  params: Params;
  headers: string | null;
}

export function parseUri(text: string): SipUri {
  // The user part may hold ";" and "?" (user-unreserved, e.g. telephone-subscriber parameters); "@" ends it.
  const m = /^(sips?):(?:([^:@]*)(?::([^@;?]*))?@)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._]+)(?::(\d{1,5}))?((?:;[^?]*)?)(?:\?(.*))?$/i.exec(text.trim());
  if (!m) throw new SipParseError(`Invalid SIP URI "${text.slice(0, 80)}"`);
  const port = m[5] ? Number(m[5]) : null;
  if (port !== null && port > 65535) throw new SipParseError(`Invalid port in URI "${text.slice(0, 80)}"`);
  return {
    scheme: m[1]!.toLowerCase() as 'sip' | 'sips',
    user: m[2] !== undefined && m[2] !== '' ? decodeURIComponentSafe(m[2]) : null,
    password: m[3] ?? null,
    host: m[4]!.toLowerCase(),
    port,
    params: parseParams(m[6] ?? ''),
    headers: m[7] ?? null,
  };
}

export function formatUri(u: SipUri): string {
  let s = `${u.scheme}:`;
  if (u.user !== null) s += encodeUser(u.user) + (u.password !== null ? `:${u.password}` : '') + '@';
  s += u.host;
  if (u.port !== null) s += `:${u.port}`;
  s += formatParams(u.params);
  if (u.headers !== null) s += `?${u.headers}`;
  return s;
}

/** The address-of-record form `user@host` used for identity comparisons (RFC 3261 §10.3). */
export function aor(u: SipUri): string {
  return u.user === null ? u.host : `${u.user}@${u.host}`;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new SipParseError(`Invalid escape in URI user part "${s.slice(0, 40)}"`);
  }
}

function encodeUser(user: string): string {
  return user.replace(/[^A-Za-z0-9\-_.!~*'()&=+$,;?/]/g, (c) => encodeURIComponent(c));
}
