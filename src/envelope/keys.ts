/**
 * Identity keys: one P-256 key pair per certificate, used for both ECDSA signatures (signing SDP,
 * the CSR's proof of possession) and ECDH key agreement (being a reader of sealed SDP), as the
 * certificate's keyUsage digitalSignature + keyAgreement says.
 *
 * WebCrypto binds every CryptoKey to one algorithm: an ECDSA key cannot derive ECDH bits and vice
 * versa, and a non-extractable key cannot be re-imported under another algorithm. So the private
 * key is held as two non-extractable CryptoKeys over the same scalar, made from a single
 * extractable copy that exists only inside `generateIdentityKeys` / `importIdentityKeys`:
 *
 *   1. generate (or import) the pair extractable, once;
 *   2. export the private key as JWK and import it twice, non-extractable: ECDSA ['sign'] and
 *      ECDH ['deriveBits'];
 *   3. drop the exported copy and the extractable key (JavaScript cannot zero a string, so the
 *      copy's `d` is blanked and left unreachable; it never leaves the function).
 *
 * Both handles can be stored in IndexedDB (CryptoKeys are structured-cloneable) and neither can be
 * exported afterwards. Alternatives considered: two key pairs with two certificates (doubles the
 * enrolment of seed 004 and breaks `openssl cms -recip cert.pem`, which expects the certificate's
 * own key) and ECDH-only keys (no way to sign). Using one key for ECDSA and ECDH is common practice
 * for ECC certificates (RFC 5480 §3 allows both usages together); the proxies' certificates already
 * do so.
 */
import { P256_ECDH, P256_ECDSA, isCryptoKey, subtle } from './crypto.js';
import { toBytes } from './bytes.js';
import { EnvelopeError } from './errors.js';

export interface IdentityKeys {
  /** Private ECDSA P-256 key, usage 'sign', not extractable. */
  signingKey: CryptoKey;
  /** The same private scalar as an ECDH P-256 key, usage 'deriveBits', not extractable. */
  agreementKey: CryptoKey;
  /** Public ECDSA P-256 key, usage 'verify' (what a CSR needs next to `signingKey`). */
  publicKey: CryptoKey;
}

function wipe(jwk: JsonWebKey): void {
  jwk.d = '';
}

async function fromPrivateJwk(jwk: JsonWebKey): Promise<IdentityKeys> {
  const base = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
  const priv = { ...base, d: jwk.d };
  try {
    const [signingKey, agreementKey, publicKey] = await Promise.all([
      subtle().importKey('jwk', priv, P256_ECDSA, false, ['sign']),
      subtle().importKey('jwk', priv, P256_ECDH, false, ['deriveBits']),
      subtle().importKey('jwk', base, P256_ECDSA, true, ['verify']),
    ]);
    return { signingKey, agreementKey, publicKey };
  } finally {
    priv.d = '';
  }
}

/** A new identity key pair as two non-extractable private handles (see above). */
export async function generateIdentityKeys(): Promise<IdentityKeys> {
  const pair = (await subtle().generateKey(P256_ECDSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = await subtle().exportKey('jwk', pair.privateKey);
  try {
    return await fromPrivateJwk(jwk);
  } finally {
    wipe(jwk);
  }
}

/** Identity keys from a PKCS#8 P-256 private key (e.g. a proxy's PEM key file, decoded). */
export async function importIdentityKeys(pkcs8: Uint8Array | ArrayBuffer): Promise<IdentityKeys> {
  let temp: CryptoKey;
  try {
    temp = await subtle().importKey('pkcs8', toBytes(pkcs8), P256_ECDSA, true, ['sign']);
  } catch (e) {
    throw new EnvelopeError('invalid-argument', 'Not a PKCS#8 P-256 private key', { cause: e });
  }
  const jwk = await subtle().exportKey('jwk', temp);
  try {
    return await fromPrivateJwk(jwk);
  } finally {
    wipe(jwk);
  }
}

/** True when `keys` looks like a usable IdentityKeys triple. */
export function isIdentityKeys(keys: unknown): keys is IdentityKeys {
  if (typeof keys !== 'object' || keys === null) return false;
  const k = keys as Partial<IdentityKeys>;
  return (
    isCryptoKey(k.signingKey) &&
    k.signingKey.algorithm.name === 'ECDSA' &&
    isCryptoKey(k.agreementKey) &&
    k.agreementKey.algorithm.name === 'ECDH' &&
    isCryptoKey(k.publicKey) &&
    k.publicKey.type === 'public'
  );
}
