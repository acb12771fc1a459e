/**
 * What a user agent makes of the certificates in its REGISTER answer (seed 004 §7.1 UA-5): they are
 * told apart by content, not order — the one whose public key is the user agent's own, the
 * self-signed CA, and proxies by their dNSName. The user's certificate must name the registering
 * AOR, be within its validity and chain to that CA; a proxy certificate that does not chain is left
 * out (it will not be trusted for anything).
 *
 * Failures are `CertificateError` (`malformed`, `identity-mismatch` or `bad-signature`) saying what
 * is wrong in plain words.
 */
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { aorUri, sameAor } from './aor.js';
import { equalBytes, toArrayBuffer, toBytes, toHex } from './bytes.js';
import { readCert, sameName, x509Cert, type CertInfo } from './cert-id.js';
import { isCryptoKey, subtle, x509Lib } from './crypto.js';
import { CertificateError, EnvelopeError } from './errors.js';
import { verifyChain } from './trust.js';

export interface RegistrationCertificates {
  /** The user's new certificate (DER). */
  own: Uint8Array<ArrayBuffer>;
  serial: string;
  notAfter: Date;
  /** The self-signed CA certificates that were in the answer (DER). */
  caCerts: Uint8Array<ArrayBuffer>[];
  /** The proxies' certificates that chain to those CAs, with their raw (65-byte uncompressed) P-256 public key. */
  proxies: Array<{ domain: string; cert: Uint8Array<ArrayBuffer>; publicKey: Uint8Array<ArrayBuffer> }>;
}

/** The raw P-256 point of a certificate (the subjectPublicKey bit string's bytes). */
export function rawPublicKey(cert: Uint8Array | ArrayBuffer): Uint8Array<ArrayBuffer> {
  return toBytes(readCert(toBytes(cert), 'The certificate').asn.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey);
}

/** The dNSName entries of a certificate's subjectAltName. */
export function dnsNames(cert: Uint8Array | ArrayBuffer): string[] {
  return altNames(readCert(toBytes(cert), 'The certificate')).filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase());
}

function altNames(info: CertInfo): Array<{ type: string; value: string }> {
  const x509 = x509Lib();
  const san = x509Cert(info).getExtension(x509.SubjectAlternativeNameExtension);
  return san ? san.names.toJSON() : [];
}

async function isSelfSignedCa(info: CertInfo): Promise<boolean> {
  const tbs = info.asn.tbsCertificate;
  if (!sameName(tbs.subject, tbs.issuer)) return false;
  const cert = x509Cert(info);
  const bc = cert.getExtension(x509Lib().BasicConstraintsExtension);
  if (!bc?.ca) return false;
  try {
    return await cert.verify({ publicKey: cert.publicKey, signatureOnly: true });
  } catch {
    return false;
  }
}

function namesExactly(info: CertInfo, aor: string): void {
  const wanted = aorUri(aor);
  const names = altNames(info);
  if (names.length === 0 || !names.every((n) => n.type === 'url' && sameAor(n.value, wanted))) {
    throw new CertificateError('identity-mismatch', `The certificate is for ${names.map((n) => n.value).join(', ') || 'nobody'}, not ${wanted}`);
  }
}

async function chainsTo(info: CertInfo, cas: CertInfo[], now: Date): Promise<void> {
  try {
    await verifyChain(info, [], cas, now, 'user');
  } catch (e) {
    if (e instanceof EnvelopeError) throw new CertificateError('bad-signature', e.message, { cause: e });
    throw e;
  }
}

/**
 * A user's certificate as handed out by a lookup: names exactly `aor`, is within its validity at
 * `now` and chains to one of `caCerts`. Returns its serial number (hex) and notAfter.
 */
export async function verifyUserCertificate(
  cert: Uint8Array | ArrayBuffer,
  options: { aor: string; caCerts: ReadonlyArray<Uint8Array | ArrayBuffer>; now?: Date },
): Promise<{ serial: string; notAfter: Date }> {
  let info: CertInfo;
  let cas: CertInfo[];
  try {
    info = readCert(toBytes(cert), 'The certificate');
    cas = options.caCerts.map((c, i) => readCert(toBytes(c), `Trusted CA certificate ${i + 1}`));
  } catch (e) {
    throw new CertificateError('malformed', e instanceof Error ? e.message : String(e), { cause: e });
  }
  namesExactly(info, options.aor);
  await chainsTo(info, cas, options.now ?? new Date());
  const tbs = info.asn.tbsCertificate;
  return { serial: toHex(toArrayBuffer(tbs.serialNumber)), notAfter: tbs.validity.notAfter.getTime() };
}

/**
 * Sorts and checks `certs` (DER, e.g. from `decodeCertsOnly`) for the user agent holding
 * `publicKey` (a public CryptoKey or DER SubjectPublicKeyInfo) and registering `aor`.
 */
export async function readRegistrationCertificates(
  certs: ReadonlyArray<Uint8Array | ArrayBuffer>,
  options: { publicKey: CryptoKey | Uint8Array; aor: string; now?: Date },
): Promise<RegistrationCertificates> {
  const now = options.now ?? new Date();
  const ownSpki = isCryptoKey(options.publicKey) ? toBytes(await subtle().exportKey('spki', options.publicKey)) : toBytes(options.publicKey);
  let infos: CertInfo[];
  try {
    infos = certs.map((c, i) => readCert(toBytes(c), `Certificate ${i + 1} of the answer`));
  } catch (e) {
    throw new CertificateError('malformed', e instanceof Error ? e.message : String(e), { cause: e });
  }
  const spkiOf = (info: CertInfo) => toBytes(AsnConvert.serialize(info.asn.tbsCertificate.subjectPublicKeyInfo ?? new SubjectPublicKeyInfo()));
  const cas: CertInfo[] = [];
  for (const info of infos) if (await isSelfSignedCa(info)) cas.push(info);
  if (cas.length === 0) throw new CertificateError('malformed', 'The answer holds no CA certificate');
  const own = infos.find((info) => equalBytes(spkiOf(info), ownSpki));
  if (!own) throw new CertificateError('identity-mismatch', 'The answer holds no certificate for this device\'s key');
  namesExactly(own, options.aor);
  await chainsTo(own, cas, now);
  const proxies: RegistrationCertificates['proxies'] = [];
  for (const info of infos) {
    if (info === own || cas.includes(info)) continue;
    const domains = altNames(info).filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase());
    if (domains.length === 0) continue;
    try {
      await verifyChain(info, [], cas, now, 'proxy');
    } catch {
      continue;
    }
    const publicKey = toBytes(info.asn.tbsCertificate.subjectPublicKeyInfo.subjectPublicKey);
    for (const domain of domains) proxies.push({ domain, cert: info.der, publicKey });
  }
  const tbs = own.asn.tbsCertificate;
  return {
    own: own.der,
    serial: toHex(toArrayBuffer(tbs.serialNumber)),
    notAfter: tbs.validity.notAfter.getTime(),
    caCerts: cas.map((c) => c.der),
    proxies,
  };
}
