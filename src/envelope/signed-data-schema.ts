/**
 * SignedData and SignerInfo (RFC 5652 §5.1, §5.3) as in `@peculiar/asn1-cms`, except that the
 * signed attributes are typed as one SET OF value so the schema library hands back their received
 * encoding (`signedAttrsRaw`). The signature covers exactly those bytes (with the SET tag, §5.4);
 * the library's own SignerInfo does not keep them.
 */
import {
  Attribute,
  CertificateSet,
  DigestAlgorithmIdentifiers,
  EncapsulatedContentInfo,
  RevocationInfoChoices,
  SignerIdentifier,
} from '@peculiar/asn1-cms';
import { AsnArray, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';

/** SET OF Attribute. */
export class AttributeSet extends AsnArray<Attribute> {
  constructor(items?: Attribute[]) {
    super(items);
    Object.setPrototypeOf(this, AttributeSet.prototype);
  }
}
AsnType({ type: AsnTypeTypes.Set, itemType: Attribute })(AttributeSet);

export class SignerInfoWithRaw {
  version = 1;
  sid = new SignerIdentifier();
  digestAlgorithm = new AlgorithmIdentifier();
  signedAttrs?: AttributeSet;
  /** The received `[0] IMPLICIT SignedAttributes`, tag included. */
  signedAttrsRaw?: ArrayBuffer;
  signatureAlgorithm = new AlgorithmIdentifier();
  signature = new OctetString();
  unsignedAttrs?: AttributeSet;
}
{
  const p = SignerInfoWithRaw.prototype;
  AsnProp({ type: AsnPropTypes.Integer })(p, 'version');
  AsnProp({ type: SignerIdentifier })(p, 'sid');
  AsnProp({ type: AlgorithmIdentifier })(p, 'digestAlgorithm');
  AsnProp({ type: AttributeSet, context: 0, implicit: true, optional: true, raw: true })(p, 'signedAttrs');
  AsnProp({ type: AlgorithmIdentifier })(p, 'signatureAlgorithm');
  AsnProp({ type: OctetString })(p, 'signature');
  AsnProp({ type: AttributeSet, context: 1, implicit: true, optional: true })(p, 'unsignedAttrs');
}

export class SignerInfosWithRaw extends AsnArray<SignerInfoWithRaw> {
  constructor(items?: SignerInfoWithRaw[]) {
    super(items);
    Object.setPrototypeOf(this, SignerInfosWithRaw.prototype);
  }
}
AsnType({ type: AsnTypeTypes.Set, itemType: SignerInfoWithRaw })(SignerInfosWithRaw);

export class SignedDataWithRaw {
  version = 1;
  digestAlgorithms = new DigestAlgorithmIdentifiers();
  encapContentInfo = new EncapsulatedContentInfo();
  certificates?: CertificateSet;
  crls?: RevocationInfoChoices;
  signerInfos = new SignerInfosWithRaw();
}
{
  const p = SignedDataWithRaw.prototype;
  AsnProp({ type: AsnPropTypes.Integer })(p, 'version');
  AsnProp({ type: DigestAlgorithmIdentifiers })(p, 'digestAlgorithms');
  AsnProp({ type: EncapsulatedContentInfo })(p, 'encapContentInfo');
  AsnProp({ type: CertificateSet, context: 0, implicit: true, optional: true })(p, 'certificates');
  AsnProp({ type: RevocationInfoChoices, context: 1, implicit: true, optional: true })(p, 'crls');
  AsnProp({ type: SignerInfosWithRaw })(p, 'signerInfos');
}
