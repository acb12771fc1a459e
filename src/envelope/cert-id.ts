/**
 * Certificates as the envelope sees them: parsed once, identified by issuer and serial number
 * (RFC 5652 §10.2.4), with their P-256 public key imported for ECDSA or ECDH on demand.
 */
import { IssuerAndSerialNumber } from '@peculiar/asn1-cms';
import { ECParameters } from '@peculiar/asn1-ecc';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, Name, SubjectKeyIdentifier, SubjectPublicKeyInfo, id_ce_subjectKeyIdentifier } from '@peculiar/asn1-x509';
import { equalBytes, toArrayBuffer, toBytes, toHex, trimInteger } from './bytes.js';
import { P256_ECDH, P256_ECDSA, subtle, x509Lib } from './crypto.js';
import { parseDer, serialize } from './der.js';
import { EnvelopeError } from './errors.js';
import { ID_EC_PUBLIC_KEY, ID_SECP256R1 } from './oids.js';

/** A parsed certificate with the pieces the envelope code needs. */
export interface CertInfo {
  der: Uint8Array<ArrayBuffer>;
  asn: Certificate;
  /** Issuer and serial number, as written into recipient and signer identifiers. */
  id: IssuerAndSerialNumber;
  /** Filled in by `x509Cert`. */
  x509?: InstanceType<ReturnType<typeof x509Lib>['X509Certificate']>;
  /** The public key, imported once per certificate (`ecdhPublicKey`, `ecdsaPublicKey`). */
  keys?: { ecdh?: Promise<CryptoKey>; ecdsa?: Promise<CryptoKey> };
}

/** Parsed certificates by DER, so the CA, own and peer certificates are parsed once, not per message. */
const cache = new Map<string, CertInfo>();
const CACHE_SIZE = 256;

function cacheKey(der: Uint8Array): string {
  let key = '';
  for (let i = 0; i < der.length; i += 4096) key += String.fromCharCode(...der.subarray(i, i + 4096));
  return key;
}

/** Parses a DER certificate, or throws `EnvelopeError(code)` saying which `what` was bad. */
export function readCert(der: ArrayBuffer | ArrayBufferView, what: string, code: 'malformed' | 'invalid-argument' = 'malformed'): CertInfo {
  const bytes = toBytes(der);
  const key = cacheKey(bytes);
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  let info: CertInfo;
  try {
    const asn = parseDer(bytes, Certificate, what);
    const tbs = asn.tbsCertificate;
    const id = new IssuerAndSerialNumber({ issuer: tbs.issuer, serialNumber: toArrayBuffer(tbs.serialNumber) });
    info = { der: bytes, asn, id };
  } catch (e) {
    if (e instanceof EnvelopeError) throw new EnvelopeError(code, e.message, { cause: e });
    throw e;
  }
  cache.set(key, info);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return info;
}

/** The certificate as a `@peculiar/x509` object (made once per parsed certificate). */
export function x509Cert(cert: CertInfo): InstanceType<ReturnType<typeof x509Lib>['X509Certificate']> {
  cert.x509 ??= new (x509Lib().X509Certificate)(cert.asn);
  return cert.x509;
}

export function sameName(a: Name, b: Name): boolean {
  return equalBytes(serialize(a), serialize(b));
}

/** True when both identify the same certificate (issuer DER equal, serial numbers equal as integers). */
export function sameId(a: IssuerAndSerialNumber, b: IssuerAndSerialNumber): boolean {
  return sameName(a.issuer, b.issuer) && equalBytes(trimInteger(a.serialNumber), trimInteger(b.serialNumber));
}

/** RFC 4514 text of a Name, e.g. `CN=Keyhop deployment CA`. */
export function nameText(name: Name): string {
  try {
    return new (x509Lib().Name)(toArrayBuffer(serialize(name))).toString();
  } catch {
    return '(unreadable name)';
  }
}

export function serialHex(id: IssuerAndSerialNumber): string {
  return toHex(trimInteger(id.serialNumber));
}

/** `CN=… serial 0a1b…`, for messages. */
export function describeId(id: IssuerAndSerialNumber): string {
  return `issuer "${nameText(id.issuer)}" serial ${serialHex(id)}`;
}

/** True for an id-ecPublicKey key on the named curve P-256 (the only kind this profile uses). */
export function isP256Spki(spki: SubjectPublicKeyInfo): boolean {
  const alg = spki.algorithm;
  if (alg.algorithm !== ID_EC_PUBLIC_KEY || !alg.parameters) return false;
  try {
    return AsnConvert.parse(alg.parameters, ECParameters).namedCurve === ID_SECP256R1;
  } catch {
    return false;
  }
}

export function isP256(cert: CertInfo): boolean {
  return isP256Spki(cert.asn.tbsCertificate.subjectPublicKeyInfo);
}

function spki(cert: CertInfo): Uint8Array<ArrayBuffer> {
  return serialize(cert.asn.tbsCertificate.subjectPublicKeyInfo);
}

/** The certificate's public key as an ECDH P-256 key (for sealing to it). */
export async function ecdhPublicKey(cert: CertInfo, what: string): Promise<CryptoKey> {
  if (!isP256(cert)) throw new EnvelopeError('unsupported-algorithm', `${what} does not hold a P-256 key`);
  try {
    return await importedOnce(cert, 'ecdh', () => subtle().importKey('spki', spki(cert), P256_ECDH, true, []));
  } catch (e) {
    throw new EnvelopeError('invalid-argument', `${what} holds an unusable P-256 key`, { cause: e });
  }
}

/** The certificate's public key as an ECDSA P-256 verification key. */
export async function ecdsaPublicKey(cert: CertInfo, what: string): Promise<CryptoKey> {
  if (!isP256(cert)) throw new EnvelopeError('unsupported-algorithm', `${what} does not hold a P-256 key`);
  try {
    return await importedOnce(cert, 'ecdsa', () => subtle().importKey('spki', spki(cert), P256_ECDSA, true, ['verify']));
  } catch (e) {
    throw new EnvelopeError('malformed', `${what} holds an unusable P-256 key`, { cause: e });
  }
}

/** A public key is imported once per parsed certificate; a failed import is tried again next time. */
function importedOnce(cert: CertInfo, use: 'ecdh' | 'ecdsa', load: () => Promise<CryptoKey>): Promise<CryptoKey> {
  const keys = (cert.keys ??= {});
  const pending = keys[use];
  if (pending) return pending;
  const loaded = load();
  keys[use] = loaded;
  loaded.catch(() => {
    if (keys[use] === loaded) delete keys[use];
  });
  return loaded;
}

/** The certificate's subject key identifier, if it has the extension. */
export function subjectKeyId(cert: CertInfo): Uint8Array | undefined {
  const ext = cert.asn.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
  if (!ext) return undefined;
  try {
    return toBytes(AsnConvert.parse(ext.extnValue, SubjectKeyIdentifier).buffer);
  } catch {
    return undefined;
  }
}
