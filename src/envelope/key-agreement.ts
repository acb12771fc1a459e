/**
 * One KeyAgreeRecipientInfo per reader (RFC 5652 §6.2.2, RFC 5753 §3.1): ephemeral-static ECDH on
 * P-256, the X9.63 KDF over ECC-CMS-SharedInfo, and AES key wrap (RFC 3394) of the content key.
 *
 * Sealing always uses dhSinglePass-stdDH-sha256kdf-scheme with id-aes256-wrap, a fresh ephemeral
 * key per reader, no ukm, and names the reader by the issuer and serial number of its certificate.
 * Opening also accepts what OpenSSL writes by default or when asked: the SHA-1, SHA-384 and
 * SHA-512 KDF variants, the cofactor variants (identical on P-256, whose cofactor is 1), the 128-
 * and 192-bit wraps, a ukm, and a recipient named by subject key identifier.
 */
import {
  KeyAgreeRecipientIdentifier,
  KeyAgreeRecipientInfo,
  KeyEncryptionAlgorithmIdentifier,
  OriginatorIdentifierOrKey,
  OriginatorPublicKey,
  RecipientEncryptedKey,
  RecipientEncryptedKeys,
  RecipientInfo,
} from '@peculiar/asn1-cms';
import { ECParameters } from '@peculiar/asn1-ecc';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { equalBytes, toArrayBuffer, toBytes } from './bytes.js';
import { sameId, ecdhPublicKey, subjectKeyId, type CertInfo } from './cert-id.js';
import { P256_ECDH, isCryptoKey, subtle } from './crypto.js';
import { parseDer, serialize } from './der.js';
import { EnvelopeError } from './errors.js';
import { x963Kdf, type KdfHash } from './kdf.js';
import * as oid from './oids.js';
import { sharedInfo } from './shared-info.js';

/** The KDF hash of each accepted key agreement scheme; `null` marks a scheme WebCrypto cannot run. */
const SCHEMES: Record<string, KdfHash | null> = {
  [oid.DH_SINGLE_PASS_STD_DH_SHA1_KDF]: 'SHA-1',
  [oid.DH_SINGLE_PASS_STD_DH_SHA224_KDF]: null,
  [oid.DH_SINGLE_PASS_STD_DH_SHA256_KDF]: 'SHA-256',
  [oid.DH_SINGLE_PASS_STD_DH_SHA384_KDF]: 'SHA-384',
  [oid.DH_SINGLE_PASS_STD_DH_SHA512_KDF]: 'SHA-512',
  [oid.DH_SINGLE_PASS_COFACTOR_DH_SHA1_KDF]: 'SHA-1',
  [oid.DH_SINGLE_PASS_COFACTOR_DH_SHA224_KDF]: null,
  [oid.DH_SINGLE_PASS_COFACTOR_DH_SHA256_KDF]: 'SHA-256',
  [oid.DH_SINGLE_PASS_COFACTOR_DH_SHA384_KDF]: 'SHA-384',
  [oid.DH_SINGLE_PASS_COFACTOR_DH_SHA512_KDF]: 'SHA-512',
};

const WRAPS: Record<string, number> = { [oid.ID_AES128_WRAP]: 128, [oid.ID_AES192_WRAP]: 192, [oid.ID_AES256_WRAP]: 256 };

const SEAL_SCHEME = oid.DH_SINGLE_PASS_STD_DH_SHA256_KDF;
const SEAL_WRAP = oid.ID_AES256_WRAP;

async function deriveKek(
  hash: KdfHash,
  wrapOid: string,
  bits: number,
  privateKey: CryptoKey,
  publicKey: CryptoKey,
  ukm: Uint8Array | undefined,
  usage: 'wrapKey' | 'unwrapKey',
): Promise<CryptoKey> {
  const z = toBytes(await subtle().deriveBits({ name: 'ECDH', public: publicKey }, privateKey, 256));
  const kek = await x963Kdf(hash, z, sharedInfo(wrapOid, bits, ukm), bits / 8);
  z.fill(0);
  try {
    return await subtle().importKey('raw', kek, { name: 'AES-KW' }, false, [usage]);
  } finally {
    kek.fill(0);
  }
}

/** The RecipientInfo that lets the holder of `reader`'s private key unwrap `contentKey`. */
export async function recipientInfoFor(reader: CertInfo, contentKey: CryptoKey, what: string): Promise<RecipientInfo> {
  const readerKey = await ecdhPublicKey(reader, what);
  const ephemeral = (await subtle().generateKey(P256_ECDH, true, ['deriveBits'])) as CryptoKeyPair;
  const kek = await deriveKek('SHA-256', SEAL_WRAP, 256, ephemeral.privateKey, readerKey, undefined, 'wrapKey');
  const wrapped = await subtle().wrapKey('raw', contentKey, kek, { name: 'AES-KW' });
  const point = await subtle().exportKey('raw', ephemeral.publicKey);
  const kari = new KeyAgreeRecipientInfo({
    version: 3,
    originator: new OriginatorIdentifierOrKey({
      originatorKey: new OriginatorPublicKey({ algorithm: new AlgorithmIdentifier({ algorithm: oid.ID_EC_PUBLIC_KEY }), publicKey: point }),
    }),
    keyEncryptionAlgorithm: new KeyEncryptionAlgorithmIdentifier({
      algorithm: SEAL_SCHEME,
      parameters: toArrayBuffer(serialize(new AlgorithmIdentifier({ algorithm: SEAL_WRAP }))),
    }),
    recipientEncryptedKeys: new RecipientEncryptedKeys([
      new RecipientEncryptedKey({
        rid: new KeyAgreeRecipientIdentifier({ issuerAndSerialNumber: reader.id }),
        encryptedKey: new OctetString(wrapped),
      }),
    ]),
  });
  return new RecipientInfo({ kari });
}

/** True when the recipient identifier names `cert`. */
export function ridNames(rid: KeyAgreeRecipientIdentifier, cert: CertInfo): boolean {
  if (rid.issuerAndSerialNumber) return sameId(rid.issuerAndSerialNumber, cert.id);
  if (rid.rKeyId) {
    const ski = subjectKeyId(cert);
    return !!ski && equalBytes(ski, rid.rKeyId.subjectKeyIdentifier.buffer);
  }
  return false;
}

/** The encrypted keys in `kari` addressed to `cert`. */
export function entriesFor(kari: KeyAgreeRecipientInfo, cert: CertInfo): RecipientEncryptedKey[] {
  return kari.recipientEncryptedKeys.filter((rek) => ridNames(rek.rid, cert));
}

async function originatorKey(kari: KeyAgreeRecipientInfo): Promise<CryptoKey> {
  const key = kari.originator.originatorKey;
  if (!key) {
    throw new EnvelopeError('unsupported-algorithm', 'The key agreement names a static originator certificate; only ephemeral keys are supported');
  }
  if (key.algorithm.algorithm !== oid.ID_EC_PUBLIC_KEY) {
    throw new EnvelopeError('unsupported-algorithm', `Originator key algorithm ${key.algorithm.algorithm} is not id-ecPublicKey`);
  }
  const params = key.algorithm.parameters;
  // RFC 5753 §3.1.1: parameters absent, NULL, or the curve; only P-256 is accepted.
  if (params && params.byteLength > 2) {
    let curve: string | undefined;
    try {
      curve = AsnConvert.parse(params, ECParameters).namedCurve;
    } catch {
      curve = undefined;
    }
    if (curve !== oid.ID_SECP256R1) throw new EnvelopeError('unsupported-algorithm', 'The originator key is not on P-256');
  }
  try {
    return await subtle().importKey('raw', toBytes(key.publicKey), P256_ECDH, false, []);
  } catch (e) {
    throw new EnvelopeError('malformed', 'The originator public key is not a valid P-256 point', { cause: e });
  }
}

function wrapAlgorithm(kari: KeyAgreeRecipientInfo): { oid: string; bits: number } {
  const params = kari.keyEncryptionAlgorithm.parameters;
  if (!params) throw new EnvelopeError('malformed', 'The key agreement algorithm does not name its key wrap algorithm');
  const wrap = parseDer(params, AlgorithmIdentifier, 'Key wrap algorithm');
  const bits = WRAPS[wrap.algorithm];
  if (!bits) throw new EnvelopeError('unsupported-algorithm', `Key wrap ${wrap.algorithm} is not AES key wrap`);
  return { oid: wrap.algorithm, bits };
}

/** Checks that `key` is a private ECDH key that can derive bits. */
export function checkAgreementKey(key: unknown): asserts key is CryptoKey {
  if (!isCryptoKey(key) || key.type !== 'private' || key.algorithm.name !== 'ECDH' || !key.usages.includes('deriveBits')) {
    throw new EnvelopeError(
      'invalid-argument',
      'The recipient key must be a private ECDH P-256 CryptoKey with the deriveBits usage (see keys.ts for the two-handle key design)',
    );
  }
}

/**
 * Unwraps the content key from one encrypted key addressed to us. Failures: `unsupported-algorithm`
 * (scheme, wrap or curve outside the profile), `malformed`, and `bad-wrapped-key` when the AES key
 * wrap integrity check fails (wrong key, or the wrapped key or ephemeral key was altered).
 */
export async function unwrapContentKey(kari: KeyAgreeRecipientInfo, entry: RecipientEncryptedKey, privateKey: CryptoKey): Promise<CryptoKey> {
  const scheme = kari.keyEncryptionAlgorithm.algorithm;
  const hash = SCHEMES[scheme];
  if (hash === undefined) throw new EnvelopeError('unsupported-algorithm', `Key agreement scheme ${scheme} is not an RFC 5753 ECDH scheme`);
  if (hash === null) throw new EnvelopeError('unsupported-algorithm', `Key agreement scheme ${scheme} needs SHA-224, which WebCrypto lacks`);
  const wrap = wrapAlgorithm(kari);
  const peer = await originatorKey(kari);
  const ukm = kari.ukm ? toBytes(kari.ukm.buffer) : undefined;
  let kek: CryptoKey;
  try {
    kek = await deriveKek(hash, wrap.oid, wrap.bits, privateKey, peer, ukm, 'unwrapKey');
  } catch (e) {
    throw new EnvelopeError('invalid-argument', 'Key agreement failed: is the recipient key on P-256?', { cause: e });
  }
  try {
    return await subtle().unwrapKey('raw', toBytes(entry.encryptedKey.buffer), kek, { name: 'AES-KW' }, { name: 'AES-GCM' }, true, ['encrypt', 'decrypt']);
  } catch (e) {
    throw new EnvelopeError('bad-wrapped-key', 'The wrapped content key does not unwrap with this recipient key (AES key wrap check failed)', {
      cause: e,
    });
  }
}
