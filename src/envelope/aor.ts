/**
 * The registering identity of seed 004: an address of record `user@host` (RFC 3261 §10.3). It is
 * written as the certificate's subject CN (`alice@a.keyhop.test`) and as its SAN URI
 * (`sip:alice@a.keyhop.test`). The host is compared without case, the user part exactly
 * (RFC 3261 §19.1.4).
 */
import { CertificateError } from './errors.js';

// RFC 3261 §25.1 user (unreserved / escaped / user-unreserved) and a host name or IPv4 address.
const USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
const HOST = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** `user@host` with the host lowercased; accepts an optional `sip:` prefix. Throws `invalid-argument`. */
export function normalizeAor(aor: string): string {
  if (typeof aor !== 'string') throw new CertificateError('invalid-argument', 'The address of record must be a string');
  const bare = aor.trim().replace(/^sip:/i, '');
  const at = bare.lastIndexOf('@');
  const user = bare.slice(0, at);
  const host = bare.slice(at + 1);
  if (at <= 0 || !USER.test(user) || !HOST.test(host)) {
    throw new CertificateError('invalid-argument', `"${aor}" is not a SIP address of record (user@host)`);
  }
  return `${user}@${host.toLowerCase()}`;
}

export function aorUri(aor: string): string {
  return `sip:${normalizeAor(aor)}`;
}

/** True when both name the same address of record. */
export function sameAor(a: string, b: string): boolean {
  try {
    return normalizeAor(a) === normalizeAor(b);
  } catch {
    return false;
  }
}
