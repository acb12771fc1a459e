/**
 * aes128-cts-hmac-sha256-128 (19) and aes256-cts-hmac-sha384-192 (20), RFC 8009, with their
 * checksum types hmac-sha256-128-aes128 (19) and hmac-sha384-192-aes256 (20).
 *
 *   string-to-key  saltp = name | 0x00 | salt
 *                  tkey = PBKDF2-HMAC-SHA256/384(pass, saltp, iterations, keylength)
 *                  key = KDF-HMAC-SHA2(tkey, "kerberos", keylength)                      (§4)
 *   keys           Kc = KDF(key, usage | 0x99, 128/192), Ke = KDF(key, usage | 0xAA, 128/256),
 *                  Ki = KDF(key, usage | 0x55, 128/192)                                  (§5)
 *   encrypt        C = CTS(Ke, IV, N | plaintext); H = HMAC(Ki, IV | C)[0..h);
 *                  ciphertext = C | H, with N a random 16-octet confounder and IV the
 *                  (always zero) initial cipher state: encrypt-then-MAC                  (§5)
 *   checksum       HMAC(Kc, data)[0..h)                                                 (§5)
 *   prf            KDF-HMAC-SHA2(key, "prf", input, 256/384)                            (§5)
 */
import { hmac } from '@noble/hashes/hmac.js';
import { pbkdf2, pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';
import { KrbError, malformed } from '../errors';
import { checkUsage, concat, constantTimeEqual, randomBytes, toBytes, utf8 } from './bytes';
import { BLOCK, ctsDecrypt, ctsEncrypt } from './cts';
import { KeyPurpose, usageConstant } from './dk';
import { kdfHmacSha2 } from './kdf-sha2';
import { DerivedKeyCache, checkKey } from './key';
import { iterationCount } from './s2k';
import type { Enctype, Key, StringToKeyOptions } from './types';

const KERBEROS = utf8('kerberos');
const PRF_LABEL = utf8('prf');
const ZERO_IV = new Uint8Array(BLOCK);
const DEFAULT_ITERATIONS = 32768;

interface Params {
  id: number;
  name: string;
  hash: CHash;
  keyBytes: number;
  /** h: the truncated HMAC length, also the length of Kc and Ki. */
  macBytes: number;
  checksumType: number;
  checksumName: string;
}

function aesSha2(p: Params): Enctype {
  const { id, name, hash, keyBytes, macBytes } = p;
  const cache = new DerivedKeyCache();
  const saltPrefix = concat(utf8(name), Uint8Array.of(0));

  const check = (key: Key): void => checkKey(key, id, name, keyBytes);

  /** Kc, Ke or Ki, cached per base key; shared, never returned to callers as is. */
  const derived = (key: Key, usage: number, purpose: KeyPurpose): Uint8Array =>
    cache.get(key.bytes, `${usage}:${purpose}`, () => {
      const bits = 8 * (purpose === KeyPurpose.ENCRYPTION ? keyBytes : macBytes);
      return kdfHmacSha2(hash, key.bytes, usageConstant(usage, purpose), bits);
    });

  const mac = (k: Uint8Array, data: Uint8Array): Uint8Array => hmac(hash, k, data).slice(0, macBytes);

  const finish = (tkey: Uint8Array): Key => ({ enctype: id, bytes: kdfHmacSha2(hash, tkey, KERBEROS, 8 * keyBytes) });

  const self: Enctype = {
    id,
    name,
    keyBytes,
    checksumType: p.checksumType,
    checksumName: p.checksumName,
    macBytes,
    confounderBytes: BLOCK,
    prfBytes: hash.outputLen,
    defaultIterations: DEFAULT_ITERATIONS,

    stringToKey(password: string | Uint8Array, salt: string | Uint8Array, params?: Uint8Array, options?: StringToKeyOptions): Key {
      const c = iterationCount(params, DEFAULT_ITERATIONS, options);
      return finish(pbkdf2(hash, toBytes(password), concat(saltPrefix, toBytes(salt)), { c, dkLen: keyBytes }));
    },

    async stringToKeyAsync(password, salt, params, options): Promise<Key> {
      const c = iterationCount(params, DEFAULT_ITERATIONS, options);
      return finish(await pbkdf2Async(hash, toBytes(password), concat(saltPrefix, toBytes(salt)), { c, dkLen: keyBytes }));
    },

    randomToKey(bytes: Uint8Array): Key {
      if (bytes.length !== keyBytes) throw malformed(`${name} random-to-key input of ${bytes.length} bytes (expected ${keyBytes})`);
      return { enctype: id, bytes: bytes.slice() };
    },

    generateKey(): Key {
      return { enctype: id, bytes: randomBytes(keyBytes) };
    },

    encrypt(key: Key, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Uint8Array {
      check(key);
      checkUsage(usage);
      const conf = confounder ?? randomBytes(BLOCK);
      if (conf.length !== BLOCK) throw malformed(`confounder of ${conf.length} bytes (expected ${BLOCK})`);
      const c = ctsEncrypt(derived(key, usage, KeyPurpose.ENCRYPTION), concat(conf, plaintext), ZERO_IV);
      return concat(c, mac(derived(key, usage, KeyPurpose.INTEGRITY), concat(ZERO_IV, c)));
    },

    decrypt(key: Key, usage: number, ciphertext: Uint8Array): Uint8Array {
      check(key);
      checkUsage(usage);
      if (ciphertext.length < BLOCK + macBytes) {
        throw malformed(`${name} ciphertext of ${ciphertext.length} bytes (at least ${BLOCK + macBytes} needed)`);
      }
      const split = ciphertext.length - macBytes;
      const c = ciphertext.subarray(0, split);
      // Encrypt-then-MAC: check the MAC before decrypting anything.
      const expected = mac(derived(key, usage, KeyPurpose.INTEGRITY), concat(ZERO_IV, c));
      if (!constantTimeEqual(expected, ciphertext.subarray(split))) {
        throw new KrbError('integrity', `Decryption failed the integrity check (${name}, key usage ${usage}): wrong key or altered data`);
      }
      return ctsDecrypt(derived(key, usage, KeyPurpose.ENCRYPTION), c, ZERO_IV).slice(BLOCK);
    },

    ciphertextLength(plaintextLength: number): number {
      return BLOCK + plaintextLength + macBytes;
    },

    checksum(key: Key, usage: number, data: Uint8Array): Uint8Array {
      check(key);
      checkUsage(usage);
      return mac(derived(key, usage, KeyPurpose.CHECKSUM), data);
    },

    verifyChecksum(key: Key, usage: number, data: Uint8Array, got: Uint8Array): boolean {
      return constantTimeEqual(self.checksum(key, usage, data), got);
    },

    prf(key: Key, input: Uint8Array): Uint8Array {
      check(key);
      return kdfHmacSha2(hash, key.bytes, PRF_LABEL, 8 * hash.outputLen, input);
    },

    deriveKey(key: Key, usage: number, purpose: KeyPurpose): Uint8Array {
      check(key);
      checkUsage(usage);
      return derived(key, usage, purpose).slice();
    },
  };
  return self;
}

export const aes128CtsHmacSha256128: Enctype = aesSha2({
  id: 19,
  name: 'aes128-cts-hmac-sha256-128',
  hash: sha256,
  keyBytes: 16,
  macBytes: 16,
  checksumType: 19,
  checksumName: 'hmac-sha256-128-aes128',
});

export const aes256CtsHmacSha384192: Enctype = aesSha2({
  id: 20,
  name: 'aes256-cts-hmac-sha384-192',
  hash: sha384,
  keyBytes: 32,
  macBytes: 24,
  checksumType: 20,
  checksumName: 'hmac-sha384-192-aes256',
});
