/**
 * Sealing SDP for chosen readers (seed 003) in the wire profile of DESIGN.md: the SDP is signed by
 * the sender's certificate key (`signed-data.ts`) and the SignedData is enveloped for every reader
 * (`envelope.ts`): the peer plus each proxy the user chose. The signed attributes carry the
 * readers list (`readers-attribute.ts`) and, optionally, a dialog context (`context-attribute.ts`).
 *
 * `openSdp` accepts the profile as sealed here, and also what OpenSSL produces from
 * `openssl cms -sign -outform DER … | openssl cms -encrypt -aes-256-gcm -binary …`: an
 * AuthEnvelopedData whose id-data content is a DER ContentInfo holding the SignedData (OpenSSL's
 * `-encrypt` cannot declare id-signedData as the content type). Such envelopes carry no signed
 * readers list, so `readersSigned` is false for them.
 */
import { ContentInfo } from '@peculiar/asn1-cms';
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import { toBytes, toHex, utf8Decode, utf8Encode } from './bytes.js';
import { describeId, nameText, readCert, sameId, serialHex, type CertInfo } from './cert-id.js';
import { contextAttribute, parseContextAttribute } from './context-attribute.js';
import { newContentKey } from './content-key.js';
import { parseDer } from './der.js';
import { envelop, recipientRefs, unenvelop, type Opener, type RecipientRef } from './envelope.js';
import { asEnvelopeError, EnvelopeError } from './errors.js';
import { ID_DATA, ID_KEYHOP_SDP_CONTEXT, ID_KEYHOP_SDP_READERS, ID_SIGNED_DATA } from './oids.js';
import { certReaderName, readerKind, readerName, type ReaderKind } from './reader-names.js';
import { parseReadersAttribute, readersAttribute, type NamedReader } from './readers-attribute.js';
import { checkSigningKey, signContent, single, verifySignedContent } from './signed-data.js';
import { allowsKeyUsage, verifyChain } from './trust.js';

export type Der = Uint8Array | ArrayBuffer;

export interface SealSdpOptions {
  /** The SDP text (or its UTF-8 bytes). */
  sdp: string | Uint8Array;
  /** The sender: its private ECDSA P-256 key and its certificate (DER), plus optional intermediates. */
  signer: { key: CryptoKey; cert: Der; chain?: Der[] };
  /** One entry per reader: the peer and each chosen proxy. `name` defaults to the certificate's. */
  readers: Array<{ cert: Der; name?: string }>;
  /** The dialog's content key from an earlier message; a fresh one is made when absent. */
  contentKey?: CryptoKey;
  /** Optional dialog binding (e.g. the Call-ID), signed, checked by `openSdp`'s `context`. */
  context?: string;
  /** Also carry the readers' certificates in the SignedData, so readers can show who else reads. */
  includeReaderCerts?: boolean;
  /**
   * When given, every reader certificate must chain to one of these CAs and be valid now, or
   * sealing fails with `untrusted-reader`. (Without it the caller vouches for the certificates.)
   */
  trust?: { caCerts: Der[] };
  signingTime?: Date;
  /** Clock for `trust`; defaults to the current time. */
  now?: Date;
}

/** A reader as the opener learns it. */
export interface ReaderInfo {
  /** From the signed readers list; absent for envelopes without one. */
  name?: string;
  kind?: ReaderKind;
  /** RFC 4514 issuer name and hexadecimal serial number of the reader's certificate. */
  issuer?: string;
  serialNumber?: string;
  /** Hex subject key identifier, for recipients named that way (OpenSSL `-keyid`). */
  subjectKeyId?: string;
  /** The reader's certificate (DER), when the envelope carries it. */
  cert?: Uint8Array<ArrayBuffer>;
}

export interface SealedSdp {
  der: Uint8Array<ArrayBuffer>;
  /** Keep per dialog to seal the next SDP of the same dialog with the same key. */
  contentKey: CryptoKey;
  readers: ReaderInfo[];
}

function der(value: unknown, what: string): Uint8Array {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return toBytes(value);
  throw new EnvelopeError('invalid-argument', `${what} must be DER bytes (Uint8Array or ArrayBuffer)`);
}

function readAnchors(caCerts: Der[]): CertInfo[] {
  if (!Array.isArray(caCerts)) throw new EnvelopeError('invalid-argument', 'trust.caCerts must be an array of DER certificates');
  return caCerts.map((c, i) => readCert(der(c, `Trusted CA certificate ${i + 1}`), `Trusted CA certificate ${i + 1}`, 'invalid-argument'));
}

function readerInfo(r: NamedReader, cert?: CertInfo): ReaderInfo {
  const info: ReaderInfo = { name: r.name, issuer: nameText(r.id.issuer), serialNumber: serialHex(r.id) };
  const kind = readerKind(r.name);
  if (kind) info.kind = kind;
  if (cert) info.cert = cert.der.slice();
  return info;
}

/** Signs and seals SDP for the given readers. Throws `EnvelopeError` (`invalid-argument`, …). */
export async function sealSdp(options: SealSdpOptions): Promise<SealedSdp> {
  try {
    const sdp = typeof options.sdp === 'string' ? utf8Encode(options.sdp) : der(options.sdp, 'The SDP');
    checkSigningKey(options.signer?.key);
    const signer = readCert(der(options.signer.cert, 'The signer certificate'), 'The signer certificate', 'invalid-argument');
    const chain = (options.signer.chain ?? []).map((c, i) => readCert(der(c, `Chain certificate ${i + 1}`), `Chain certificate ${i + 1}`, 'invalid-argument'));
    if (!Array.isArray(options.readers) || options.readers.length === 0) {
      throw new EnvelopeError('invalid-argument', 'Sealed SDP needs at least one reader (the peer)');
    }
    const readers = options.readers.map((r, i) => {
      const what = `Reader certificate ${i + 1}`;
      const cert = readCert(der(r.cert, what), what, 'invalid-argument');
      return { cert, name: readerName(cert, r.name, what) };
    });
    for (const [i, r] of readers.entries()) {
      if (!allowsKeyUsage(r.cert, KeyUsageFlags.keyAgreement)) {
        throw new EnvelopeError('invalid-argument', `Reader certificate ${i + 1} (${r.name}) does not allow key agreement (keyUsage)`);
      }
    }
    if (options.trust) {
      const anchors = readAnchors(options.trust.caCerts);
      const now = options.now ?? new Date();
      // Checked together; the first failing reader in the given order is the one reported.
      const checks = await Promise.allSettled(readers.map((r) => verifyChain(r.cert, [], anchors, now, `reader ${r.name}`)));
      for (const check of checks) {
        if (check.status === 'rejected') throw new EnvelopeError('untrusted-reader', (check.reason as Error).message, { cause: check.reason });
      }
    }
    for (let i = 0; i < readers.length; i++) {
      for (let j = 0; j < i; j++) {
        if (sameId(readers[i]!.cert.id, readers[j]!.cert.id)) {
          throw new EnvelopeError('invalid-argument', `Reader ${j + 1} and reader ${i + 1} are the same certificate`);
        }
      }
    }
    const named = readers.map((r) => ({ name: r.name, id: r.cert.id }));
    const attributes = [readersAttribute(named)];
    if (options.context !== undefined) attributes.push(contextAttribute(options.context));
    const signed = signContent({
      content: sdp,
      key: options.signer.key,
      cert: signer,
      extraCerts: [...chain, ...(options.includeReaderCerts ? readers.map((r) => r.cert) : [])],
      attributes,
      signingTime: options.signingTime,
    });
    // The readers' key agreement runs while the signature is made (`envelop` awaits it, and reports
    // its failure); marked handled so an earlier failure here leaves no stray rejection behind.
    signed.catch(() => undefined);
    const contentKey = options.contentKey ?? (await newContentKey());
    const out = await envelop(
      signed,
      ID_SIGNED_DATA,
      readers.map((r) => r.cert),
      contentKey,
    );
    return { der: out, contentKey, readers: readers.map((r, i) => readerInfo(named[i]!, r.cert)) };
  } catch (e) {
    throw asEnvelopeError(e, 'invalid-argument', 'Cannot seal the SDP');
  }
}

export interface OpenSdpOptions {
  /** This reader's certificate (DER) and private ECDH key. Either this or `contentKey`. */
  recipient?: { key: CryptoKey; cert: Der };
  /** The dialog's content key, kept from an earlier message. */
  contentKey?: CryptoKey;
  /** The CAs whose certificates may sign SDP. */
  trust: { caCerts: Der[] };
  /** When given, the envelope must carry this signed dialog context. */
  context?: string;
  /** Clock for certificate validity; defaults to the current time. */
  now?: Date;
}

export interface OpenedSdp {
  sdp: string;
  /** The signer's certificate (DER), verified to chain to one of `trust.caCerts`. */
  signerCert: Uint8Array<ArrayBuffer>;
  /** The signer's sip: URI or host name, from its certificate. */
  signerName?: string;
  /** Everyone the envelope is sealed for. */
  readers: ReaderInfo[];
  /** True when `readers` comes from the signed readers list (checked against the recipient infos). */
  readersSigned: boolean;
  contentKey: CryptoKey;
  signingTime?: Date;
  context?: string;
}

function refInfo(ref: RecipientRef): ReaderInfo {
  if (ref.id) return { issuer: nameText(ref.id.issuer), serialNumber: serialHex(ref.id) };
  if (ref.subjectKeyId) return { subjectKeyId: toHex(ref.subjectKeyId) };
  return {};
}

/** Compares the signed readers list with the recipient infos; `reader-mismatch` on any difference. */
function checkReaders(signed: NamedReader[], refs: RecipientRef[]): void {
  const unnamed = refs.filter((r) => !r.id);
  if (unnamed.length > 0) {
    throw new EnvelopeError('reader-mismatch', `The envelope has ${unnamed.length} recipient info(s) that the signed readers list cannot name`);
  }
  const ids = refs.map((r) => r.id!);
  const extra = ids.filter((id) => !signed.some((s) => sameId(s.id, id)));
  const missing = signed.filter((s) => !ids.some((id) => sameId(s.id, id)));
  const dupes = ids.filter((id, i) => ids.findIndex((o) => sameId(o, id)) !== i);
  if (extra.length || missing.length || dupes.length) {
    const parts = [
      ...missing.map((m) => `${m.name} (signed, but has no recipient info)`),
      ...extra.map((x) => `${describeId(x)} (has a recipient info, but the sender did not sign it)`),
      ...dupes.map((d) => `${describeId(d)} (more than one recipient info)`),
    ];
    throw new EnvelopeError('reader-mismatch', `The readers in the envelope differ from those the sender signed: ${parts.join('; ')}`);
  }
}

function innerSignedData(contentType: string, content: Uint8Array): Uint8Array {
  if (contentType === ID_SIGNED_DATA) return content;
  if (contentType === ID_DATA) {
    // OpenSSL style: the id-data content is itself a DER ContentInfo with the SignedData.
    const info = parseDer(content, ContentInfo, 'The enveloped content');
    if (info.contentType !== ID_SIGNED_DATA) throw new EnvelopeError('malformed', 'The enveloped content is not signed');
    return toBytes(info.content);
  }
  throw new EnvelopeError('malformed', `The enveloped content type ${contentType} is not SignedData`);
}

/** Opens sealed SDP and verifies it. Every failure is an `EnvelopeError`; see `errors.ts`. */
export async function openSdp(envelope: Der, options: OpenSdpOptions): Promise<OpenedSdp> {
  try {
    const bytes = der(envelope, 'The envelope');
    const anchors = readAnchors(options?.trust?.caCerts ?? []);
    let opener: Opener;
    if (options.recipient) {
      const cert = readCert(der(options.recipient.cert, 'The recipient certificate'), 'The recipient certificate', 'invalid-argument');
      opener = { recipient: { key: options.recipient.key, cert } };
    } else if (options.contentKey) {
      opener = { contentKey: options.contentKey };
    } else {
      throw new EnvelopeError('invalid-argument', 'Opening needs a recipient (certificate and key) or the dialog content key');
    }
    const opened = await unenvelop(bytes, opener);
    const verified = await verifySignedContent(innerSignedData(opened.contentType, opened.content), {
      trustAnchors: anchors,
      now: options.now ?? new Date(),
    });
    const sdp = utf8Decode(verified.content);
    if (sdp === undefined) throw new EnvelopeError('malformed', 'The SDP is not valid UTF-8');

    const refs = recipientRefs(opened.envelope);
    const readersAttr = single(verified.signedAttrs, ID_KEYHOP_SDP_READERS);
    let readers: ReaderInfo[];
    if (readersAttr) {
      const signedReaders = parseReadersAttribute(readersAttr);
      checkReaders(signedReaders, refs);
      readers = signedReaders.map((r) => readerInfo(r, verified.certificates.find((c) => sameId(c.id, r.id))));
    } else {
      readers = refs.map(refInfo);
    }

    const contextAttr = single(verified.signedAttrs, ID_KEYHOP_SDP_CONTEXT);
    const context = contextAttr ? parseContextAttribute(contextAttr) : undefined;
    if (options.context !== undefined && context !== options.context) {
      throw new EnvelopeError(
        'context-mismatch',
        context === undefined ? 'The sealed SDP carries no dialog context' : 'The sealed SDP belongs to another dialog (signed context differs)',
      );
    }
    const result: OpenedSdp = {
      sdp,
      signerCert: verified.signer.der.slice(),
      readers,
      readersSigned: !!readersAttr,
      contentKey: opened.contentKey,
    };
    const signerName = certReaderName(verified.signer);
    if (signerName) result.signerName = signerName;
    if (verified.signingTime) result.signingTime = verified.signingTime;
    if (context !== undefined) result.context = context;
    return result;
  } catch (e) {
    throw asEnvelopeError(e, 'malformed', 'Cannot open the sealed SDP');
  }
}
