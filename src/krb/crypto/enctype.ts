/**
 * The registry of encryption types. Keyhop implements the four AES enctypes and nothing else:
 * DES and 3DES are deprecated (RFC 6649, RFC 8429) and RC4-HMAC (RFC 4757) is weak, so asking
 * for them, or for any unknown type, is a KrbError with code 'unsupported-enctype' naming it.
 */
import { KrbError } from '../errors';
import { aes128CtsHmacSha196, aes256CtsHmacSha196 } from './aes-sha1';
import { aes128CtsHmacSha256128, aes256CtsHmacSha384192 } from './aes-sha2';
import { checkKey } from './key';
import type { Enctype, Key } from './types';

const supported = new Map<number, Enctype>(
  [aes128CtsHmacSha196, aes256CtsHmacSha196, aes128CtsHmacSha256128, aes256CtsHmacSha384192].map((e) => [e.id, e]),
);

/**
 * The enctypes a client offers, most preferred first: the RFC 3962 types lead because every
 * KDC has them (Active Directory has no RFC 8009 types), and a KDC picks the first listed type
 * it shares with the service.
 */
export const preferredEnctypes: readonly number[] = Object.freeze([18, 17, 20, 19]);

/** IANA names of encryption types Keyhop refuses, for error messages. */
const refusedNames = new Map<number, string>([
  [1, 'des-cbc-crc'],
  [2, 'des-cbc-md4'],
  [3, 'des-cbc-md5'],
  [5, 'des3-cbc-md5'],
  [7, 'des3-cbc-sha1'],
  [16, 'des3-cbc-sha1-kd'],
  [23, 'rc4-hmac'],
  [24, 'rc4-hmac-exp'],
  [25, 'camellia128-cts-cmac'],
  [26, 'camellia256-cts-cmac'],
]);

/** The RFC/IANA name of an encryption type, or "enctype N" when unknown. */
export function enctypeName(id: number): string {
  return supported.get(id)?.name ?? refusedNames.get(id) ?? `enctype ${id}`;
}

/** Whether Keyhop implements encryption type `id`. */
export function isSupportedEnctype(id: number): boolean {
  return supported.has(id);
}

/** The implementation of encryption type `id`; any other type is 'unsupported-enctype'. */
export function getEnctype(id: number): Enctype {
  const e = supported.get(id);
  if (e !== undefined) return e;
  const known = refusedNames.get(id);
  throw new KrbError(
    'unsupported-enctype',
    `Encryption type ${id}${known === undefined ? '' : ` (${known})`} is not supported: Keyhop uses AES only`,
  );
}

/** The enctype of a key (refusing unsupported types and keys of the wrong length). */
export function enctypeOf(key: Key): Enctype {
  const e = getEnctype(key.enctype);
  checkKey(key, e.id, e.name, e.keyBytes);
  return e;
}

/** A key from the fields of an EncryptionKey (RFC 4120 §5.2.9), checked and copied. */
export function makeKey(enctype: number, bytes: Uint8Array): Key {
  const e = getEnctype(enctype);
  const key = { enctype, bytes: bytes.slice() };
  checkKey(key, e.id, e.name, e.keyBytes);
  return key;
}
