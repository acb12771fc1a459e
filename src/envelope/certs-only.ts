/**
 * The certs-only message of seed 004's REGISTER answer: a degenerate SignedData (RFC 5652 §5.2,
 * "no signers") whose only job is to carry certificates — the user's new certificate, the
 * deployment CA and the proxies' certificates. RFC 8551 §3.2.2 names it
 * `application/pkcs7-mime; smime-type=certs-only`.
 *
 * Encoding: version 1, no digest algorithms, encapsulated content id-data without eContent, the
 * certificates in the order given, no CRLs, no signer infos. `openssl pkcs7 -print_certs` reads it.
 * Decoding accepts any SignedData and returns its X.509 certificates in order; signers, CRLs and
 * other certificate formats are ignored, since nothing in it is trusted until the chain is checked.
 */
import { CertificateChoices, CertificateSet, ContentInfo, EncapsulatedContentInfo, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { toBytes } from './bytes.js';
import { readCert } from './cert-id.js';
import { parseDer, serialize } from './der.js';
import { EnvelopeError } from './errors.js';
import { ID_DATA, ID_SIGNED_DATA } from './oids.js';

/** The SIP body type of a certs-only message (RFC 8551 §3.2.2, RFC 3261 §23.4). */
export const CERTS_ONLY_CONTENT_TYPE = 'application/pkcs7-mime; smime-type=certs-only';
/** The body type of a REGISTER's certificate request (RFC 5967 §3). */
export const CSR_CONTENT_TYPE = 'application/pkcs10';
/** The body type of a certificate lookup's answer (RFC 2585 §4.1). */
export const CERTIFICATE_CONTENT_TYPE = 'application/pkix-cert';

/** A certs-only ContentInfo (DER) carrying `certs` (DER X.509 each). Throws `EnvelopeError('invalid-argument')` for a non-certificate. */
export function encodeCertsOnly(certs: ReadonlyArray<Uint8Array | ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const choices = certs.map((der, i) => {
    const info = readCert(der instanceof ArrayBuffer ? der : toBytes(der), `Certificate ${i + 1}`, 'invalid-argument');
    return new CertificateChoices({ certificate: info.asn });
  });
  const signed = new SignedData({
    version: 1,
    encapContentInfo: new EncapsulatedContentInfo({ eContentType: ID_DATA }),
    certificates: new CertificateSet(choices),
  });
  return serialize(new ContentInfo({ contentType: ID_SIGNED_DATA, content: AsnConvert.serialize(signed) }));
}

/** The X.509 certificates (DER) of a certs-only message, in order. Throws `EnvelopeError('malformed')`. */
export function decodeCertsOnly(der: Uint8Array | ArrayBuffer): Uint8Array<ArrayBuffer>[] {
  const info = parseDer(der instanceof ArrayBuffer ? der : toBytes(der), ContentInfo, 'The certs-only message');
  if (info.contentType !== ID_SIGNED_DATA) {
    throw new EnvelopeError('malformed', `The certs-only message holds ${info.contentType}, not SignedData`);
  }
  const signed = parseDer(info.content, SignedData, 'The certs-only SignedData');
  const certs = (signed.certificates ?? [])
    .map((choice) => choice.certificate)
    .filter((c): c is Certificate => c instanceof Certificate)
    .map((c) => serialize(c));
  if (certs.length === 0) throw new EnvelopeError('malformed', 'The certs-only message holds no certificates');
  return certs;
}
