/**
 * One Route-Security entry (seed 001【0035】【0044】–【0045】, spec §3.5 rules 1–2 and §4): the type,
 * `parseEntry` and `formatEntry`.
 *
 *   entry = node *( SEMI param )
 *   node  = token / quoted-string        ; a proxy's domain or a user agent's address-of-record
 *   param = addr / level / tr / n / d / b / "unattested" / sig / extension
 *
 * Parsing checks the syntax of each entry on its own; whether entries fit together is checked by
 * `verifyChain`. Parsing never throws anything but `RouteSecurityError`.
 */
import { separatorsOutsideQuotes, splitOutsideQuotes, unquote, quote } from '../sip/params.js';
import { isToken } from '../sip/headers.js';
import { canonicalAddr } from './addr.js';
import { RouteSecurityError, syntaxError } from './errors.js';
import { isLevel, isTransport, type Level, type Transport } from './level.js';
import { memoize } from './memo.js';

export const HEADER = 'Route-Security';

/** Longest entry accepted, in characters. */
export const MAX_ENTRY_LENGTH = 1024;

export interface RouteSecurityEntry {
  /** Who added the entry: a proxy's domain (`a.keyhop.test`) or a UA's AOR (`alice@a.keyhop.test`), unquoted. */
  node: string;
  /** `host[:port]` the node sent from, as the next node saw it. */
  addr: string;
  /** Level of the link from this node to the next node. */
  level: Level;
  /** Transport of that link (`tr`). */
  transport: Transport;
  /** Number of entries below this one when it was added. */
  n: number;
  /** Dialog digest (16 base64url characters). */
  d: string;
  /** Digest of the exact header value of the entry directly below; absent when `n` is 0. */
  b?: string;
  /** Set on an entry a proxy inserted for a previous hop that added none. */
  unattested: boolean;
  /**
   * Parameters this version does not define, in written order: lower-case name and value exactly as
   * written (quotes kept), or null for a flag. They are signed like every other parameter.
   */
  extensions: ReadonlyArray<readonly [string, string | null]>;
  /** ECDSA P-256 signature r||s, 86 base64url characters. */
  sig?: string;
}

/** An entry read from a message, with the exact header value it was read from. */
export interface ParsedEntry extends RouteSecurityEntry {
  /** The entry's header value exactly as it appears between list commas, surrounding whitespace removed. */
  raw: string;
}

const KNOWN = new Set(['addr', 'level', 'tr', 'n', 'd', 'b', 'unattested', 'sig']);
const QUOTED = /^"(?:[^"\\]|\\[\s\S])*"$/;
/** Unquoted values: token characters plus the `:`, `[` and `]` of host:port. */
const BARE = /^[A-Za-z0-9\-.!%*_+`'~:[\]]+$/;
const DIGEST = /^[A-Za-z0-9_-]{16}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/;
const COUNT = /^(0|[1-9]\d{0,3})$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Entry texts whose parse is remembered (a chain holds at most 16; a proxy has many calls at once). */
const REMEMBERED_ENTRIES = 1024;

/** Reads one header value; throws `RouteSecurityError` ('syntax' or 'too-long'). The result is the caller's to change. */
export function parseEntry(value: string): ParsedEntry {
  return { ...readEntry(value) };
}

const readEntry = memoize(REMEMBERED_ENTRIES, (value: string): Readonly<ParsedEntry> => {
  const raw = value.trim();
  if (raw.length > MAX_ENTRY_LENGTH) throw new RouteSecurityError('too-long', `Route-Security entry longer than ${MAX_ENTRY_LENGTH} characters`);
  if (raw === '') throw syntaxError('empty entry', value);
  if (CONTROL.test(raw)) throw syntaxError('control character', raw);
  if (!balancedQuotes(raw)) throw syntaxError('unterminated quoted-string', raw);
  if (separatorsOutsideQuotes(raw, ',').length > 0) throw syntaxError('several entries in one value', raw);

  const [nodeText = '', ...paramTexts] = splitOutsideQuotes(raw, ';').map((s) => s.trim());
  const node = parseNode(nodeText, raw);

  const params = new Map<string, string | null>();
  const extensions: Array<readonly [string, string | null]> = [];
  for (const text of paramTexts) {
    if (text === '') throw syntaxError('empty parameter', raw);
    const eq = text.indexOf('=');
    const name = (eq < 0 ? text : text.slice(0, eq)).trim().toLowerCase();
    const val = eq < 0 ? null : text.slice(eq + 1).trim();
    if (!isToken(name)) throw syntaxError(`bad parameter name "${name}"`, raw);
    if (params.has(name)) throw syntaxError(`duplicate parameter "${name}"`, raw);
    if (val !== null && !BARE.test(val) && !QUOTED.test(val)) throw syntaxError(`bad value of "${name}"`, raw);
    params.set(name, val);
    if (!KNOWN.has(name)) extensions.push([name, val]);
  }

  const required = (name: string): string => {
    const v = params.get(name);
    if (v === undefined) throw syntaxError(`missing "${name}"`, raw);
    if (v === null) throw syntaxError(`"${name}" without a value`, raw);
    return v;
  };

  const addrText = unquote(required('addr'));
  if (canonicalAddr(addrText) === undefined) throw syntaxError('addr is not host[:port]', raw);

  const levelText = required('level');
  const level = /^[0-3]$/.test(levelText) ? Number(levelText) : NaN;
  if (!isLevel(level)) throw syntaxError('level is not 0-3', raw);

  const transport = required('tr');
  if (!isTransport(transport)) throw syntaxError('tr is not ws, wss, tcp or tls', raw);

  const nText = required('n');
  if (!COUNT.test(nText)) throw syntaxError('n is not a count', raw);

  const d = required('d');
  if (!DIGEST.test(d)) throw syntaxError('d is not a 12-byte base64url digest', raw);

  const entry: ParsedEntry = { node, addr: addrText, level, transport, n: Number(nText), d, unattested: false, extensions, raw };

  if (params.has('b')) {
    const b = required('b');
    if (!DIGEST.test(b)) throw syntaxError('b is not a 12-byte base64url digest', raw);
    entry.b = b;
  }
  if (params.has('unattested')) {
    if (params.get('unattested') !== null) throw syntaxError('unattested takes no value', raw);
    entry.unattested = true;
  }
  if (params.has('sig')) {
    const sig = required('sig');
    if (!SIGNATURE.test(sig) || !canonicalBase64url(sig)) throw syntaxError('sig is not a 64-byte base64url signature', raw);
    entry.sig = sig;
  }
  return entry;
});

/**
 * The header value of an entry: node, addr, level, tr, n, d, b, unattested, extensions, then sig.
 * Throws `RouteSecurityError('invalid-argument')` for values that would not parse back.
 */
export function formatEntry(entry: RouteSecurityEntry): string {
  const bad = (what: string): never => {
    throw new RouteSecurityError('invalid-argument', `Cannot write Route-Security entry: ${what}`);
  };
  if (!validNode(entry.node)) bad('node must be non-empty printable text');
  if (canonicalAddr(entry.addr) === undefined) bad(`addr "${entry.addr}" is not host[:port]`);
  if (!isLevel(entry.level)) bad('level must be 0-3');
  if (!isTransport(entry.transport)) bad('tr must be ws, wss, tcp or tls');
  if (!Number.isInteger(entry.n) || !COUNT.test(String(entry.n))) bad('n must be a count');
  if (!DIGEST.test(entry.d)) bad('d must be a 16-character digest');
  if (entry.b !== undefined && !DIGEST.test(entry.b)) bad('b must be a 16-character digest');
  if (entry.sig !== undefined && (!SIGNATURE.test(entry.sig) || !canonicalBase64url(entry.sig))) bad('sig must be 86 base64url characters');

  let s = isToken(entry.node) ? entry.node : quote(entry.node);
  s += `;addr=${BARE.test(entry.addr) ? entry.addr : quote(entry.addr)}`;
  s += `;level=${entry.level};tr=${entry.transport};n=${entry.n};d=${entry.d}`;
  if (entry.b !== undefined) s += `;b=${entry.b}`;
  if (entry.unattested) s += ';unattested';
  for (const [name, val] of entry.extensions) {
    if (!isToken(name) || KNOWN.has(name.toLowerCase())) bad(`extension parameter name "${name}"`);
    if (val !== null && !BARE.test(val) && !QUOTED.test(val)) bad(`extension parameter value of "${name}"`);
    s += val === null ? `;${name.toLowerCase()}` : `;${name.toLowerCase()}=${val}`;
  }
  if (entry.sig !== undefined) s += `;sig=${entry.sig}`;
  if (s.length > MAX_ENTRY_LENGTH) bad(`longer than ${MAX_ENTRY_LENGTH} characters`);
  return s;
}

/** A UA's entry names its address-of-record; a proxy's names its domain. */
export function isUserAgentNode(node: string): boolean {
  return node.includes('@');
}

function parseNode(text: string, raw: string): string {
  if (text === '') throw syntaxError('missing node', raw);
  if (text.startsWith('"')) {
    if (!QUOTED.test(text)) throw syntaxError('bad quoted node', raw);
    const node = unquote(text);
    if (!validNode(node)) throw syntaxError('empty node', raw);
    return node;
  }
  if (!isToken(text)) throw syntaxError('node is neither token nor quoted-string', raw);
  return text;
}

function validNode(node: string): boolean {
  return typeof node === 'string' && node.trim() !== '' && node.length <= 256 && !CONTROL.test(node) && !node.includes('\t');
}

function balancedQuotes(text: string): boolean {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === '\\') i++;
    else if (ch === '"') quoted = !quoted;
  }
  return !quoted;
}

/** 86 characters carry 516 bits; the last 4 must be zero for the one canonical form of 64 bytes. */
function canonicalBase64url(sig: string): boolean {
  return 'AQgw'.includes(sig[85]!);
}
