/**
 * Key derivation for the RFC 3961 simplified profile (§5.1), as RFC 3962 uses it with AES:
 *
 *   DR(Key, Constant) = k-truncate(K1 | K2 | ...), K1 = E(Key, n-fold(Constant)), K(i+1) = E(Key, Ki)
 *   DK(Key, Constant) = random-to-key(DR(Key, Constant))
 *
 * E of one block with the initial (zero) cipher state is a single AES block encryption, and
 * random-to-key is the identity for AES keys (RFC 3962 §6). The usage constants are the key usage
 * as four big-endian octets followed by 0x99 (Kc), 0xAA (Ke) or 0x55 (Ki) (RFC 3961 §5.3).
 */
import { malformed } from '../errors';
import { concat, u32be } from './bytes';
import { BLOCK, aesEncryptBlock } from './cts';
import { nfold } from './nfold';

/** The last octet of a key-derivation constant: which of the three derived keys it makes. */
export const KeyPurpose = {
  /** Kc: checksums (get_mic). */
  CHECKSUM: 0x99,
  /** Ke: encryption. */
  ENCRYPTION: 0xaa,
  /** Ki: the integrity HMAC inside encryption. */
  INTEGRITY: 0x55,
} as const;
export type KeyPurpose = (typeof KeyPurpose)[keyof typeof KeyPurpose];

/** The five-octet well-known constant `usage | purpose` (RFC 3961 §5.3). */
export function usageConstant(usage: number, purpose: KeyPurpose): Uint8Array {
  if (purpose !== KeyPurpose.CHECKSUM && purpose !== KeyPurpose.ENCRYPTION && purpose !== KeyPurpose.INTEGRITY) {
    throw malformed(`key-derivation purpose ${String(purpose)}`);
  }
  return concat(u32be(usage), Uint8Array.of(purpose));
}

/** DR(key, constant) truncated to `outBytes` octets, with AES as E. */
export function dr(key: Uint8Array, constant: Uint8Array, outBytes: number): Uint8Array {
  if (constant.length > BLOCK) throw malformed(`key-derivation constant of ${constant.length} bytes`);
  const out = new Uint8Array(outBytes);
  let block = nfold(constant, BLOCK);
  for (let off = 0; off < outBytes; off += BLOCK) {
    block = aesEncryptBlock(key, block);
    out.set(block.subarray(0, Math.min(BLOCK, outBytes - off)), off);
  }
  return out;
}

/** DK(key, constant) for an AES key: a new key of the same length. */
export function dk(key: Uint8Array, constant: Uint8Array): Uint8Array {
  return dr(key, constant, key.length);
}
