/**
 * Does a certificate chain to one of the trusted CAs? A small RFC 5280 §6 path check, enough for
 * Keyhop's flat PKI (a deployment CA issuing proxy and user certificates, possibly one or two
 * intermediates): each link's signature verifies with the issuer's key, names chain, every
 * certificate is within its validity at `now`, and every intermediate is a CA. Trust anchors are
 * taken as configured (their key and name); their own validity is checked too.
 *
 * Failures are `EnvelopeError('untrusted-signer')` with the reason in the message.
 */
import { BasicConstraints, KeyUsage, KeyUsageFlags, id_ce_basicConstraints, id_ce_keyUsage } from '@peculiar/asn1-x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { equalBytes } from './bytes.js';
import { nameText, sameName, x509Cert, type CertInfo } from './cert-id.js';
import { EnvelopeError } from './errors.js';

/** Longest chain accepted, leaf and anchor included. */
export const MAX_CHAIN_LENGTH = 5;

function untrusted(message: string): EnvelopeError {
  return new EnvelopeError('untrusted-signer', message);
}

function subjectText(cert: CertInfo): string {
  return nameText(cert.asn.tbsCertificate.subject);
}

function extension<T>(cert: CertInfo, id: string, type: new () => T): T | undefined {
  const ext = cert.asn.tbsCertificate.extensions?.find((e) => e.extnID === id);
  if (!ext) return undefined;
  try {
    return AsnConvert.parse(ext.extnValue, type);
  } catch {
    return undefined;
  }
}

/** True unless the certificate has a keyUsage extension without the given bit. */
export function allowsKeyUsage(cert: CertInfo, flag: KeyUsageFlags): boolean {
  const ext = cert.asn.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_keyUsage);
  if (!ext) return true;
  const usage = extension(cert, id_ce_keyUsage, KeyUsage);
  return !!usage && (usage.toNumber() & flag) !== 0;
}

function isCa(cert: CertInfo): boolean {
  return !!extension(cert, id_ce_basicConstraints, BasicConstraints)?.cA && allowsKeyUsage(cert, KeyUsageFlags.keyCertSign);
}

function checkValidity(cert: CertInfo, now: Date, role: string): void {
  const validity = cert.asn.tbsCertificate.validity;
  const notBefore = validity.notBefore.getTime();
  const notAfter = validity.notAfter.getTime();
  if (now.getTime() < notBefore.getTime()) {
    throw untrusted(`The ${role} certificate "${subjectText(cert)}" is not valid before ${notBefore.toISOString()}`);
  }
  if (now.getTime() > notAfter.getTime()) {
    throw untrusted(`The ${role} certificate "${subjectText(cert)}" expired at ${notAfter.toISOString()}`);
  }
}

/**
 * Whether `issuer` signed `cert`, remembered per pair of parsed certificates: parsed certificates
 * are shared by their exact DER (`readCert`), and the answer depends on nothing else, so the CA's
 * signature on a peer's or a proxy's certificate is checked once, not on every message.
 */
const signatures = new WeakMap<CertInfo, WeakMap<CertInfo, Promise<boolean>>>();

function signedBy(cert: CertInfo, issuer: CertInfo): Promise<boolean> {
  let byIssuer = signatures.get(cert);
  if (!byIssuer) signatures.set(cert, (byIssuer = new WeakMap()));
  let result = byIssuer.get(issuer);
  if (!result) byIssuer.set(issuer, (result = checkSignedBy(cert, issuer)));
  return result;
}

async function checkSignedBy(cert: CertInfo, issuer: CertInfo): Promise<boolean> {
  if (!sameName(cert.asn.tbsCertificate.issuer, issuer.asn.tbsCertificate.subject)) return false;
  try {
    return await x509Cert(cert).verify({ publicKey: x509Cert(issuer).publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

/**
 * Checks `leaf` against `anchors`, using `intermediates` (e.g. the certificates carried in a
 * SignedData) to fill gaps. Returns the path, leaf first and anchor last.
 */
export async function verifyChain(leaf: CertInfo, intermediates: CertInfo[], anchors: CertInfo[], now: Date, role = 'signer'): Promise<CertInfo[]> {
  if (anchors.length === 0) throw untrusted('No trusted CA certificates were configured');
  const path: CertInfo[] = [leaf];
  let current = leaf;
  checkValidity(leaf, now, role);
  for (;;) {
    if (anchors.some((a) => equalBytes(a.der, current.der))) return path;
    for (const anchor of anchors) {
      if (await signedBy(current, anchor)) {
        checkValidity(anchor, now, 'trusted CA');
        path.push(anchor);
        return path;
      }
    }
    if (path.length + 1 >= MAX_CHAIN_LENGTH) break;
    let next: CertInfo | undefined;
    for (const candidate of intermediates) {
      if (path.some((p) => equalBytes(p.der, candidate.der))) continue;
      if (isCa(candidate) && (await signedBy(current, candidate))) {
        next = candidate;
        break;
      }
    }
    if (!next) break;
    checkValidity(next, now, 'intermediate CA');
    path.push(next);
    current = next;
  }
  throw untrusted(
    `The ${role} certificate "${subjectText(leaf)}" (issued by "${nameText(leaf.asn.tbsCertificate.issuer)}") does not chain to a trusted CA`,
  );
}
