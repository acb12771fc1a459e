import { cbc, ecb } from '@noble/ciphers/aes.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { KrbError } from '../errors';
import { aesEncryptBlock, ctsDecrypt, ctsEncrypt } from './cts';

// RFC 3962 Appendix B: AES-128 ("chicken teriyaki") with a zero IV.
const KEY = hexToBytes('636869636b656e207465726979616b69');
const INPUT = hexToBytes(
  '4920776f756c64206c696b65207468652047656e6572616c20476175277320436869636b656e2c20706c656173652c20616e6420776f6e746f6e20736f75702e',
);
const VECTORS: [length: number, output: string][] = [
  [17, 'c6353568f2bf8cb4d8a580362da7ff7f97'],
  [31, 'fc00783e0efdb2c1d445d4c8eff7ed2297687268d6ecccc0c07b25e25ecfe5'],
  [32, '39312523a78662d5be7fcbcc98ebf5a897687268d6ecccc0c07b25e25ecfe584'],
  [47, '97687268d6ecccc0c07b25e25ecfe584b3fffd940c16a18c1b5549d2f838029e39312523a78662d5be7fcbcc98ebf5'],
  [48, '97687268d6ecccc0c07b25e25ecfe5849dad8bbb96c4cdc03bc103e1a194bbd839312523a78662d5be7fcbcc98ebf5a8'],
  [
    64,
    '97687268d6ecccc0c07b25e25ecfe58439312523a78662d5be7fcbcc98ebf5a84807efe836ee89a526730dbc2f7bc8409dad8bbb96c4cdc03bc103e1a194bbd8',
  ],
];

/**
 * CBC-CS3 straight from the RFC 2040 §8 description (with the RFC 3962 Appendix A errata), one
 * block at a time, as an independent check of the padded-CBC-and-swap implementation.
 */
function referenceCts(key: Uint8Array, p: Uint8Array): Uint8Array {
  const enc = (b: Uint8Array): Uint8Array => ecb(key, { disablePadding: true }).encrypt(b);
  const xor = (a: Uint8Array, b: Uint8Array): Uint8Array => a.map((x, i) => x ^ (b[i] ?? 0));
  const n = Math.ceil(p.length / 16);
  if (n === 1) return enc(p);
  const out: Uint8Array[] = [];
  let prev: Uint8Array = new Uint8Array(16);
  for (let i = 0; i < n - 2; i++) {
    prev = enc(xor(p.subarray(16 * i, 16 * i + 16), prev));
    out.push(prev);
  }
  const en1 = enc(xor(p.subarray(16 * (n - 2), 16 * (n - 1)), prev)); // E(n-1)
  const last = p.subarray(16 * (n - 1));
  const padded = new Uint8Array(16);
  padded.set(last);
  const cn1 = enc(xor(padded, en1)); // C(n-1), sent next to last
  out.push(cn1, en1.subarray(0, last.length));
  const r = new Uint8Array(p.length);
  let off = 0;
  for (const b of out) {
    r.set(b, off);
    off += b.length;
  }
  return r;
}

describe('AES-CTS (RFC 3962 §5)', () => {
  it.each(VECTORS)('encrypts the %i-byte RFC 3962 Appendix B vector', (length, output) => {
    expect(bytesToHex(ctsEncrypt(KEY, INPUT.subarray(0, length)))).toBe(output);
  });

  it.each(VECTORS)('decrypts the %i-byte RFC 3962 Appendix B vector', (length, output) => {
    expect(ctsDecrypt(KEY, hexToBytes(output))).toEqual(INPUT.subarray(0, length));
  });

  it('agrees with a block-by-block reference and round-trips for every length from 16 to 100', () => {
    for (const key of [KEY, hexToBytes('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f')]) {
      for (let n = 16; n <= 100; n++) {
        const p = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
        const c = ctsEncrypt(key, p);
        expect(c.length).toBe(n);
        expect(c).toEqual(referenceCts(key, p));
        expect(ctsDecrypt(key, c)).toEqual(p);
      }
    }
  });

  it('is plain AES for exactly one block', () => {
    const block = INPUT.subarray(0, 16);
    expect(ctsEncrypt(KEY, block)).toEqual(aesEncryptBlock(KEY, block));
    expect(ctsDecrypt(KEY, aesEncryptBlock(KEY, block))).toEqual(block);
  });

  it('is CBC with the last two blocks swapped for whole blocks', () => {
    const p = INPUT.subarray(0, 48);
    const c = cbc(KEY, new Uint8Array(16), { disablePadding: true }).encrypt(p);
    const swapped = new Uint8Array(48);
    swapped.set(c.subarray(0, 16));
    swapped.set(c.subarray(32, 48), 16);
    swapped.set(c.subarray(16, 32), 32);
    expect(ctsEncrypt(KEY, p)).toEqual(swapped);
  });

  it('honours a non-zero initial vector', () => {
    const iv = hexToBytes('0f0e0d0c0b0a09080706050403020100');
    for (const n of [16, 17, 32, 45]) {
      const p = INPUT.subarray(0, n);
      const c = ctsEncrypt(KEY, p, iv);
      expect(c).not.toEqual(ctsEncrypt(KEY, p));
      expect(ctsDecrypt(KEY, c, iv)).toEqual(p);
    }
  });

  it('refuses input shorter than a block, and bad keys or IVs', () => {
    expect(() => ctsEncrypt(KEY, new Uint8Array(15))).toThrow(KrbError);
    expect(() => ctsDecrypt(KEY, new Uint8Array(0))).toThrow(KrbError);
    expect(() => ctsEncrypt(new Uint8Array(15), new Uint8Array(16))).toThrow(KrbError);
    expect(() => ctsEncrypt(KEY, new Uint8Array(16), new Uint8Array(8))).toThrow(KrbError);
  });
});
