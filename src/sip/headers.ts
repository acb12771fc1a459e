/** Header names (RFC 3261 §7.3, §20): compact forms, canonical spelling, and which ones are comma lists. */
import { splitOutsideQuotes } from './params.js';

const COMPACT: Record<string, string> = {
  a: 'Accept-Contact', b: 'Referred-By', c: 'Content-Type', d: 'Request-Disposition',
  e: 'Content-Encoding', f: 'From', i: 'Call-ID', j: 'Reject-Contact', k: 'Supported',
  l: 'Content-Length', m: 'Contact', n: 'Identity-Info', o: 'Event', r: 'Refer-To',
  s: 'Subject', t: 'To', u: 'Allow-Events', v: 'Via', x: 'Session-Expires', y: 'Identity',
};

/** Names whose usual spelling is not plain Title-Case-Per-Dash. */
const IRREGULAR = new Map(
  ['Call-ID', 'CSeq', 'WWW-Authenticate', 'MIME-Version', 'RAck', 'RSeq', 'SIP-ETag', 'SIP-If-Match', 'SDP-Readers']
    .map((n) => [n.toLowerCase(), n]),
);

/** Headers whose values may be combined with commas (RFC 3261 §7.3.1), in canonical spelling. Auth headers are not: their params use commas. */
const LIST_HEADERS = new Set([
  'Via', 'Route', 'Record-Route', 'Contact', 'Allow', 'Supported', 'Require', 'Proxy-Require',
  'Unsupported', 'Accept', 'Accept-Encoding', 'Accept-Language', 'Content-Encoding', 'Allow-Events',
  'Path', 'Service-Route', 'Warning', 'Alert-Info', 'Call-Info', 'Error-Info', 'In-Reply-To',
  'Route-Security',
]);

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

/** The canonical long-form spelling of a header name, expanding compact forms. */
/** Names already canonicalised: header lookups run for every message, the set of names is small. */
const canonicalCache = new Map<string, string>();
const CACHE_LIMIT = 4096;

export function canonicalName(name: string): string {
  const cached = canonicalCache.get(name);
  if (cached !== undefined) return cached;
  const lower = name.toLowerCase();
  const long = Object.hasOwn(COMPACT, lower) ? COMPACT[lower] : undefined;
  const out = long ?? IRREGULAR.get(lower) ?? lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
  // Bounded, so that a peer sending endless distinct header names cannot grow it without limit.
  if (canonicalCache.size < CACHE_LIMIT) canonicalCache.set(name, out);
  return out;
}

export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(canonicalName(name));
}

/**
 * Splits a header value at top-level commas: commas inside quoted strings or `<…>` do not split.
 * Empty elements are dropped.
 */
export function splitList(value: string): string[] {
  return splitOutsideQuotes(value, ',', true)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
