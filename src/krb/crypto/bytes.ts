/**
 * Small byte-string helpers shared by the Kerberos crypto profiles. Nothing here is a
 * cryptographic primitive: AES, SHA, HMAC and PBKDF2 all come from the noble libraries.
 */
import { KrbError, malformed } from '../errors';

const utf8Encoder = new TextEncoder();

/** UTF-8 bytes of a string (RFC 3961 §3: pass phrases and salts are UTF-8). */
export function utf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/** A string is taken as UTF-8; bytes are taken as they are. */
export function toBytes(v: string | Uint8Array): Uint8Array {
  return typeof v === 'string' ? utf8(v) : v;
}

/** The concatenation of byte strings, as a new array. */
export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A 32-bit unsigned integer as four big-endian octets. */
export function u32be(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0, false);
  return out;
}

/**
 * Equality of two byte strings in time that depends only on their lengths, for comparing MACs.
 * Strings of different lengths are unequal.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Whether two byte strings hold the same bytes (not for secrets: returns early). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `n` bytes from the platform's CSPRNG (Web Crypto, present in browsers and Node 20+). */
export function randomBytes(n: number): Uint8Array {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (typeof c?.getRandomValues !== 'function') {
    throw new KrbError('malformed', 'No secure random source: globalThis.crypto.getRandomValues is unavailable');
  }
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65536 bytes per call.
  for (let off = 0; off < n; off += 65536) c.getRandomValues(out.subarray(off, Math.min(n, off + 65536)));
  return out;
}

/** Checks a key usage number (RFC 4120 §7.5.1: an unsigned 32-bit integer). */
export function checkUsage(usage: number): void {
  if (!Number.isInteger(usage) || usage < 0 || usage > 0xffff_ffff) {
    throw malformed(`key usage ${String(usage)} is not an unsigned 32-bit integer`);
  }
}
