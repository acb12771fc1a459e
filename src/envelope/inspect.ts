/**
 * What anyone on the path can learn from a sealed body without a key: the recipient identifiers
 * (they are cleartext in CMS, seed 003 §3.5 "privacy note") and the algorithms. A proxy uses this
 * to see whether it was chosen as a reader (seed 003 ¶0008 explicit and implicit designation)
 * before doing any key agreement. None of it is authenticated; `openSdp` checks the signed list.
 */
import { toBytes, toHex } from './bytes.js';
import { nameText, readCert, sameId, serialHex } from './cert-id.js';
import { readEnvelope, recipientRefs } from './envelope.js';
import { asEnvelopeError } from './errors.js';
import { entriesFor } from './key-agreement.js';
import type { Der } from './sdp-envelope.js';

export interface RecipientSummary {
  /** How the recipient info delivers the key: 'kari' (key agreement) in Keyhop envelopes. */
  type: 'kari' | 'ktri' | 'kekri' | 'pwri' | 'ori';
  /** RFC 4514 issuer name and hexadecimal serial number, when named that way. */
  issuer?: string;
  serialNumber?: string;
  /** Hex subject key identifier, when named that way. */
  subjectKeyId?: string;
}

export interface EnvelopeSummary {
  /** One entry per recipient, in envelope order. */
  recipients: RecipientSummary[];
  /** Content type inside the encryption (id-signedData for Keyhop envelopes). */
  contentType: string;
  /** Content-encryption algorithm OID (AES-GCM). */
  contentEncryption: string;
}

/** Reads the cleartext parts of a sealed body. Throws `EnvelopeError('malformed')` for garbage. */
export function inspectEnvelope(der: Der): EnvelopeSummary {
  try {
    const aed = readEnvelope(toBytes(der));
    const recipients = recipientRefs(aed).map((r): RecipientSummary => {
      if (r.id) return { type: r.kind, issuer: nameText(r.id.issuer), serialNumber: serialHex(r.id) };
      if (r.subjectKeyId) return { type: r.kind, subjectKeyId: toHex(r.subjectKeyId) };
      return { type: r.kind };
    });
    return {
      recipients,
      contentType: aed.authEncryptedContentInfo.contentType,
      contentEncryption: aed.authEncryptedContentInfo.contentEncryptionAlgorithm.algorithm,
    };
  } catch (e) {
    throw asEnvelopeError(e, 'malformed', 'Cannot read the envelope');
  }
}

/** True when a recipient info of the envelope names `cert` (DER). Garbage envelopes are `malformed`. */
export function isAddressedTo(der: Der, cert: Der): boolean {
  try {
    const aed = readEnvelope(toBytes(der));
    const info = readCert(toBytes(cert), 'The certificate', 'invalid-argument');
    return aed.recipientInfos.some((ri) => !!ri.kari && entriesFor(ri.kari, info).length > 0);
  } catch (e) {
    throw asEnvelopeError(e, 'malformed', 'Cannot read the envelope');
  }
}

/** True when the envelope has a recipient info for each certificate (DER), and for no other. */
export function addressedToExactly(der: Der, certs: Der[]): boolean {
  try {
    const refs = recipientRefs(readEnvelope(toBytes(der)));
    const infos = certs.map((c, i) => readCert(toBytes(c), `Certificate ${i + 1}`, 'invalid-argument'));
    if (refs.length !== infos.length || refs.some((r) => !r.id)) return false;
    return infos.every((c) => refs.filter((r) => sameId(r.id!, c.id)).length === 1);
  } catch (e) {
    throw asEnvelopeError(e, 'malformed', 'Cannot read the envelope');
  }
}
