/**
 * The inner layer: a CMS SignedData (RFC 5652 §5) over the SDP bytes, signed with ECDSA P-256 and
 * SHA-256 (RFC 5753 §2.1, RFC 5758 §3.2).
 *
 * - One SignerInfo, version 1, identified by the issuer and serial number of the signer's
 *   certificate; the certificate (and any intermediates given) go into `certificates`.
 * - Signed attributes: content-type (id-data), message-digest (SHA-256 of the SDP) and
 *   signing-time (RFC 5652 §11), plus Keyhop's readers and optional context attributes. They are
 *   written in DER SET OF order (X.690 §11.6) because the signature covers their DER encoding and
 *   verifiers such as OpenSSL re-encode them before checking.
 * - The encapsulated content is present (not detached), content type id-data.
 *
 * Verification accepts SHA-256, SHA-384 or SHA-512 with the matching ECDSA algorithm, a signer
 * named by issuer and serial number or by subject key identifier, and requires signed attributes.
 */
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  DigestAlgorithmIdentifiers,
} from '@peculiar/asn1-cms';
import { ContentType, MessageDigest, SigningTime } from '@peculiar/asn1-pkcs9';
import { OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, KeyUsageFlags } from '@peculiar/asn1-x509';
import { outcome, settle } from './settle.js';
import { equalBytes, toArrayBuffer, toBytes } from './bytes.js';
import { ecdsaPublicKey, readCert, sameId, subjectKeyId, type CertInfo } from './cert-id.js';
import { ECDSA_SHA256, isCryptoKey, subtle } from './crypto.js';
import { parseDer, serialize } from './der.js';
import { oidMatches } from './oid-match.js';
import { AttributeSet, SignedDataWithRaw } from './signed-data-schema.js';
import { derToRaw, rawToDer } from './ecdsa-signature.js';
import { EnvelopeError } from './errors.js';
import * as oid from './oids.js';
import { allowsKeyUsage, verifyChain } from './trust.js';

/** X.690 §11.6: SET OF components sorted by their encodings, shorter ones padded with zeros. */
function compareEncodings(a: Uint8Array, b: Uint8Array): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function derSortAttributes(attributes: Attribute[]): Attribute[] {
  return attributes
    .map((a) => ({ a, der: serialize(a) }))
    .sort((x, y) => compareEncodings(x.der, y.der))
    .map((x) => x.a);
}

function attribute(type: string, value: unknown): Attribute {
  return new Attribute({ attrType: type, attrValues: [toArrayBuffer(serialize(value))] });
}

export interface SignInput {
  content: Uint8Array;
  /** Private ECDSA P-256 key with the `sign` usage. */
  key: CryptoKey;
  cert: CertInfo;
  /** Further certificates to carry (intermediates, readers' certificates). */
  extraCerts?: CertInfo[];
  /** Extra signed attributes (readers, context). */
  attributes?: Attribute[];
  signingTime?: Date;
}

export function checkSigningKey(key: unknown): asserts key is CryptoKey {
  if (!isCryptoKey(key) || key.type !== 'private' || key.algorithm.name !== 'ECDSA' || !key.usages.includes('sign')) {
    throw new EnvelopeError('invalid-argument', 'The signer key must be a private ECDSA P-256 CryptoKey with the sign usage');
  }
  if ((key.algorithm as EcKeyAlgorithm).namedCurve !== 'P-256') throw new EnvelopeError('unsupported-algorithm', 'The signer key is not on P-256');
}

/** DER of a SignedData (the content of a ContentInfo, without that wrapper). */
export async function signContent(input: SignInput): Promise<Uint8Array<ArrayBuffer>> {
  checkSigningKey(input.key);
  const digest = toBytes(await subtle().digest('SHA-256', toBytes(input.content)));
  const signed = derSortAttributes([
    attribute(oid.ID_CONTENT_TYPE, new ContentType(oid.ID_DATA)),
    attribute(oid.ID_SIGNING_TIME, new SigningTime(input.signingTime ?? new Date())),
    attribute(oid.ID_MESSAGE_DIGEST, new MessageDigest(toArrayBuffer(digest))),
    ...(input.attributes ?? []),
  ]);
  const toSign = serialize(new AttributeSet(signed));
  let raw: Uint8Array;
  try {
    raw = toBytes(await subtle().sign(ECDSA_SHA256, input.key, toSign));
  } catch (e) {
    throw new EnvelopeError('invalid-argument', 'The signer key cannot sign', { cause: e });
  }
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({ issuerAndSerialNumber: input.cert.id }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: oid.ID_SHA256 }),
    signedAttrs: signed,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: oid.ID_ECDSA_WITH_SHA256 }),
    signature: new OctetString(toArrayBuffer(rawToDer(raw))),
  });
  const certs = [input.cert, ...(input.extraCerts ?? [])];
  const signedData = new SignedData({
    version: 1,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: oid.ID_SHA256 })]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: oid.ID_DATA,
      eContent: new EncapsulatedContent({ single: new OctetString(toArrayBuffer(input.content)) }),
    }),
    certificates: new CertificateSet(certs.map((c) => new CertificateChoices({ certificate: c.asn }))),
    signerInfos: new SignerInfos([signerInfo]),
  });
  return serialize(signedData);
}

const DIGESTS: Record<string, { hash: string; signature: string }> = {
  [oid.ID_SHA256]: { hash: 'SHA-256', signature: oid.ID_ECDSA_WITH_SHA256 },
  '2.16.840.1.101.3.4.2.2': { hash: 'SHA-384', signature: '1.2.840.10045.4.3.3' },
  '2.16.840.1.101.3.4.2.3': { hash: 'SHA-512', signature: '1.2.840.10045.4.3.4' },
};

export interface VerifiedContent {
  content: Uint8Array<ArrayBuffer>;
  signer: CertInfo;
  /** All signed attributes, for the caller's own attributes. */
  signedAttrs: Attribute[];
  signingTime?: Date;
  /** Every readable certificate the SignedData carries, the signer's included. */
  certificates: CertInfo[];
}

export interface VerifyOptions {
  trustAnchors: CertInfo[];
  now: Date;
}

export function single(attrs: Attribute[], type: string): Attribute | undefined {
  const found = attrs.filter((a) => oidMatches(a.attrType, type));
  if (found.length > 1) throw new EnvelopeError('bad-signature', `The signed attribute ${type} appears more than once`);
  return found[0];
}

function carriedCerts(sd: SignedDataWithRaw): CertInfo[] {
  const out: CertInfo[] = [];
  for (const choice of sd.certificates ?? []) {
    if (!choice.certificate) continue;
    try {
      out.push(readCert(serialize(choice.certificate), 'A certificate in the SignedData'));
    } catch {
      // An unreadable extra certificate is ignored; a missing signer certificate is reported below.
    }
  }
  return out;
}

function findSigner(sid: SignerIdentifier, certs: CertInfo[]): CertInfo | undefined {
  if (sid.issuerAndSerialNumber) return certs.find((c) => sameId(c.id, sid.issuerAndSerialNumber!));
  if (sid.subjectKeyIdentifier) {
    const want = toBytes(sid.subjectKeyIdentifier.buffer);
    return certs.find((c) => {
      const ski = subjectKeyId(c);
      return !!ski && equalBytes(ski, want);
    });
  }
  return undefined;
}

/**
 * Verifies a DER SignedData: exactly one signer, its signature over the signed attributes, the
 * content type and message digest attributes against the content, and the signer certificate's
 * chain to a trust anchor and its permission to sign.
 */
export async function verifySignedContent(der: Uint8Array, options: VerifyOptions): Promise<VerifiedContent> {
  const sd = parseDer(der, SignedDataWithRaw, 'The signed content');
  if (sd.signerInfos.length !== 1) throw new EnvelopeError('malformed', `Expected exactly one signer, found ${sd.signerInfos.length}`);
  const si = sd.signerInfos[0]!;
  const eci = sd.encapContentInfo;
  if (eci.eContentType !== oid.ID_DATA) throw new EnvelopeError('malformed', `The signed content type is ${eci.eContentType}, not id-data`);
  const content = eci.eContent?.single
    ? toBytes(eci.eContent.single.buffer)
    : eci.eContent?.any
      ? toBytes(parseDer(eci.eContent.any, OctetString, 'The signed content').buffer)
      : undefined;
  if (!content) throw new EnvelopeError('malformed', 'The SignedData does not carry its content (detached signatures are not accepted)');

  const digest = DIGESTS[si.digestAlgorithm.algorithm];
  if (!digest) throw new EnvelopeError('unsupported-algorithm', `Digest algorithm ${si.digestAlgorithm.algorithm} is not SHA-256/384/512`);
  if (si.signatureAlgorithm.algorithm !== digest.signature && si.signatureAlgorithm.algorithm !== oid.ID_EC_PUBLIC_KEY) {
    throw new EnvelopeError('unsupported-algorithm', `Signature algorithm ${si.signatureAlgorithm.algorithm} is not ECDSA with ${digest.hash}`);
  }
  if (!si.signedAttrs || !si.signedAttrsRaw) throw new EnvelopeError('unsupported-algorithm', 'Signatures without signed attributes are not accepted');

  const certs = carriedCerts(sd);
  const signer = findSigner(si.sid, certs);
  if (!signer) throw new EnvelopeError('untrusted-signer', "The signer's certificate is not included in the SignedData");

  // RFC 5652 §5.4: the signature covers the DER of the attributes with the EXPLICIT SET OF tag.
  const covered = toBytes(si.signedAttrsRaw);
  covered[0] = 0x31;
  const rawSignature = derToRaw(toBytes(si.signature.buffer));
  // The WebCrypto work below is independent, so it runs together; its results are judged in the
  // order the checks are written, so the failure reported is the same as one after another.
  const others = certs.filter((c) => c !== signer);
  const chain = settle(verifyChain(signer, others, options.trustAnchors, options.now));
  const contentDigest = settle(subtle().digest(digest.hash, content));
  const publicKey = await ecdsaPublicKey(signer, "The signer's certificate");
  let ok = false;
  if (rawSignature) {
    try {
      ok = await subtle().verify({ name: 'ECDSA', hash: digest.hash }, publicKey, rawSignature, covered);
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new EnvelopeError('bad-signature', 'The signature over the SDP does not verify with the signer certificate');

  const attrs = [...si.signedAttrs];
  const ct = single(attrs, oid.ID_CONTENT_TYPE);
  if (!ct || ct.attrValues.length !== 1 || parseDer(ct.attrValues[0]!, ContentType, 'content-type attribute').value !== eci.eContentType) {
    throw new EnvelopeError('bad-signature', 'The signed content-type attribute is missing or does not match the content');
  }
  const md = single(attrs, oid.ID_MESSAGE_DIGEST);
  const actual = toBytes(await outcome(contentDigest));
  if (!md || md.attrValues.length !== 1 || !equalBytes(parseDer(md.attrValues[0]!, MessageDigest, 'message-digest attribute').buffer, actual)) {
    throw new EnvelopeError('bad-signature', 'The signed message digest does not match the SDP: the content was altered');
  }
  let signingTime: Date | undefined;
  const st = single(attrs, oid.ID_SIGNING_TIME);
  if (st && st.attrValues.length === 1) signingTime = parseDer(st.attrValues[0]!, SigningTime, 'signing-time attribute').getTime();

  await outcome(chain);
  if (!allowsKeyUsage(signer, KeyUsageFlags.digitalSignature)) {
    throw new EnvelopeError('untrusted-signer', "The signer's certificate does not allow digital signatures (keyUsage)");
  }
  return { content, signer, signedAttrs: attrs, signingTime, certificates: certs };
}
