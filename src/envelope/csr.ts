/**
 * The certificate request of seed 004 (§7.1 UA-2, §7.2 P-2): a PKCS#10 request (RFC 2986) for the
 * browser's P-256 key, signed with that key as proof of possession, naming the registering identity
 * as subject CN=<aor> and as a requested subjectAltName URI `sip:<aor>` (RFC 5280 §4.2.1.6).
 *
 * `verifyCsr` is the registrar's check: the request parses, holds a P-256 key, is signed with
 * ECDSA/SHA-256 by that key, its CN is the expected AOR, and any requested subjectAltName is
 * exactly that AOR's sip: URI. Other subject attributes are ignored, because the issued certificate's
 * subject is built from the AOR, never copied from the request.
 */
import { CertificationRequest } from '@peculiar/asn1-csr';
import { SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { aorUri, normalizeAor, sameAor } from './aor.js';
import { toArrayBuffer, toBytes } from './bytes.js';
import { isP256Spki } from './cert-id.js';
import { ECDSA_SHA256, isCryptoKey, x509Lib } from './crypto.js';
import { asCertificateError, CertificateError } from './errors.js';
import { ID_ECDSA_WITH_SHA256 } from './oids.js';

export interface CreateCsrOptions {
  /** `user@host`, with or without `sip:`. */
  aor: string;
  /** The identity's private ECDSA key ('sign') and public key (see keys.ts). */
  keys: { signingKey: CryptoKey; publicKey: CryptoKey };
}

/** DER PKCS#10 request. Throws `CertificateError('invalid-argument')` for a bad AOR or key. */
export async function createCsr(options: CreateCsrOptions): Promise<Uint8Array<ArrayBuffer>> {
  const aor = normalizeAor(options.aor);
  const { signingKey, publicKey } = options.keys ?? {};
  if (!isCryptoKey(signingKey) || signingKey.algorithm.name !== 'ECDSA' || !isCryptoKey(publicKey) || publicKey.type !== 'public') {
    throw new CertificateError('invalid-argument', 'A CSR needs the private ECDSA P-256 signing key and its public key');
  }
  try {
    const x509 = x509Lib();
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: [{ CN: [aor] }],
      keys: { privateKey: signingKey, publicKey },
      signingAlgorithm: ECDSA_SHA256,
      extensions: [
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: aorUri(aor) }]),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      ],
    });
    return toBytes(csr.rawData);
  } catch (e) {
    throw asCertificateError(e, 'invalid-argument', 'Cannot create the certificate request');
  }
}

export interface VerifiedCsr {
  /** The AOR the request names (normalised). */
  aor: string;
  /** The requested public key, DER SubjectPublicKeyInfo. */
  spki: Uint8Array<ArrayBuffer>;
}

/** Checks a CSR for `expected.aor`. Throws `CertificateError` with code malformed, unsupported-algorithm, bad-signature or identity-mismatch. */
export async function verifyCsr(der: Uint8Array | ArrayBuffer, expected: { aor: string }): Promise<VerifiedCsr> {
  const aor = normalizeAor(expected.aor);
  const x509 = x509Lib();
  let csr: InstanceType<typeof x509.Pkcs10CertificateRequest>;
  try {
    csr = new x509.Pkcs10CertificateRequest(toArrayBuffer(der));
  } catch (e) {
    throw new CertificateError('malformed', 'Not a DER PKCS#10 certificate request', { cause: e });
  }
  try {
    const spkiDer = toBytes(csr.publicKey.rawData);
    if (!isP256Spki(AsnConvert.parse(toArrayBuffer(spkiDer), SubjectPublicKeyInfo))) {
      throw new CertificateError('unsupported-algorithm', 'The request is not for a P-256 key');
    }
    const signatureAlgorithm = AsnConvert.parse(toArrayBuffer(der), CertificationRequest).signatureAlgorithm.algorithm;
    if (signatureAlgorithm !== ID_ECDSA_WITH_SHA256) {
      throw new CertificateError('unsupported-algorithm', `The request is signed with ${signatureAlgorithm}, not ECDSA with SHA-256`);
    }
    let ok = false;
    try {
      ok = await csr.verify();
    } catch {
      ok = false;
    }
    if (!ok) throw new CertificateError('bad-signature', 'The request is not signed by the key it asks to certify');

    const cns = csr.subjectName.getField('CN');
    if (cns.length !== 1 || !sameAor(cns[0]!, aor)) {
      throw new CertificateError('identity-mismatch', `The request names "${cns.join(', ')}", expected ${aor}`);
    }
    const san = csr.getExtension('2.5.29.17');
    if (san) {
      const names = new x509.SubjectAlternativeNameExtension(san.rawData).names.toJSON();
      const wanted = aorUri(aor);
      const bad = names.filter((n) => !(n.type === 'url' && sameAor(n.value, wanted)));
      if (bad.length > 0 || names.length === 0) {
        throw new CertificateError('identity-mismatch', `The request asks for names other than ${wanted}: ${bad.map((n) => `${n.type}:${n.value}`).join(', ')}`);
      }
    }
    return { aor, spki: spkiDer };
  } catch (e) {
    throw asCertificateError(e, 'malformed', 'Cannot read the certificate request');
  }
}
