/**
 * AuthEnvelopedData (RFC 5083 §2.1), which `@peculiar/asn1-cms` does not define. Built from that
 * library's CMS pieces with its schema decorators applied as plain function calls.
 *
 *   AuthEnvelopedData ::= SEQUENCE {
 *     version CMSVersion,                                   -- always 0
 *     originatorInfo [0] IMPLICIT OriginatorInfo OPTIONAL,
 *     recipientInfos RecipientInfos,
 *     authEncryptedContentInfo EncryptedContentInfo,
 *     authAttrs [1] IMPLICIT AuthAttributes OPTIONAL,
 *     mac MessageAuthenticationCode,                        -- the GCM tag (RFC 5084 §3.2)
 *     unauthAttrs [2] IMPLICIT UnauthAttributes OPTIONAL }
 */
import { CMSVersion, EncryptedContentInfo, OriginatorInfo, RecipientInfos } from '@peculiar/asn1-cms';
import { AsnProp, AsnPropTypes, OctetString } from '@peculiar/asn1-schema';
import { AttributeSet } from './signed-data-schema.js';

export class AuthEnvelopedData {
  version: number = CMSVersion.v0;
  originatorInfo?: OriginatorInfo;
  recipientInfos = new RecipientInfos();
  authEncryptedContentInfo = new EncryptedContentInfo();
  authAttrs?: AttributeSet;
  /** The received encoding of `authAttrs` (with its [1] tag), the basis of the GCM AAD. */
  authAttrsRaw?: ArrayBuffer;
  mac = new OctetString();
  unauthAttrs?: AttributeSet;

  constructor(params: Partial<AuthEnvelopedData> = {}) {
    Object.assign(this, params);
  }
}

const proto = AuthEnvelopedData.prototype;
AsnProp({ type: AsnPropTypes.Integer })(proto, 'version');
AsnProp({ type: OriginatorInfo, context: 0, implicit: true, optional: true })(proto, 'originatorInfo');
AsnProp({ type: RecipientInfos })(proto, 'recipientInfos');
AsnProp({ type: EncryptedContentInfo })(proto, 'authEncryptedContentInfo');
AsnProp({ type: AttributeSet, context: 1, implicit: true, optional: true, raw: true })(proto, 'authAttrs');
AsnProp({ type: OctetString })(proto, 'mac');
AsnProp({ type: AttributeSet, context: 2, implicit: true, optional: true })(proto, 'unauthAttrs');
