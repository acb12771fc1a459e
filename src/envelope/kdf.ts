/**
 * The ANSI X9.63 key derivation function as used by RFC 5753 §7.1.4 (and SEC 1 §3.6.1):
 *
 *   K = Hash(Z || Counter || SharedInfo) for Counter = 00000001, 00000002, … (32-bit big-endian),
 *   concatenated and cut to the wanted length.
 *
 * Z is the ECDH shared secret (the x-coordinate, 32 bytes for P-256), SharedInfo the DER of
 * ECC-CMS-SharedInfo (`shared-info.ts`).
 */
import { concat, toBytes, uint32be } from './bytes.js';
import { subtle } from './crypto.js';

export type KdfHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export async function x963Kdf(hash: KdfHash, z: Uint8Array, info: Uint8Array, lengthBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const blocks: Uint8Array[] = [];
  let have = 0;
  for (let counter = 1; have < lengthBytes; counter++) {
    const block = toBytes(await subtle().digest(hash, concat(z, uint32be(counter), info)));
    blocks.push(block);
    have += block.length;
  }
  return concat(...blocks).slice(0, lengthBytes);
}
