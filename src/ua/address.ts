/** A SIP address of record, split into the parts the UA needs. */
export interface SipAddress {
  /** The user part, e.g. `alice`. */
  readonly user: string;
  /** The domain, lower-cased, e.g. `a.keyhop.test`. */
  readonly domain: string;
  /** `user@domain`, the form shown to people. */
  readonly aor: string;
  /** `sip:user@domain`. */
  readonly uri: string;
}

const USER = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$/;
const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

function make(user: string, domain: string): SipAddress {
  const d = domain.toLowerCase();
  return { user, domain: d, aor: `${user}@${d}`, uri: `sip:${user}@${d}` };
}

function stripScheme(input: string): string {
  const s = input.trim();
  return /^sips?:/i.test(s) ? s.replace(/^sips?:/i, '') : s;
}

/**
 * Reads a SIP address such as `alice@a.keyhop.test` (a leading `sip:` is accepted).
 * Returns null when the text is not a usable address.
 */
export function parseSipAddress(input: string): SipAddress | null {
  const s = stripScheme(input);
  const at = s.lastIndexOf('@');
  if (at <= 0 || at === s.length - 1) return null;
  const user = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (!USER.test(user) || !DOMAIN.test(domain)) return null;
  return make(user, domain);
}

/**
 * Reads whom to call. A bare user name (`bob`) means a user in the caller's own domain.
 * Returns null when the text cannot be an address.
 */
export function parseCallTarget(input: string, ownDomain: string): SipAddress | null {
  const s = stripScheme(input);
  if (s === '') return null;
  if (!s.includes('@')) return USER.test(s) ? make(s, ownDomain) : null;
  return parseSipAddress(s);
}
