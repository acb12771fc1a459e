/** Object identifiers used by the envelope and certificate profile, with their defining documents. */

/** RFC 5652 §4, §5.1 */
export const ID_DATA = '1.2.840.113549.1.7.1';
export const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
/** RFC 5083 §1 (id-ct-authEnvelopedData) */
export const ID_CT_AUTH_ENVELOPED_DATA = '1.2.840.113549.1.9.16.1.23';

/** RFC 5652 §11.1–11.3 (content-type, message-digest, signing-time) */
export const ID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
export const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
export const ID_SIGNING_TIME = '1.2.840.113549.1.9.5';

/** RFC 5754 §2.2 / RFC 5758 §3.2 */
export const ID_SHA256 = '2.16.840.1.101.3.4.2.1';
export const ID_ECDSA_WITH_SHA256 = '1.2.840.10045.4.3.2';
/** RFC 5480 §2.1.1 */
export const ID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
export const ID_SECP256R1 = '1.2.840.10045.3.1.7';

/** RFC 5084 §3.2 (AES-GCM content encryption) */
export const ID_AES128_GCM = '2.16.840.1.101.3.4.1.6';
export const ID_AES192_GCM = '2.16.840.1.101.3.4.1.26';
export const ID_AES256_GCM = '2.16.840.1.101.3.4.1.46';

/** RFC 3565 §2.3.2 / RFC 3394 (AES key wrap) */
export const ID_AES128_WRAP = '2.16.840.1.101.3.4.1.5';
export const ID_AES192_WRAP = '2.16.840.1.101.3.4.1.25';
export const ID_AES256_WRAP = '2.16.840.1.101.3.4.1.45';

/** RFC 5753 §7.1.4 (ephemeral-static ECDH key agreement schemes with the X9.63 KDF) */
export const DH_SINGLE_PASS_STD_DH_SHA1_KDF = '1.3.133.16.840.63.0.2';
export const DH_SINGLE_PASS_STD_DH_SHA224_KDF = '1.3.132.1.11.0';
export const DH_SINGLE_PASS_STD_DH_SHA256_KDF = '1.3.132.1.11.1';
export const DH_SINGLE_PASS_STD_DH_SHA384_KDF = '1.3.132.1.11.2';
export const DH_SINGLE_PASS_STD_DH_SHA512_KDF = '1.3.132.1.11.3';
export const DH_SINGLE_PASS_COFACTOR_DH_SHA1_KDF = '1.3.133.16.840.63.0.3';
export const DH_SINGLE_PASS_COFACTOR_DH_SHA224_KDF = '1.3.132.1.14.0';
export const DH_SINGLE_PASS_COFACTOR_DH_SHA256_KDF = '1.3.132.1.14.1';
export const DH_SINGLE_PASS_COFACTOR_DH_SHA384_KDF = '1.3.132.1.14.2';
export const DH_SINGLE_PASS_COFACTOR_DH_SHA512_KDF = '1.3.132.1.14.3';

/** RFC 5280 §4.2.1.12 */
export const ID_KP_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
export const ID_KP_EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';

/**
 * Keyhop's own signed attributes. The arc is a UUID-derived OID (ITU-T X.667 / RFC 4122 §4.4
 * "2.25.<uuid as an integer>"), which needs no registration. UUID 0edbcaf5-5a87-4831-8eb7-82b8bbe23fc6.
 * Compare parsed OIDs with these through `oidMatches` (oid-match.ts), not `===`.
 */
export const KEYHOP_ARC = '2.25.19750421438664899897619914657152253894';
/** The readers the sender chose: a signed copy of the recipient list (see `readers-attribute.ts`). */
export const ID_KEYHOP_SDP_READERS = `${KEYHOP_ARC}.1`;
/** Optional dialog binding chosen by the application, e.g. the Call-ID (see `context-attribute.ts`). */
export const ID_KEYHOP_SDP_CONTEXT = `${KEYHOP_ARC}.2`;
