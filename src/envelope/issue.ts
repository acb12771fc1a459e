/**
 * Certificates issued by a Keyhop CA (seed 004 §7.2 P-3): X.509 v3 (RFC 5280), ECDSA with SHA-256.
 *
 * A user certificate, from a verified CSR, has:
 * - subject CN=<aor>, subjectAltName URI sip:<aor> (the identity the registrar authenticated);
 * - validity from `now` (less a small allowance for clock skew) to `now + lifetime`, the
 *   registration lifetime (seed 004 【0022】), never past the CA's own notAfter;
 * - keyUsage digitalSignature + keyAgreement (critical): the one key signs SDP and is a reader's
 *   key agreement key (see keys.ts);
 * - extKeyUsage emailProtection (CMS/S/MIME signing and encryption, which OpenSSL's `cms -verify`
 *   checks) and clientAuth;
 * - basicConstraints cA=FALSE (critical), authority and subject key identifiers;
 * - a random positive 128-bit serial number.
 */
import { aorUri, normalizeAor } from './aor.js';
import { randomBytes, toArrayBuffer, toBytes, toHex } from './bytes.js';
import { ECDSA_SHA256, isCryptoKey, x509Lib } from './crypto.js';
import { verifyCsr } from './csr.js';
import { asCertificateError, CertificateError } from './errors.js';
import { ID_KP_CLIENT_AUTH, ID_KP_EMAIL_PROTECTION } from './oids.js';

type X509 = ReturnType<typeof x509Lib>;
type Cert = InstanceType<X509['X509Certificate']>;

/** Seconds of clock skew allowed for: notBefore is this far in the past. */
export const DEFAULT_SKEW_SECONDS = 60;

export interface IssuingCa {
  /** The CA certificate (DER). */
  cert: Uint8Array | ArrayBuffer;
  /** The CA's private ECDSA P-256 key ('sign'). */
  key: CryptoKey;
}

/** A random positive serial number of 16 bytes (RFC 5280 §4.1.2.2 allows up to 20). */
export function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return toHex(bytes);
}

function caCertificate(ca: IssuingCa): Cert {
  const x509 = x509Lib();
  if (!isCryptoKey(ca?.key) || ca.key.type !== 'private' || !ca.key.usages.includes('sign')) {
    throw new CertificateError('invalid-argument', 'The CA key must be a private signing CryptoKey');
  }
  let cert: Cert;
  try {
    cert = new x509.X509Certificate(toArrayBuffer(ca.cert));
  } catch (e) {
    throw new CertificateError('malformed', 'The CA certificate is not DER X.509', { cause: e });
  }
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  if (!bc?.ca) throw new CertificateError('invalid-argument', `"${cert.subject}" is not a CA certificate (basicConstraints cA)`);
  return cert;
}

export interface IssueOptions {
  ca: IssuingCa;
  /** Subject public key: DER SubjectPublicKeyInfo or a public CryptoKey. */
  publicKey: Uint8Array | ArrayBuffer | CryptoKey;
  /** Subject common name. */
  commonName: string;
  /** subjectAltName entries, e.g. `{ type: 'url', value: 'sip:alice@a.keyhop.test' }` or `{ type: 'dns', value: 'a.keyhop.test' }`. */
  altNames: Array<{ type: 'url' | 'dns' | 'ip'; value: string }>;
  lifetimeSeconds: number;
  /** Extended key usages (OIDs); defaults to emailProtection and clientAuth. */
  extendedKeyUsages?: string[];
  now?: Date;
  skewSeconds?: number;
}

/** Issues an end-entity certificate (DER). Lower level than `issueUserCertificate`; no CSR check. */
export async function issueCertificate(options: IssueOptions): Promise<Uint8Array<ArrayBuffer>> {
  if (!Number.isFinite(options.lifetimeSeconds) || options.lifetimeSeconds <= 0) {
    throw new CertificateError('invalid-argument', 'The certificate lifetime must be a positive number of seconds');
  }
  const ca = caCertificate(options.ca);
  try {
    const x509 = x509Lib();
    const now = options.now ?? new Date();
    const notBefore = new Date(now.getTime() - (options.skewSeconds ?? DEFAULT_SKEW_SECONDS) * 1000);
    const wanted = new Date(now.getTime() + options.lifetimeSeconds * 1000);
    const notAfter = wanted.getTime() > ca.notAfter.getTime() ? ca.notAfter : wanted;
    const publicKey = isCryptoKey(options.publicKey) ? options.publicKey : new x509.PublicKey(toArrayBuffer(options.publicKey));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: [{ CN: [options.commonName] }],
      issuer: ca.subjectName,
      notBefore,
      notAfter,
      publicKey,
      signingKey: options.ca.key,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension(options.extendedKeyUsages ?? [ID_KP_EMAIL_PROTECTION, ID_KP_CLIENT_AUTH]),
        new x509.SubjectAlternativeNameExtension(options.altNames),
        await x509.AuthorityKeyIdentifierExtension.create(ca.publicKey),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
      ],
    });
    return toBytes(cert.rawData);
  } catch (e) {
    throw asCertificateError(e, 'invalid-argument', 'Cannot issue the certificate');
  }
}

export interface IssueUserOptions {
  /** The request from the REGISTER body (DER). */
  csr: Uint8Array | ArrayBuffer;
  /** The AOR the registrar authenticated; the CSR must name it. */
  aor: string;
  ca: IssuingCa;
  /** The granted registration lifetime (the REGISTER's granted expires). */
  lifetimeSeconds: number;
  now?: Date;
  skewSeconds?: number;
}

/** Verifies the CSR for the AOR and issues the user's certificate (DER). */
export async function issueUserCertificate(options: IssueUserOptions): Promise<Uint8Array<ArrayBuffer>> {
  const checked = await verifyCsr(options.csr, { aor: options.aor });
  const aor = normalizeAor(checked.aor);
  const issue: IssueOptions = {
    ca: options.ca,
    publicKey: checked.spki,
    commonName: aor,
    altNames: [{ type: 'url', value: aorUri(aor) }],
    lifetimeSeconds: options.lifetimeSeconds,
  };
  if (options.now) issue.now = options.now;
  if (options.skewSeconds !== undefined) issue.skewSeconds = options.skewSeconds;
  return issueCertificate(issue);
}

export interface CreateCaOptions {
  commonName: string;
  /** The CA's key pair (ECDSA P-256). */
  keys: { privateKey: CryptoKey; publicKey: CryptoKey };
  lifetimeSeconds: number;
  now?: Date;
}

/** A self-signed CA certificate (DER): basicConstraints cA=TRUE pathLen 0, keyCertSign + cRLSign. */
export async function createCaCertificate(options: CreateCaOptions): Promise<Uint8Array<ArrayBuffer>> {
  try {
    const x509 = x509Lib();
    const now = options.now ?? new Date();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: randomSerial(),
      name: [{ CN: [options.commonName] }],
      notBefore: new Date(now.getTime() - DEFAULT_SKEW_SECONDS * 1000),
      notAfter: new Date(now.getTime() + options.lifetimeSeconds * 1000),
      keys: options.keys,
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(options.keys.publicKey),
      ],
    });
    return toBytes(cert.rawData);
  } catch (e) {
    throw asCertificateError(e, 'invalid-argument', 'Cannot create the CA certificate');
  }
}
