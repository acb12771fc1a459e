/**
 * ECC-CMS-SharedInfo (RFC 5753 §7.2), the SharedInfo input of the ANSI X9.63 KDF:
 *
 *   ECC-CMS-SharedInfo ::= SEQUENCE {
 *     keyInfo         AlgorithmIdentifier,           -- the key wrap algorithm, no parameters
 *     entityUInfo [0] EXPLICIT OCTET STRING OPTIONAL, -- the KeyAgreeRecipientInfo's ukm, if any
 *     suppPubInfo [2] EXPLICIT OCTET STRING   }       -- key-encryption key length in bits, 4 bytes big-endian
 */
import { AsnProp, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import { toArrayBuffer, uint32be } from './bytes.js';
import { serialize } from './der.js';

export class EccCmsSharedInfo {
  keyInfo = new AlgorithmIdentifier();
  entityUInfo?: OctetString;
  suppPubInfo = new OctetString();

  constructor(params: Partial<EccCmsSharedInfo> = {}) {
    Object.assign(this, params);
  }
}

AsnProp({ type: AlgorithmIdentifier })(EccCmsSharedInfo.prototype, 'keyInfo');
AsnProp({ type: OctetString, context: 0, optional: true })(EccCmsSharedInfo.prototype, 'entityUInfo');
AsnProp({ type: OctetString, context: 2 })(EccCmsSharedInfo.prototype, 'suppPubInfo');

/** DER of the SharedInfo for a wrap algorithm OID, its key length and the optional ukm. */
export function sharedInfo(wrapOid: string, kekBits: number, ukm?: Uint8Array): Uint8Array<ArrayBuffer> {
  const info = new EccCmsSharedInfo({
    keyInfo: new AlgorithmIdentifier({ algorithm: wrapOid }),
    suppPubInfo: new OctetString(toArrayBuffer(uint32be(kekBits))),
  });
  if (ukm) info.entityUInfo = new OctetString(toArrayBuffer(ukm));
  return serialize(info);
}
