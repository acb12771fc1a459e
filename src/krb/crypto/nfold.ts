/**
 * The n-fold function of RFC 3961 §5.1: stretches or shrinks an input so that every input bit
 * contributes equally to the output. The input is repeated up to lcm(input, output) bits, each
 * copy rotated 13 bits further right than the one before, and the output-sized chunks of that
 * string are added with one's-complement (end-around carry) addition.
 *
 * Kerberos uses it to expand short key-derivation constants (a 5-octet usage constant, or
 * "kerberos") to one cipher block.
 */
import { malformed } from '../errors';

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Byte `i` of `input` rotated right by `bits` bits (the input taken as one big-endian number). */
function rotatedByte(input: Uint8Array, bits: number, i: number): number {
  const k = input.length;
  const whole = Math.floor(bits / 8) % k;
  const part = bits % 8;
  const hi = input[(((i - whole) % k) + k) % k]!;
  const lo = input[(((i - whole - 1) % k) + k) % k]!;
  return ((hi >>> part) | (lo << (8 - part))) & 0xff;
}

/** n-fold of `input` to `outBytes` octets (RFC 3961 §5.1; `outBytes` = n / 8). */
export function nfold(input: Uint8Array, outBytes: number): Uint8Array {
  if (input.length === 0) throw malformed('n-fold of an empty string');
  if (!Number.isInteger(outBytes) || outBytes <= 0) throw malformed(`n-fold output size ${outBytes}`);
  const k = input.length;
  const lcm = (k / gcd(k, outBytes)) * outBytes;
  const copies = lcm / k;
  const bitLen = 8 * k;

  // Sum of the output-sized chunks, kept as one's-complement: carries out of the top byte are
  // added back in at the bottom.
  const acc = new Uint32Array(outBytes);
  for (let c = 0; c < copies; c++) {
    const rot = (13 * c) % bitLen;
    for (let i = 0; i < k; i++) {
      const pos = c * k + i;
      acc[pos % outBytes]! += rotatedByte(input, rot, i);
    }
  }
  // Propagate carries right to left, wrapping the carry out of byte 0 around to the last byte,
  // until no carry remains.
  let carry = 0;
  do {
    for (let i = outBytes - 1; i >= 0; i--) {
      const v = acc[i]! + carry;
      acc[i] = v & 0xff;
      carry = v >>> 8;
    }
  } while (carry !== 0);
  return Uint8Array.from(acc);
}
