/**
 * The outer layer: ContentInfo → AuthEnvelopedData (RFC 5083) with AES-GCM content encryption
 * (RFC 5084) and one KeyAgreeRecipientInfo per reader (`key-agreement.ts`).
 *
 * `envelop` produces it; `unenvelop` opens it with either a recipient's certificate and private
 * ECDH key or a content key the caller kept from an earlier message of the same dialog.
 */
import { ContentInfo, EncryptedContent, EncryptedContentInfo, IssuerAndSerialNumber, RecipientInfos } from '@peculiar/asn1-cms';
import { OctetString } from '@peculiar/asn1-schema';
import { concat, toArrayBuffer, toBytes } from './bytes.js';
import { describeId, type CertInfo } from './cert-id.js';
import { gcmDecrypt, gcmEncrypt, gcmKeyBits, isContentKey } from './content-key.js';
import { parseDer, serialize } from './der.js';
import { AuthEnvelopedData } from './auth-enveloped-data.js';
import { EnvelopeError } from './errors.js';
import { outcome, settle } from './settle.js';
import { checkAgreementKey, entriesFor, recipientInfoFor, unwrapContentKey } from './key-agreement.js';
import { ID_CT_AUTH_ENVELOPED_DATA } from './oids.js';

/** Most recipient infos accepted in one envelope (a peer plus a handful of proxies in practice). */
export const MAX_RECIPIENTS = 32;

/**
 * DER ContentInfo holding an AuthEnvelopedData of `content` for each reader. `content` may still
 * be in the making (the signature): the key agreement for every reader needs only the content
 * key, so it starts at once.
 */
export async function envelop(
  content: Uint8Array | Promise<Uint8Array>,
  contentType: string,
  readers: CertInfo[],
  contentKey: CryptoKey,
): Promise<Uint8Array<ArrayBuffer>> {
  if (!isContentKey(contentKey)) {
    throw new EnvelopeError('invalid-argument', 'The content key must be an extractable AES-GCM CryptoKey (see newContentKey)');
  }
  if (readers.length === 0) throw new EnvelopeError('invalid-argument', 'An envelope needs at least one reader');
  if (readers.length > MAX_RECIPIENTS) throw new EnvelopeError('invalid-argument', `At most ${MAX_RECIPIENTS} readers`);
  // Independent WebCrypto operations run together; Promise.all keeps the readers' order, and a
  // failure of the content comes first, as when it was ready before.
  const recipients = settle(Promise.all(readers.map((reader, i) => recipientInfoFor(reader, contentKey, `Reader certificate ${i + 1}`))));
  const sealed = await gcmEncrypt(contentKey, await content);
  const infos = await outcome(recipients);
  const aed = new AuthEnvelopedData({
    version: 0,
    recipientInfos: new RecipientInfos(infos),
    authEncryptedContentInfo: new EncryptedContentInfo({
      contentType,
      contentEncryptionAlgorithm: sealed.algorithm,
      encryptedContent: new EncryptedContent({ value: new OctetString(toArrayBuffer(sealed.ciphertext)) }),
    }),
    mac: new OctetString(toArrayBuffer(sealed.tag)),
  });
  return serialize(new ContentInfo({ contentType: ID_CT_AUTH_ENVELOPED_DATA, content: toArrayBuffer(serialize(aed)) }));
}

const ENVELOPED_DATA = '1.2.840.113549.1.7.3';

/** Parses the ContentInfo and its AuthEnvelopedData, without any key. */
export function readEnvelope(der: Uint8Array): AuthEnvelopedData {
  const info = parseDer(der, ContentInfo, 'The envelope');
  if (info.contentType === ENVELOPED_DATA) {
    throw new EnvelopeError('unsupported-algorithm', 'EnvelopedData without authentication is not accepted; expected AuthEnvelopedData with AES-GCM');
  }
  if (info.contentType !== ID_CT_AUTH_ENVELOPED_DATA) {
    throw new EnvelopeError('malformed', `The envelope's content type is ${info.contentType}, not id-ct-authEnvelopedData`);
  }
  const aed = parseDer(info.content, AuthEnvelopedData, 'The AuthEnvelopedData');
  if (aed.version !== 0) throw new EnvelopeError('malformed', `AuthEnvelopedData version ${aed.version}; RFC 5083 requires 0`);
  if (aed.recipientInfos.length === 0) throw new EnvelopeError('malformed', 'The envelope has no recipient infos');
  if (aed.recipientInfos.length > MAX_RECIPIENTS) throw new EnvelopeError('malformed', `The envelope has more than ${MAX_RECIPIENTS} recipient infos`);
  return aed;
}

/** Who an envelope is addressed to, as the recipient infos say (unauthenticated). */
export interface RecipientRef {
  /** Issuer and serial number, for key agreement recipients named that way. */
  id?: IssuerAndSerialNumber;
  /** Subject key identifier, for key agreement recipients named that way. */
  subjectKeyId?: Uint8Array;
  /** The recipient info type: 'kari' for key agreement, otherwise what the sender used instead. */
  kind: 'kari' | 'ktri' | 'kekri' | 'pwri' | 'ori';
}

export function recipientRefs(aed: AuthEnvelopedData): RecipientRef[] {
  const out: RecipientRef[] = [];
  for (const ri of aed.recipientInfos) {
    if (ri.kari) {
      for (const rek of ri.kari.recipientEncryptedKeys) {
        if (rek.rid.issuerAndSerialNumber) out.push({ kind: 'kari', id: rek.rid.issuerAndSerialNumber });
        else if (rek.rid.rKeyId) out.push({ kind: 'kari', subjectKeyId: toBytes(rek.rid.rKeyId.subjectKeyIdentifier.buffer) });
      }
    } else if (ri.ktri) out.push({ kind: 'ktri' });
    else if (ri.kekri) out.push({ kind: 'kekri' });
    else if (ri.pwri) out.push({ kind: 'pwri' });
    else out.push({ kind: 'ori' });
  }
  return out;
}

export type Opener = { recipient: { key: CryptoKey; cert: CertInfo } } | { contentKey: CryptoKey };

export interface Unenveloped {
  contentType: string;
  content: Uint8Array<ArrayBuffer>;
  contentKey: CryptoKey;
  envelope: AuthEnvelopedData;
}

async function recipientKey(aed: AuthEnvelopedData, cert: CertInfo, key: CryptoKey): Promise<CryptoKey> {
  checkAgreementKey(key);
  let lastError: EnvelopeError | undefined;
  for (const ri of aed.recipientInfos) {
    if (!ri.kari) continue;
    for (const entry of entriesFor(ri.kari, cert)) {
      try {
        return await unwrapContentKey(ri.kari, entry, key);
      } catch (e) {
        if (!(e instanceof EnvelopeError)) throw e;
        lastError = e;
      }
    }
  }
  if (lastError) throw lastError;
  throw new EnvelopeError('not-a-recipient', `The envelope is not addressed to the certificate with ${describeId(cert.id)}`);
}

/** Decrypts the envelope's content. See the error codes in `errors.ts`. */
export async function unenvelop(der: Uint8Array, opener: Opener): Promise<Unenveloped> {
  const aed = readEnvelope(der);
  const eci = aed.authEncryptedContentInfo;
  gcmKeyBits(eci.contentEncryptionAlgorithm);
  const enc = eci.encryptedContent;
  const ciphertext = enc?.value
    ? toBytes(enc.value.buffer)
    : enc?.constructedValue
      ? concat(...enc.constructedValue.map((p) => toBytes(p.buffer)))
      : undefined;
  if (!ciphertext) throw new EnvelopeError('malformed', 'The envelope does not carry its encrypted content');
  let contentKey: CryptoKey;
  if ('contentKey' in opener) {
    if (!isContentKey(opener.contentKey)) throw new EnvelopeError('invalid-argument', 'The content key must be an AES-GCM CryptoKey');
    contentKey = opener.contentKey;
  } else {
    contentKey = await recipientKey(aed, opener.recipient.cert, opener.recipient.key);
  }
  let aad: Uint8Array | undefined;
  if (aed.authAttrsRaw) {
    // RFC 5083 §2.2: the AAD is the DER of authAttrs with the EXPLICIT SET OF tag, not [1].
    aad = toBytes(aed.authAttrsRaw);
    aad[0] = 0x31;
  }
  const content = await gcmDecrypt(contentKey, eci.contentEncryptionAlgorithm, ciphertext, toBytes(aed.mac.buffer), aad);
  return { contentType: eci.contentType, content, contentKey, envelope: aed };
}
