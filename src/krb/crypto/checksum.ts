/**
 * Keyed checksum types (RFC 3961 §4), looked up by the cksumtype of a Checksum on the wire.
 * Each AES checksum type belongs to one enctype and is computed with that enctype's Kc for the
 * key usage (RFC 3961 §5.4): hmac-sha1-96-aes128 (15), hmac-sha1-96-aes256 (16) from RFC 3962;
 * hmac-sha256-128-aes128 (19), hmac-sha384-192-aes256 (20) from RFC 8009. RFC 4121 MIC tokens use
 * the same checksums with key usages 22–25.
 */
import { KrbError } from '../errors';
import { getEnctype } from './enctype';
import type { Enctype, Key } from './types';

export interface ChecksumType {
  readonly id: number;
  readonly name: string;
  /** The enctype whose keys compute this checksum. */
  readonly enctype: number;
  /** Length of the checksum value in bytes. */
  readonly macBytes: number;
}

const enctypeOfChecksum: Record<number, number> = { 15: 17, 16: 18, 19: 19, 20: 20 };

/** IANA names of checksum types Keyhop refuses, for error messages. */
const refusedNames = new Map<number, string>([
  [1, 'CRC32'],
  [2, 'rsa-md4'],
  [3, 'rsa-md4-des'],
  [4, 'des-mac'],
  [5, 'des-mac-k'],
  [6, 'rsa-md4-des-k'],
  [7, 'rsa-md5'],
  [8, 'rsa-md5-des'],
  [9, 'rsa-md5-des3'],
  [10, 'sha1'],
  [12, 'hmac-sha1-des3-kd'],
  [13, 'hmac-sha1-des3'],
  [14, 'sha1'],
  [17, 'cmac-camellia128'],
  [18, 'cmac-camellia256'],
  [-138, 'hmac-md5'],
]);

function enctypeFor(cksumtype: number): Enctype {
  const enctype = enctypeOfChecksum[cksumtype];
  if (enctype === undefined) {
    const known = refusedNames.get(cksumtype);
    throw new KrbError(
      'unsupported-enctype',
      `Checksum type ${cksumtype}${known === undefined ? '' : ` (${known})`} is not supported: Keyhop uses AES only`,
    );
  }
  return getEnctype(enctype);
}

/** The checksum type `id`; any other type is 'unsupported-enctype'. */
export function getChecksumType(id: number): ChecksumType {
  const e = enctypeFor(id);
  return { id, name: e.checksumName, enctype: e.id, macBytes: e.macBytes };
}

/** Whether Keyhop implements checksum type `id`. */
export function isSupportedChecksumType(id: number): boolean {
  return enctypeOfChecksum[id] !== undefined;
}

/** The checksum of `data` with `key`'s own checksum type, ready for a Checksum on the wire. */
export function makeChecksum(key: Key, usage: number, data: Uint8Array): { cksumtype: number; checksum: Uint8Array } {
  const e = getEnctype(key.enctype);
  return { cksumtype: e.checksumType, checksum: e.checksum(key, usage, data) };
}

/**
 * Verifies a received Checksum. False when the value is wrong or when its type is not the one
 * that belongs to `key`'s enctype (RFC 4120 §7.5.9 KRB_AP_ERR_INAPP_CKSUM); a type Keyhop does
 * not implement at all is a KrbError with code 'unsupported-enctype'.
 */
export function verifyChecksum(key: Key, usage: number, data: Uint8Array, cksum: { cksumtype: number; checksum: Uint8Array }): boolean {
  const e = enctypeFor(cksum.cksumtype);
  if (e.id !== key.enctype) {
    getEnctype(key.enctype); // an unsupported key type is reported as such
    return false;
  }
  return e.verifyChecksum(key, usage, data, cksum.checksum);
}

/** `verifyChecksum`, throwing a KrbError with code 'integrity' when it fails. */
export function checkChecksum(key: Key, usage: number, data: Uint8Array, cksum: { cksumtype: number; checksum: Uint8Array }): void {
  if (!verifyChecksum(key, usage, data, cksum)) {
    throw new KrbError('integrity', `Checksum verification failed (checksum type ${cksum.cksumtype}, key usage ${usage})`);
  }
}
