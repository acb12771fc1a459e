/**
 * Raw SIP text helpers for the auth plugin: header values straight from the wire (JsSIP's parser
 * keeps only the last challenge header and drops the parameters of non-Digest schemes), message
 * parsing with Keyhop's own parser, and base64 without Node's Buffer.
 */
import { canonicalName } from '../../sip/headers.js';
import { SipRequest, type SipMessage } from '../../sip/message.js';
import { parseMessage } from '../../sip/parser.js';

const encoder = new TextEncoder();

/** Every field value of header `name` (compact forms included) in a raw message, in order. */
export function rawHeaderValues(raw: string, name: string): string[] {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end < 0 ? raw : raw.slice(0, end);
  const wanted = canonicalName(name);
  const out: string[] = [];
  // Unfold continuation lines (RFC 3261 §7.3.1) first.
  const lines = head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/).slice(1);
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (canonicalName(line.slice(0, colon).trim()) === wanted) out.push(line.slice(colon + 1).trim());
  }
  return out;
}

/** The message, or null when Keyhop's parser refuses it (it is then passed on untouched). */
export function parseRaw(raw: string): SipMessage | null {
  try {
    return parseMessage(encoder.encode(raw), { maxHeaderBytes: 1 << 20, maxBodyBytes: 1 << 22 });
  } catch {
    return null;
  }
}

/**
 * What ties a response to the request it answers: the top Via branch and the CSeq method
 * (a CANCEL shares its INVITE's branch, so the method tells them apart).
 */
export function transactionKey(msg: SipMessage): string | null {
  const via = msg.get('Via');
  const branch = via ? /;\s*branch=([^;,\s]+)/i.exec(via)?.[1] : undefined;
  if (!branch) return null;
  const method = msg instanceof SipRequest ? msg.method : /^\s*\d+\s+(\S+)/.exec(msg.get('CSeq') ?? '')?.[1];
  return method ? `${branch}|${method}` : null;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Null when `text` is not base64. */
export function fromBase64(text: string): Uint8Array | null {
  try {
    const s = atob(text.trim());
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}
