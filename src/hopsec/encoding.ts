/**
 * Byte-level building blocks shared by the digests and the signing input: base64url without
 * padding (RFC 4648 §5), length-prefixed fields and the 12-byte truncated SHA-256 digest.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { memoize } from './memo.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Map([...ALPHABET].map((c, i) => [c, i]));

/** Bytes kept from SHA-256 for the `d` and `b` digests. */
export const DIGEST_BYTES = 12;

export function base64urlEncode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]! + ALPHABET[v & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const v = bytes[i]! << 16;
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]!;
  } else if (rest === 2) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += ALPHABET[v >>> 18]! + ALPHABET[(v >>> 12) & 63]! + ALPHABET[(v >>> 6) & 63]!;
  }
  return out;
}

/**
 * Strict decoding: only the base64url alphabet, no padding, and unused trailing bits must be zero,
 * so every byte string has exactly one text form. Returns undefined for anything else.
 */
export function base64urlDecode(text: string): Uint8Array | undefined {
  if (text.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (const c of text) {
    const v = LOOKUP.get(c);
    if (v === undefined) return undefined;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  if ((acc & ((1 << bits) - 1)) !== 0) return undefined;
  return out;
}

/** Entry texts whose digest is remembered (a chain holds at most 16; a proxy has many calls at once). */
const REMEMBERED_DIGESTS = 1024;

// eslint-disable-next-line no-control-regex
const ASCII = /^[\u0000-\u007f]*$/;

/** One field of a canonical input: its UTF-8 length as a 32-bit big-endian integer, then the UTF-8 bytes. */
export function field(text: string): Uint8Array {
  return fields([text]);
}

/**
 * The concatenation of `field(t)` for every text, in order, written into one buffer. The texts are
 * nearly always ASCII, whose UTF-8 bytes are the character codes.
 */
export function fields(texts: readonly string[]): Uint8Array {
  const parts = texts.map((t) => (ASCII.test(t) ? t : utf8ToBytes(t)));
  const out = new Uint8Array(parts.reduce((sum, p) => sum + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let o = 0;
  for (const p of parts) {
    view.setUint32(o, p.length);
    o += 4;
    if (typeof p === 'string') for (let i = 0; i < p.length; i++) out[o + i] = p.charCodeAt(i);
    else out.set(p, o);
    o += p.length;
  }
  return out;
}

/** base64url of the first 12 bytes of SHA-256 over `input` (16 characters). */
export function digest12(input: Uint8Array): string {
  return base64urlEncode(sha256(input).subarray(0, DIGEST_BYTES));
}

/** The `b` value that covers an entry: digest12 of the entry's exact header value in UTF-8. */
export const entryDigest: (rawValue: string) => string = memoize(REMEMBERED_DIGESTS, (rawValue) => digest12(utf8ToBytes(rawValue)));
