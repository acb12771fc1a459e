/**
 * The shapes shared by the Kerberos crypto code: keys, the encryption-type interface every
 * profile implements (RFC 3961 §3–4), and the assigned numbers Keyhop implements.
 */
import type { KeyPurpose } from './dk';

/** A protocol key: the bytes of an EncryptionKey (RFC 4120 §5.2.9) and its encryption type. */
export interface Key {
  readonly enctype: number;
  readonly bytes: Uint8Array;
}

/** Encryption type numbers Keyhop implements (RFC 3962 §7, RFC 8009 §7). */
export const EncType = {
  AES128_CTS_HMAC_SHA1_96: 17,
  AES256_CTS_HMAC_SHA1_96: 18,
  AES128_CTS_HMAC_SHA256_128: 19,
  AES256_CTS_HMAC_SHA384_192: 20,
} as const;

/** Checksum type numbers Keyhop implements (RFC 3962 §7, RFC 8009 §7). */
export const ChecksumType = {
  HMAC_SHA1_96_AES128: 15,
  HMAC_SHA1_96_AES256: 16,
  HMAC_SHA256_128_AES128: 19,
  HMAC_SHA384_192_AES256: 20,
} as const;

/** Limits on the PBKDF2 iteration count a string-to-key will accept (RFC 3962 §8). */
export interface StringToKeyOptions {
  /** Refuse larger counts (a spoofed reply could ask for hours of work). Default 2^24. */
  maxIterations?: number;
  /** Refuse smaller counts (a spoofed reply could make the key cheap to attack). Default 1. */
  minIterations?: number;
}

/** One encryption type with its associated checksum type (RFC 3961 §3 and §4). */
export interface Enctype {
  /** The etype number. */
  readonly id: number;
  /** The RFC name, e.g. "aes256-cts-hmac-sha1-96". */
  readonly name: string;
  /** Length of a protocol key (and of random-to-key's input) in bytes. */
  readonly keyBytes: number;
  /** The checksum type keyed by keys of this type. */
  readonly checksumType: number;
  /** The checksum type's name, e.g. "hmac-sha1-96-aes256". */
  readonly checksumName: string;
  /** Length of the truncated HMAC, in encryption and in checksums. */
  readonly macBytes: number;
  /** Length of the random confounder prefixed to each plaintext. */
  readonly confounderBytes: number;
  /** Length of the PRF output (RFC 3961 §3). */
  readonly prfBytes: number;
  /** PBKDF2 iteration count when a KDC gives no s2kparams. */
  readonly defaultIterations: number;

  /**
   * string-to-key: the long-term key for a pass phrase and salt. `params` are the s2kparams of
   * ETYPE-INFO2 (four octets, big-endian iteration count); absent means the default count.
   */
  stringToKey(password: string | Uint8Array, salt: string | Uint8Array, params?: Uint8Array, options?: StringToKeyOptions): Key;
  /** The same, yielding to the event loop during PBKDF2 so a page stays responsive. */
  stringToKeyAsync(password: string | Uint8Array, salt: string | Uint8Array, params?: Uint8Array, options?: StringToKeyOptions): Promise<Key>;
  /** random-to-key: a key from `keyBytes` random bytes. */
  randomToKey(bytes: Uint8Array): Key;
  /** A fresh random key (e.g. a session key or an authenticator subkey). */
  generateKey(): Key;

  /** Encrypts with key usage `usage`; `confounder` is for tests only (random by default). */
  encrypt(key: Key, usage: number, plaintext: Uint8Array, confounder?: Uint8Array): Uint8Array;
  /** Decrypts and verifies; a failed check is a KrbError with code 'integrity'. */
  decrypt(key: Key, usage: number, ciphertext: Uint8Array): Uint8Array;
  /** Length of the ciphertext of a `plaintextLength`-byte plaintext. */
  ciphertextLength(plaintextLength: number): number;

  /** The keyed checksum (get_mic) of `data` with key usage `usage`. */
  checksum(key: Key, usage: number, data: Uint8Array): Uint8Array;
  /** verify_mic, comparing in constant time. */
  verifyChecksum(key: Key, usage: number, data: Uint8Array, mac: Uint8Array): boolean;

  /** The enctype's pseudo-random function (RFC 3961 §3; RFC 8009 §5). */
  prf(key: Key, input: Uint8Array): Uint8Array;
  /** The derived key Kc, Ke or Ki for a usage (exposed for tests and diagnostics). */
  deriveKey(key: Key, usage: number, purpose: KeyPurpose): Uint8Array;
}
