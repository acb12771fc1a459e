/**
 * String-to-key for the KDC's own use (creating password-derived principals), with the PBKDF2
 * step done by Node's native implementation. The browser-safe code in `src/krb/crypto` computes
 * the same keys, but its pure-JS PBKDF2 needs seconds for the RFC 8009 default of 32768
 * iterations (SHA-384 especially), too slow for a server start. Only PBKDF2 moves to native
 * code; the final step is the same code the pure enctypes use:
 *
 *   17/18 (RFC 3962 §4):  key = DK(PBKDF2-HMAC-SHA1(password, salt, iterations), "kerberos")
 *   19/20 (RFC 8009 §4):  key = KDF-HMAC-SHA2(PBKDF2-HMAC-SHA256/384(password,
 *                               enctype-name | 0x00 | salt, iterations), "kerberos")
 *
 * A unit test checks every enctype against `getEnctype(id).stringToKey`.
 */
import { pbkdf2Sync } from 'node:crypto';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { dk } from '../../krb/crypto/dk.js';
import { kdfHmacSha2 } from '../../krb/crypto/kdf-sha2.js';
import { EncType, getEnctype, makeKey, type Key } from '../../krb/crypto/index.js';

const KERBEROS = new TextEncoder().encode('kerberos');

/** The long-term key of `enctype` for a password and salt, with `iterations` PBKDF2 rounds. */
export function stringToKeyNative(enctype: number, password: string, salt: string | Uint8Array, iterations: number): Key {
  const e = getEnctype(enctype);
  if (!Number.isInteger(iterations) || iterations < 1) throw new RangeError(`PBKDF2 iteration count ${iterations}`);
  const pass = Buffer.from(password, 'utf8');
  const saltBytes = typeof salt === 'string' ? Buffer.from(salt, 'utf8') : Buffer.from(salt);
  switch (enctype) {
    case EncType.AES128_CTS_HMAC_SHA1_96:
    case EncType.AES256_CTS_HMAC_SHA1_96: {
      const tkey = new Uint8Array(pbkdf2Sync(pass, saltBytes, iterations, e.keyBytes, 'sha1'));
      return makeKey(enctype, dk(tkey, KERBEROS));
    }
    case EncType.AES128_CTS_HMAC_SHA256_128:
    case EncType.AES256_CTS_HMAC_SHA384_192: {
      const sha384Type = enctype === EncType.AES256_CTS_HMAC_SHA384_192;
      const saltp = Buffer.concat([Buffer.from(e.name, 'utf8'), Buffer.of(0), saltBytes]);
      const tkey = new Uint8Array(pbkdf2Sync(pass, saltp, iterations, e.keyBytes, sha384Type ? 'sha384' : 'sha256'));
      return makeKey(enctype, kdfHmacSha2(sha384Type ? sha384 : sha256, tkey, KERBEROS, 8 * e.keyBytes));
    }
    default:
      throw new RangeError(`no string-to-key for encryption type ${enctype}`);
  }
}
