/**
 * KDF-HMAC-SHA2 of RFC 8009 §3, the SP 800-108 counter-mode KDF with HMAC-SHA-256/384 that the
 * aes-sha2 enctypes use in place of DK:
 *
 *   KDF-HMAC-SHA2(key, label, [context,] k) = k-truncate(K1)
 *   K1 = HMAC-SHA-256/384(key, 0x00000001 | label | 0x00 | [context |] k)
 *
 * where k, the output length in bits, is encoded as four big-endian octets. Every output used by
 * Kerberos fits in one HMAC output, so only K1 is ever needed.
 */
import { hmac } from '@noble/hashes/hmac.js';
import type { CHash } from '@noble/hashes/utils.js';
import { malformed } from '../errors';
import { concat, u32be } from './bytes';

const ONE = u32be(1);
const ZERO = Uint8Array.of(0);
const EMPTY = new Uint8Array(0);

export function kdfHmacSha2(
  hash: CHash,
  key: Uint8Array,
  label: Uint8Array,
  bits: number,
  context: Uint8Array = EMPTY,
): Uint8Array {
  if (bits <= 0 || bits % 8 !== 0 || bits > hash.outputLen * 8) throw malformed(`KDF-HMAC-SHA2 output of ${bits} bits`);
  const k1 = hmac(hash, key, concat(ONE, label, ZERO, context, u32be(bits)));
  return k1.slice(0, bits / 8);
}
