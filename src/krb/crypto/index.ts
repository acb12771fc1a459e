/**
 * Kerberos V5 cryptography for Keyhop: the AES encryption and checksum types of RFC 3962 and
 * RFC 8009 on the RFC 3961 framework, in pure TypeScript on the noble libraries.
 */
export { aes128CtsHmacSha196, aes256CtsHmacSha196 } from './aes-sha1';
export { aes128CtsHmacSha256128, aes256CtsHmacSha384192 } from './aes-sha2';
export { checkChecksum, getChecksumType, isSupportedChecksumType, makeChecksum, verifyChecksum, type ChecksumType as ChecksumTypeInfo } from './checksum';
export { KeyPurpose } from './dk';
export { enctypeName, enctypeOf, getEnctype, isSupportedEnctype, makeKey, preferredEnctypes } from './enctype';
export { DEFAULT_MAX_ITERATIONS, iterationParams } from './s2k';
export { ChecksumType, EncType, type Enctype, type Key, type StringToKeyOptions } from './types';
