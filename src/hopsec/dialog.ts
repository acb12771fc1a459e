/**
 * The dialog identifiers an entry is bound to, and the `d` digest of them. Binding entries to
 * Call-ID, CSeq and From tag stops a chain from being replayed into another request.
 *
 *   d = base64url( SHA-256( field("Keyhop Route-Security dialog v1") || field(Call-ID)
 *                          || field(CSeq number) || field(CSeq method) || field(From tag) )[0..12] )
 *
 * `field(x)` is the UTF-8 length of x as a 32-bit big-endian integer followed by the UTF-8 bytes.
 * A request and every response to it share these values, so their chains share `d`.
 */
import type { SipMessage } from '../sip/message.js';
import { parseNameAddr } from '../sip/name-addr.js';
import { unquote } from '../sip/params.js';
import { digest12, fields } from './encoding.js';
import { RouteSecurityError } from './errors.js';
import { memoize } from './memo.js';

/** Dialogs whose From tag and digest are remembered: a proxy reads them on every message of a call. */
const REMEMBERED_DIALOGS = 1024;

export const DIALOG_LABEL = 'Keyhop Route-Security dialog v1';

export interface DialogIds {
  /** Call-ID as written (it is case-sensitive). */
  callId: string;
  /** CSeq sequence number. */
  cseq: number;
  /** CSeq method as written. */
  method: string;
  /** From tag as written, or '' when the From header has none. */
  fromTag: string;
}

/** Reads the identifiers; throws `RouteSecurityError('dialog')` when CSeq or From cannot be read. */
export function dialogIds(msg: SipMessage): DialogIds {
  const callId = (msg.get('Call-ID') ?? '').trim();
  if (callId === '') throw new RouteSecurityError('dialog', 'Message has no Call-ID');
  let cseq: SipMessage['cseq'];
  try {
    cseq = msg.cseq;
  } catch {
    throw new RouteSecurityError('dialog', 'Message has no valid CSeq');
  }
  const from = msg.get('From');
  if (from === undefined) throw new RouteSecurityError('dialog', 'Message has no From');
  return { callId, cseq: cseq.seq, method: cseq.method, fromTag: fromTag(from) };
}

const fromTag = memoize(REMEMBERED_DIALOGS, (from): string => {
  let tag: string | null | undefined;
  try {
    tag = parseNameAddr(from).params.get('tag');
  } catch {
    throw new RouteSecurityError('dialog', 'Message has an unreadable From');
  }
  return tag ? unquote(tag) : '';
});

/** The identifiers in signing order: Call-ID, CSeq number (decimal), CSeq method, From tag. */
export function dialogFields(ids: DialogIds): string[] {
  return [ids.callId, String(ids.cseq), ids.method, ids.fromTag];
}

export function dialogDigest(ids: DialogIds): string {
  return digestOfDialog(JSON.stringify(dialogFields(ids)));
}

const digestOfDialog = memoize(REMEMBERED_DIALOGS, (key) => digest12(fields([DIALOG_LABEL, ...(JSON.parse(key) as string[])])));
