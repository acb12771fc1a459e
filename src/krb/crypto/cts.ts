/**
 * AES in CBC mode with ciphertext stealing (CBC-CS3), as Kerberos uses it (RFC 3962 §5,
 * RFC 8009 §5), built on noble's raw AES-ECB and AES-CBC with padding disabled.
 *
 * - The ciphertext is exactly as long as the plaintext; at least one block is required.
 * - Exactly one block is plain AES (of the block XOR the IV; with the usual zero IV, ECB).
 * - Otherwise the result is CBC over the zero-padded plaintext with the last two ciphertext
 *   blocks swapped and the (new) last block cut to the length of the last plaintext block.
 *   When the length is a multiple of 16 this is plain CBC with the last two blocks swapped.
 *
 * Kerberos messages always start at a zero IV (the initial cipher state), which is the default.
 */
import { cbc, ecb } from '@noble/ciphers/aes.js';
import { malformed } from '../errors';

/** AES block size in bytes. */
export const BLOCK = 16;

const ZERO_IV = new Uint8Array(BLOCK);

function checkAesKey(key: Uint8Array): void {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw malformed(`AES key of ${key.length} bytes`);
  }
}

function checkIv(iv: Uint8Array): void {
  if (iv.length !== BLOCK) throw malformed(`CBC initial vector of ${iv.length} bytes`);
}

/** One AES block encryption (FIPS 197), used by key derivation and the RFC 3962 PRF. */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  checkAesKey(key);
  if (block.length !== BLOCK) throw malformed(`AES block of ${block.length} bytes`);
  return ecb(key, { disablePadding: true }).encrypt(block);
}

function aesDecryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  return ecb(key, { disablePadding: true }).decrypt(block);
}

/** AES-CTS encryption of `plaintext` (at least 16 bytes) under `key`, from `iv` (default zero). */
export function ctsEncrypt(key: Uint8Array, plaintext: Uint8Array, iv: Uint8Array = ZERO_IV): Uint8Array {
  checkAesKey(key);
  checkIv(iv);
  const n = plaintext.length;
  if (n < BLOCK) throw malformed(`AES-CTS input of ${n} bytes (at least ${BLOCK} needed)`);
  if (n === BLOCK) return cbc(key, iv, { disablePadding: true }).encrypt(plaintext);

  const blocks = Math.ceil(n / BLOCK);
  const padded = new Uint8Array(blocks * BLOCK);
  padded.set(plaintext);
  const c = cbc(key, iv, { disablePadding: true }).encrypt(padded);

  const penult = (blocks - 2) * BLOCK; // offset of C[n-1]
  const last = (blocks - 1) * BLOCK; // offset of C[n]
  const tail = n - last; // bytes in the last plaintext block, 1..16
  const out = new Uint8Array(n);
  out.set(c.subarray(0, penult));
  out.set(c.subarray(last, last + BLOCK), penult); // C[n] moves up
  out.set(c.subarray(penult, penult + tail), last); // C[n-1], cut to `tail`, goes last
  return out;
}

/** AES-CTS decryption of `ciphertext` (at least 16 bytes) under `key`, from `iv` (default zero). */
export function ctsDecrypt(key: Uint8Array, ciphertext: Uint8Array, iv: Uint8Array = ZERO_IV): Uint8Array {
  checkAesKey(key);
  checkIv(iv);
  const n = ciphertext.length;
  if (n < BLOCK) throw malformed(`AES-CTS input of ${n} bytes (at least ${BLOCK} needed)`);
  if (n === BLOCK) return cbc(key, iv, { disablePadding: true }).decrypt(ciphertext);

  const blocks = Math.ceil(n / BLOCK);
  const penult = (blocks - 2) * BLOCK;
  const last = (blocks - 1) * BLOCK;
  const tail = n - last;

  // The block at `penult` is C[n], the CBC encryption of the zero-padded last plaintext block.
  // Decrypting it gives (P[n] | 0...) XOR C[n-1]; past `tail` that is the stolen end of C[n-1].
  const cn = ciphertext.subarray(penult, last);
  const d = aesDecryptBlock(key, cn);

  // Rebuild the ordinary CBC ciphertext C[1..n] and decrypt it in one pass.
  const full = new Uint8Array(blocks * BLOCK);
  full.set(ciphertext.subarray(0, penult));
  full.set(ciphertext.subarray(last, n), penult);
  full.set(d.subarray(tail), penult + tail);
  full.set(cn, last);
  const p = cbc(key, iv, { disablePadding: true }).decrypt(full);
  return p.slice(0, n);
}
