/**
 * The check a proxy makes on a request it receives (seed 001 claims 4 and 11, spec §3.4 step 55–56,
 * §3.5 rules 4(b)–(d) and 6, R22): the top entry must come from the previous hop, name the address
 * the request really came from, and claim no more than the real level of the link.
 *
 * Pure and cheap (no signature verification): the shell supplies what it knows of the link.
 */
import type { SipMessage } from '../sip/message.js';
import { sameAddr } from './addr.js';
import { chainValues } from './chain.js';
import { dialogDigest, dialogIds } from './dialog.js';
import { parseEntry, type ParsedEntry } from './entry.js';
import { RouteSecurityError } from './errors.js';
import type { Level, Transport } from './level.js';

export type TopEntryFailure =
  /** No entry from the previous hop: the chain is empty, the top entry names another node, or it is an unattested placeholder. */
  | 'missing'
  /** The top entry cannot be parsed, or the message has no usable dialog identifiers. */
  | 'malformed'
  /** The top entry's addr is not the address the request came from. */
  | 'wrong-address'
  /** The top entry's tr is not the transport the request came on. */
  | 'wrong-transport'
  /** The top entry claims a higher level than the link really has. */
  | 'level-above-link'
  /** The top entry belongs to another dialog (its d does not match this message). */
  | 'other-dialog';

export interface TopEntryContext {
  /** The address the request really came from, `host[:port]` (see `joinHostPort`). */
  expectedAddr: string;
  /** The real level of the link it came on. */
  realLevel: Level;
  /** The transport it came on; checked when given. */
  realTransport?: Transport;
  /**
   * Who the previous hop is, when the link tells (the AOR bound to a UA's connection, the domain of
   * a peer proxy's certificate). When given, a top entry naming someone else means the previous hop
   * added no entry ('missing'), and only an entry naming this node can have a 'wrong-address'.
   */
  expectedNode?: string;
}

export type TopEntryResult =
  | { ok: true; entry: ParsedEntry }
  | { ok: false; reason: TopEntryFailure; detail: string; entry?: ParsedEntry };

/**
 * Checks in this order and reports the first failure: missing, malformed, wrong-address,
 * wrong-transport, level-above-link, other-dialog. Never throws.
 */
export function checkTopEntry(msg: SipMessage, ctx: TopEntryContext): TopEntryResult {
  const values = chainValues(msg);
  const top = values[0];
  if (top === undefined) return { ok: false, reason: 'missing', detail: 'no Route-Security entry' };
  let entry: ParsedEntry;
  let d: string;
  try {
    entry = parseEntry(top);
    d = dialogDigest(dialogIds(msg));
  } catch (e) {
    return { ok: false, reason: 'malformed', detail: e instanceof RouteSecurityError ? e.message : 'unreadable' };
  }
  if (entry.unattested) return { ok: false, reason: 'missing', detail: 'top entry is an unattested placeholder', entry };
  if (ctx.expectedNode !== undefined && entry.node !== ctx.expectedNode) {
    return { ok: false, reason: 'missing', detail: `top entry is from ${entry.node}, not from ${ctx.expectedNode}`, entry };
  }
  if (!sameAddr(entry.addr, ctx.expectedAddr)) {
    return { ok: false, reason: 'wrong-address', detail: `entry says ${entry.addr}, request came from ${ctx.expectedAddr}`, entry };
  }
  if (ctx.realTransport !== undefined && entry.transport !== ctx.realTransport) {
    return { ok: false, reason: 'wrong-transport', detail: `entry says ${entry.transport}, request came over ${ctx.realTransport}`, entry };
  }
  if (entry.level > ctx.realLevel) {
    return { ok: false, reason: 'level-above-link', detail: `entry claims level ${entry.level}, link is level ${ctx.realLevel}`, entry };
  }
  if (entry.d !== d) return { ok: false, reason: 'other-dialog', detail: 'top entry was made for another request', entry };
  return { ok: true, entry };
}
