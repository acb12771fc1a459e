/**
 * AES-GCM parameters for CMS (RFC 5084 §3.2):
 *
 *   GCMParameters ::= SEQUENCE {
 *     aes-nonce        OCTET STRING,   -- 12 octets recommended
 *     aes-ICVlen       AES-GCM-ICVlen DEFAULT 12 }
 *   AES-GCM-ICVlen ::= INTEGER (12 | 13 | 14 | 15 | 16)
 *
 * Keyhop writes a 12-byte nonce and ICV length 16, which DER requires to be written out because it
 * differs from the default.
 */
import { AsnProp, AsnPropTypes, OctetString } from '@peculiar/asn1-schema';

export const GCM_DEFAULT_ICV_LENGTH = 12;

export class GcmParameters {
  nonce = new OctetString();
  icvLength: number = GCM_DEFAULT_ICV_LENGTH;

  constructor(params: Partial<GcmParameters> = {}) {
    Object.assign(this, params);
  }
}

AsnProp({ type: OctetString })(GcmParameters.prototype, 'nonce');
AsnProp({ type: AsnPropTypes.Integer, defaultValue: GCM_DEFAULT_ICV_LENGTH })(GcmParameters.prototype, 'icvLength');
