/**
 * The content-encryption key (seed 003's "first key") and AES-GCM content encryption in the CMS
 * form of RFC 5084: the ciphertext goes into encryptedContent and the tag into the separate `mac`
 * field, the nonce and tag length into GCMParameters.
 *
 * A content key is an AES-GCM `CryptoKey`. It is extractable because AES key wrap (RFC 3394) has
 * to read it when wrapping it for each reader; it lives in memory only and is meant to be kept per
 * dialog (seed 003 §7.3 UA-5, UA-12), never stored.
 */
import { OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { concat, randomBytes, toArrayBuffer, toBytes } from './bytes.js';
import { isCryptoKey, subtle } from './crypto.js';
import { parseDer, serialize } from './der.js';
import { EnvelopeError } from './errors.js';
import { GcmParameters } from './gcm-parameters.js';
import { ID_AES128_GCM, ID_AES192_GCM, ID_AES256_GCM } from './oids.js';

export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

const GCM_KEY_BITS: Record<string, number> = { [ID_AES128_GCM]: 128, [ID_AES192_GCM]: 192, [ID_AES256_GCM]: 256 };

/** A fresh random AES-256-GCM content key: one per dialog. */
export async function newContentKey(): Promise<CryptoKey> {
  return subtle().generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
}

/** True for a key this module can use as a content key (AES-GCM, extractable). */
export function isContentKey(key: unknown): key is CryptoKey {
  return (
    isCryptoKey(key) &&
    key.type === 'secret' &&
    key.algorithm.name === 'AES-GCM' &&
    key.extractable &&
    key.usages.includes('encrypt') &&
    key.usages.includes('decrypt')
  );
}

export function contentKeyBits(key: CryptoKey): number {
  return (key.algorithm as AesKeyAlgorithm).length;
}

function gcmOid(bits: number): string {
  const oid = Object.keys(GCM_KEY_BITS).find((k) => GCM_KEY_BITS[k] === bits);
  if (!oid) throw new EnvelopeError('invalid-argument', `No AES-GCM algorithm for a ${bits}-bit content key`);
  return oid;
}

export interface GcmSealed {
  algorithm: AlgorithmIdentifier;
  ciphertext: Uint8Array<ArrayBuffer>;
  tag: Uint8Array<ArrayBuffer>;
}

/** Encrypts with a fresh random 12-byte nonce and a 16-byte tag; no additional data. */
export async function gcmEncrypt(key: CryptoKey, plaintext: Uint8Array): Promise<GcmSealed> {
  const nonce = randomBytes(NONCE_BYTES);
  const out = toBytes(await subtle().encrypt({ name: 'AES-GCM', iv: nonce, tagLength: TAG_BYTES * 8 }, key, toBytes(plaintext)));
  const params = new GcmParameters({ nonce: new OctetString(toArrayBuffer(nonce)), icvLength: TAG_BYTES });
  return {
    algorithm: new AlgorithmIdentifier({ algorithm: gcmOid(contentKeyBits(key)), parameters: toArrayBuffer(serialize(params)) }),
    ciphertext: out.slice(0, out.length - TAG_BYTES),
    tag: out.slice(out.length - TAG_BYTES),
  };
}

/** The key length an AES-GCM content-encryption algorithm needs, or throws `unsupported-algorithm`. */
export function gcmKeyBits(algorithm: AlgorithmIdentifier): number {
  const bits = GCM_KEY_BITS[algorithm.algorithm];
  if (!bits) {
    throw new EnvelopeError('unsupported-algorithm', `Content encryption ${algorithm.algorithm} is not AES-GCM (RFC 5084)`);
  }
  return bits;
}

/**
 * Decrypts and checks the tag. `aad` is the DER of the authenticated attributes, if the envelope
 * has any (RFC 5083 §2.2). A wrong tag is `bad-ciphertext`.
 */
export async function gcmDecrypt(
  key: CryptoKey,
  algorithm: AlgorithmIdentifier,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  aad?: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const bits = gcmKeyBits(algorithm);
  if (contentKeyBits(key) !== bits) {
    throw new EnvelopeError('bad-wrapped-key', `The content key has ${contentKeyBits(key)} bits, the algorithm needs ${bits}`);
  }
  if (!algorithm.parameters) throw new EnvelopeError('malformed', 'AES-GCM parameters are missing');
  const params = parseDer(algorithm.parameters, GcmParameters, 'AES-GCM parameters');
  const nonce = toBytes(params.nonce.buffer);
  if (nonce.length < 8 || nonce.length > 64) throw new EnvelopeError('malformed', `AES-GCM nonce of ${nonce.length} bytes`);
  if (!Number.isInteger(params.icvLength) || params.icvLength < 12 || params.icvLength > 16) {
    throw new EnvelopeError('malformed', `AES-GCM tag length ${params.icvLength} is outside 12..16`);
  }
  if (tag.length !== params.icvLength) {
    throw new EnvelopeError('malformed', `The MAC has ${tag.length} bytes, the parameters announce ${params.icvLength}`);
  }
  const gcm: AesGcmParams = { name: 'AES-GCM', iv: nonce, tagLength: params.icvLength * 8 };
  if (aad) gcm.additionalData = toBytes(aad);
  try {
    return toBytes(await subtle().decrypt(gcm, key, concat(ciphertext, tag)));
  } catch (e) {
    throw new EnvelopeError('bad-ciphertext', 'The content does not authenticate (AES-GCM tag mismatch): it was altered or the key is wrong', {
      cause: e,
    });
  }
}
