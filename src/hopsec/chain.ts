/**
 * The chain as a whole on a message (spec §3.4, §3.5 rules 1, 4(d), 7; R21, R22, R23, R26):
 * reading it, adding a node's entry on top, inserting an unattested entry for a previous hop that
 * added none, and copying the chain into a response.
 *
 * Entries are kept as separate header fields, newest first (like Via), and are never removed:
 * the responder copies all of them, in order, into every response.
 *
 * Arrays returned here are in PATH ORDER: index 0 is the bottom entry (the first sender), the
 * last index is the top entry. In a healthy chain an entry's index equals its `n`.
 */
import { splitList } from '../sip/headers.js';
import type { SipMessage } from '../sip/message.js';
import { canonicalAddr } from './addr.js';
import { dialogDigest, dialogIds } from './dialog.js';
import { base64urlEncode, entryDigest } from './encoding.js';
import { formatEntry, HEADER, parseEntry, type ParsedEntry, type RouteSecurityEntry } from './entry.js';
import { RouteSecurityError } from './errors.js';
import { isLevel, isTransport, type Level, type Transport } from './level.js';
import { memoize } from './memo.js';
import { signEntry, signingInput } from './sign.js';

/** Most entries a chain may hold; adding beyond it, or reading a longer chain, fails. */
export const MAX_ENTRIES = 16;

/** Header field values whose split into entries is remembered: each is read on every check of a message. */
const REMEMBERED_FIELDS = 1024;

const entriesOfField = memoize(REMEMBERED_FIELDS, splitList);

/** The header values, top entry first, exactly as `getAll` splits them. */
export function chainValues(msg: SipMessage): string[] {
  const out: string[] = [];
  for (const h of msg.headers) if (h.name === HEADER) out.push(...entriesOfField(h.value));
  return out;
}

/**
 * Every entry, in path order (bottom first). Throws `RouteSecurityError` ('syntax' or 'too-long')
 * with the path index of the first bad entry.
 */
export function parseChain(msg: SipMessage): ParsedEntry[] {
  const values = chainValues(msg);
  if (values.length > MAX_ENTRIES) throw new RouteSecurityError('too-long', `Route-Security chain has more than ${MAX_ENTRIES} entries`);
  const out: ParsedEntry[] = [];
  for (let i = 0; i < values.length; i++) {
    const index = values.length - 1 - i;
    try {
      out.push(parseEntry(values[index]!));
    } catch (e) {
      if (e instanceof RouteSecurityError) throw new RouteSecurityError(e.code, e.message, i);
      throw e;
    }
  }
  return out;
}

export interface NewEntry {
  /** This node: a proxy's domain or a UA's address-of-record. */
  node: string;
  /** `host[:port]` this node sends from, as the next node will see it. */
  addr: string;
  /** Real level of the link to the next node (see `linkLevel`). */
  level: Level;
  /** Transport of the link to the next node. */
  transport: Transport;
  /** Further parameters, signed with the rest. */
  extensions?: ReadonlyArray<readonly [string, string | null]>;
}

/**
 * Signs a signing input elsewhere (a server's native ECDSA P-256 / SHA-256): returns the 64-byte
 * r||s signature, s in the lower half of the group order as `signEntry` writes it.
 */
export type EntrySigner = (input: Uint8Array) => Uint8Array;

/**
 * Puts this node's entry on top of the chain, computing `n`, `d` and `b` from the message, and
 * signs it when a 32-byte P-256 private key or a signer is given (proxies sign; UAs do not). The
 * address is written in canonical form. Returns the entry as written.
 */
export function addEntry(msg: SipMessage, spec: NewEntry, privateKey?: Uint8Array | EntrySigner): ParsedEntry {
  if (!isLevel(spec.level)) throw new RouteSecurityError('invalid-argument', 'level must be 0-3');
  if (!isTransport(spec.transport)) throw new RouteSecurityError('invalid-argument', 'transport must be ws, wss, tcp or tls');
  return prependEntry(msg, { node: spec.node, addr: spec.addr, level: spec.level, transport: spec.transport, unattested: false, extensions: spec.extensions ?? [] }, privateKey);
}

export interface UnattestedHop {
  /** The address the previous hop really sent from. */
  addr: string;
  /** The transport it arrived on. */
  transport: Transport;
  /** Who the previous hop is, when known (e.g. the AOR bound to the connection); defaults to `addr`. */
  node?: string;
}

/**
 * Seed rule 3.5.4(d): the previous hop added no entry (or one with the wrong address), so this
 * node records it with an unsigned level-0 entry flagged `unattested`. Call it before `addEntry`,
 * whose signature then covers this entry through `b`.
 */
export function insertUnattested(msg: SipMessage, hop: UnattestedHop): ParsedEntry {
  if (!isTransport(hop.transport)) throw new RouteSecurityError('invalid-argument', 'transport must be ws, wss, tcp or tls');
  const addr = canonicalAddr(hop.addr);
  if (addr === undefined) throw new RouteSecurityError('invalid-argument', `addr "${hop.addr}" is not host[:port]`);
  return prependEntry(msg, { node: hop.node ?? addr, addr, level: 0, transport: hop.transport, unattested: true, extensions: [] });
}

/**
 * Seed rule 3.5.7 / R23: replaces any Route-Security fields of `to` with those of `from`, same
 * values, same order. Returns the number of entries copied.
 */
export function copyChain(from: SipMessage, to: SipMessage): number {
  to.remove(HEADER);
  for (const h of from.headers) if (h.name === HEADER) to.append(HEADER, h.value);
  return chainValues(to).length;
}

function prependEntry(msg: SipMessage, fields: Omit<RouteSecurityEntry, 'n' | 'd' | 'b' | 'sig'>, privateKey?: Uint8Array | EntrySigner): ParsedEntry {
  const below = chainValues(msg);
  if (below.length >= MAX_ENTRIES) throw new RouteSecurityError('too-long', `Route-Security chain already has ${MAX_ENTRIES} entries`);
  const addr = canonicalAddr(fields.addr);
  if (addr === undefined) throw new RouteSecurityError('invalid-argument', `addr "${fields.addr}" is not host[:port]`);
  const ids = dialogIds(msg);
  const entry: RouteSecurityEntry = { ...fields, addr, n: below.length, d: dialogDigest(ids) };
  if (below.length > 0) entry.b = entryDigest(below[0]!);
  if (typeof privateKey === 'function') entry.sig = base64urlEncode(privateKey(signingInput(entry, ids)));
  else if (privateKey !== undefined) entry.sig = signEntry(entry, ids, privateKey);
  const text = formatEntry(entry);
  msg.prepend(HEADER, text);
  return { ...entry, raw: text };
}
