/**
 * The SIP body type of sealed SDP: CMS in DER (RFC 5751 §3.2, RFC 3261 §23.4). RFC 5083 names no
 * smime-type for AuthEnvelopedData; RFC 8551 §3.2.2 registers `authEnveloped-data`.
 */
export const SEALED_SDP_CONTENT_TYPE = 'application/pkcs7-mime; smime-type=authEnveloped-data; name=smime.p7m';
