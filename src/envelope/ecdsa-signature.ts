/**
 * ECDSA signature formats: WebCrypto signs and verifies the fixed-size r||s form (IEEE P1363),
 * CMS and X.509 carry ECDSA-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } (RFC 5753 §7.2,
 * RFC 5480 §2.2). P-256 scalars are 32 bytes.
 */
import { ECDSASigValue } from '@peculiar/asn1-ecc';
import { concat, toArrayBuffer, toBytes, trimInteger } from './bytes.js';
import { parseDer, serialize } from './der.js';

const SCALAR_BYTES = 32;

/** INTEGER content octets for a non-negative big-endian number. */
function positiveInteger(bytes: Uint8Array): ArrayBuffer {
  const trimmed = trimInteger(bytes);
  return toArrayBuffer(trimmed[0]! & 0x80 ? concat(new Uint8Array([0]), trimmed) : trimmed);
}

export function rawToDer(raw: Uint8Array): Uint8Array<ArrayBuffer> {
  if (raw.length !== 2 * SCALAR_BYTES) throw new RangeError(`A P-256 signature has ${2 * SCALAR_BYTES} bytes, not ${raw.length}`);
  return serialize(new ECDSASigValue({ r: positiveInteger(raw.subarray(0, SCALAR_BYTES)), s: positiveInteger(raw.subarray(SCALAR_BYTES)) }));
}

/** r||s for WebCrypto, or undefined when the value is not a P-256 ECDSA-Sig-Value. */
export function derToRaw(der: Uint8Array): Uint8Array<ArrayBuffer> | undefined {
  let value: ECDSASigValue;
  try {
    value = parseDer(der, ECDSASigValue, 'ECDSA signature');
  } catch {
    return undefined;
  }
  const r = trimInteger(toBytes(value.r));
  const s = trimInteger(toBytes(value.s));
  if (r.length > SCALAR_BYTES || s.length > SCALAR_BYTES) return undefined;
  const out = new Uint8Array(2 * SCALAR_BYTES);
  out.set(r, SCALAR_BYTES - r.length);
  out.set(s, 2 * SCALAR_BYTES - s.length);
  return out;
}
