/**
 * The raw P-256 keys src/hopsec works with, from the PEM files of the deployment's PKI: a proxy's
 * private key as the 32-byte scalar it signs its Route-Security entries with, and a certificate's
 * public key as the 65-byte uncompressed point other nodes verify them with.
 */
import { createPrivateKey, X509Certificate, type JsonWebKey } from 'node:crypto';

export class RouteSecurityKeyError extends Error {
  override readonly name = 'RouteSecurityKeyError';
}

/** The 32-byte private scalar of a PEM (PKCS#8 or SEC 1) P-256 key. */
export function rawPrivateKey(pem: string, what: string): Uint8Array {
  const jwk = p256Jwk(() => createPrivateKey(pem).export({ format: 'jwk' }), what);
  if (!jwk.d) throw new RouteSecurityKeyError(`${what} is not a private key`);
  return new Uint8Array(Buffer.from(jwk.d, 'base64url'));
}

/** The 65-byte uncompressed public point of a PEM certificate with a P-256 key. */
export function rawPublicKeyOfCertificate(pem: string, what: string): Uint8Array {
  const jwk = p256Jwk(() => new X509Certificate(pem).publicKey.export({ format: 'jwk' }), what);
  return new Uint8Array(Buffer.concat([Buffer.of(4), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]));
}

function p256Jwk(read: () => JsonWebKey, what: string): JsonWebKey {
  let jwk: JsonWebKey;
  try {
    jwk = read();
  } catch (e) {
    throw new RouteSecurityKeyError(`Cannot read ${what}: ${(e as Error).message}`);
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new RouteSecurityKeyError(`${what} is not a P-256 key; Route-Security entries are signed with ECDSA P-256`);
  return jwk;
}
