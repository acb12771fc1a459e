/**
 * The signed list of readers: Keyhop's signed attribute in the inner SignedData that repeats, under
 * the sender's signature, whom the sender sealed the SDP for. Recipient infos themselves are not
 * covered by any signature or by the GCM tag, and every reader knows the content key, so without
 * this list a reader (or anyone on the path) could drop a reader's recipient info, or a reader
 * could add one for someone else, unnoticed. `openSdp` compares it with the recipient infos.
 *
 *   id-keyhop-sdp-readers OBJECT IDENTIFIER ::= { keyhop-arc 1 }   -- see oids.ts
 *   SdpReaders ::= SEQUENCE SIZE (1..MAX) OF SdpReader
 *   SdpReader ::= SEQUENCE {
 *     name    UTF8String,              -- host name of a proxy, or the sip: URI of a user
 *     reader  IssuerAndSerialNumber }  -- as in the reader's RecipientEncryptedKey
 */
import { Attribute, IssuerAndSerialNumber } from '@peculiar/asn1-cms';
import { AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes } from '@peculiar/asn1-schema';
import { toArrayBuffer } from './bytes.js';
import { parseDer, serialize } from './der.js';
import { EnvelopeError } from './errors.js';
import { ID_KEYHOP_SDP_READERS } from './oids.js';

export class SdpReader {
  name = '';
  reader = new IssuerAndSerialNumber();

  constructor(params: Partial<SdpReader> = {}) {
    Object.assign(this, params);
  }
}

AsnProp({ type: AsnPropTypes.Utf8String })(SdpReader.prototype, 'name');
AsnProp({ type: IssuerAndSerialNumber })(SdpReader.prototype, 'reader');

export class SdpReaders extends AsnArray<SdpReader> {
  constructor(items?: SdpReader[]) {
    super(items);
    Object.setPrototypeOf(this, SdpReaders.prototype);
  }
}

AsnType({ type: AsnTypeTypes.Sequence, itemType: SdpReader })(SdpReaders);

export interface NamedReader {
  name: string;
  id: IssuerAndSerialNumber;
}

export function readersAttribute(readers: NamedReader[]): Attribute {
  const value = new SdpReaders(readers.map((r) => new SdpReader({ name: r.name, reader: r.id })));
  return new Attribute({ attrType: ID_KEYHOP_SDP_READERS, attrValues: [toArrayBuffer(serialize(value))] });
}

/** The readers in the attribute; `malformed` unless it holds exactly one non-empty SdpReaders. */
export function parseReadersAttribute(attribute: Attribute): NamedReader[] {
  if (attribute.attrValues.length !== 1) throw new EnvelopeError('malformed', 'The signed readers attribute must have exactly one value');
  const list = parseDer(attribute.attrValues[0]!, SdpReaders, 'Signed readers attribute');
  if (list.length === 0) throw new EnvelopeError('malformed', 'The signed readers attribute is empty');
  return list.map((r) => ({ name: r.name, id: r.reader }));
}
