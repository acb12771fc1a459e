/**
 * aes128-cts-hmac-sha1-96 (17) and aes256-cts-hmac-sha1-96 (18), RFC 3962, with their checksum
 * types hmac-sha1-96-aes128 (15) and hmac-sha1-96-aes256 (16). They follow the RFC 3961
 * simplified profile (§5.2–5.4) with AES-CTS as E, SHA-1 as H and a 12-octet HMAC.
 *
 *   string-to-key  tkey = PBKDF2-HMAC-SHA1(pass, salt, iterations, keylength); key = DK(tkey, "kerberos")
 *   keys           Kc/Ke/Ki = DK(key, usage | 0x99/0xAA/0x55)
 *   encrypt        C = CTS(Ke, conf | plaintext); ciphertext = C | HMAC-SHA1(Ki, conf | plaintext)[0..12)
 *   checksum       HMAC-SHA1(Kc, data)[0..12)
 *   prf            AES(DK(key, "prf"), SHA-1(input)[0..16))
 *
 * The PRF output is one block: the hash is cut to a whole number of cipher blocks before
 * encryption, which is how deployed implementations read RFC 3961 §5.3 for AES.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2, pbkdf2Async } from '@noble/hashes/pbkdf2.js';
import { KrbError, malformed } from '../errors';
import { checkUsage, concat, constantTimeEqual, randomBytes, toBytes, utf8 } from './bytes';
import { BLOCK, aesEncryptBlock, ctsDecrypt, ctsEncrypt } from './cts';
import { KeyPurpose, dk, usageConstant } from './dk';
import { DerivedKeyCache, checkKey } from './key';
import { iterationCount } from './s2k';
import type { Enctype, Key, StringToKeyOptions } from './types';

const MAC_BYTES = 12;
const KERBEROS = utf8('kerberos');
const PRF_CONSTANT = utf8('prf');

function aesSha1(id: number, name: string, keyBytes: number, checksumType: number, checksumName: string): Enctype {
  const cache = new DerivedKeyCache();

  const check = (key: Key): void => checkKey(key, id, name, keyBytes);

  /** Kc, Ke or Ki, cached per base key; shared, never returned to callers as is. */
  const derived = (key: Key, usage: number, purpose: KeyPurpose): Uint8Array =>
    cache.get(key.bytes, `${usage}:${purpose}`, () => dk(key.bytes, usageConstant(usage, purpose)));

  const mac = (k: Uint8Array, data: Uint8Array): Uint8Array => hmac(sha1, k, data).slice(0, MAC_BYTES);

  const finish = (tkey: Uint8Array): Key => ({ enctype: id, bytes: dk(tkey, KERBEROS) });

  const self: Enctype = {
    id,
    name,
    keyBytes,
    checksumType,
    checksumName,
    macBytes: MAC_BYTES,
    confounderBytes: BLOCK,
    prfBytes: BLOCK,
    defaultIterations: 4096,

    stringToKey(password: string | Uint8Array, salt: string | Uint8Array, params?: Uint8Array, options?: StringToKeyOptions): Key {
      const c = iterationCount(params, 4096, options);
      return finish(pbkdf2(sha1, toBytes(password), toBytes(salt), { c, dkLen: keyBytes }));
    },

    async stringToKeyAsync(password, salt, params, options): Promise<Key> {
      const c = iterationCount(params, 4096, options);
      return finish(await pbkdf2Async(sha1, toBytes(password), toBytes(salt), { c, dkLen: keyBytes }));
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
      const data = concat(conf, plaintext);
      const c = ctsEncrypt(derived(key, usage, KeyPurpose.ENCRYPTION), data);
      return concat(c, mac(derived(key, usage, KeyPurpose.INTEGRITY), data));
    },

    decrypt(key: Key, usage: number, ciphertext: Uint8Array): Uint8Array {
      check(key);
      checkUsage(usage);
      if (ciphertext.length < BLOCK + MAC_BYTES) {
        throw malformed(`${name} ciphertext of ${ciphertext.length} bytes (at least ${BLOCK + MAC_BYTES} needed)`);
      }
      const split = ciphertext.length - MAC_BYTES;
      const data = ctsDecrypt(derived(key, usage, KeyPurpose.ENCRYPTION), ciphertext.subarray(0, split));
      const expected = mac(derived(key, usage, KeyPurpose.INTEGRITY), data);
      if (!constantTimeEqual(expected, ciphertext.subarray(split))) {
        throw new KrbError('integrity', `Decryption failed the integrity check (${name}, key usage ${usage}): wrong key or altered data`);
      }
      return data.slice(BLOCK);
    },

    ciphertextLength(plaintextLength: number): number {
      return BLOCK + plaintextLength + MAC_BYTES;
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
      const kp = cache.get(key.bytes, 'prf', () => dk(key.bytes, PRF_CONSTANT));
      return aesEncryptBlock(kp, sha1(input).subarray(0, BLOCK));
    },

    deriveKey(key: Key, usage: number, purpose: KeyPurpose): Uint8Array {
      check(key);
      checkUsage(usage);
      return derived(key, usage, purpose).slice();
    },
  };
  return self;
}

export const aes128CtsHmacSha196: Enctype = aesSha1(17, 'aes128-cts-hmac-sha1-96', 16, 15, 'hmac-sha1-96-aes128');
export const aes256CtsHmacSha196: Enctype = aesSha1(18, 'aes256-cts-hmac-sha1-96', 32, 16, 'hmac-sha1-96-aes256');
