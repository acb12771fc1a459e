import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { KrbError } from '../errors';
import { KeyPurpose } from './dk';
import { enctypeName, enctypeOf, getEnctype, isSupportedEnctype, makeKey, preferredEnctypes } from './enctype';
import { EncType, type Key } from './types';

const ALL = [17, 18, 19, 20] as const;

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof KrbError ? e.code : `not a KrbError: ${String(e)}`;
  }
  return undefined;
}

describe('enctype registry', () => {
  it('has the four AES enctypes with their RFC parameters', () => {
    expect(ALL.map((id) => getEnctype(id).name)).toEqual([
      'aes128-cts-hmac-sha1-96',
      'aes256-cts-hmac-sha1-96',
      'aes128-cts-hmac-sha256-128',
      'aes256-cts-hmac-sha384-192',
    ]);
    expect(ALL.map((id) => getEnctype(id).keyBytes)).toEqual([16, 32, 16, 32]);
    expect(ALL.map((id) => getEnctype(id).checksumType)).toEqual([15, 16, 19, 20]);
    expect(ALL.map((id) => getEnctype(id).macBytes)).toEqual([12, 12, 16, 24]);
    expect(ALL.map((id) => getEnctype(id).prfBytes)).toEqual([16, 16, 32, 48]);
    expect(EncType.AES256_CTS_HMAC_SHA1_96).toBe(18);
  });

  it('prefers the AES enctypes in a fixed order, all supported', () => {
    expect(preferredEnctypes).toEqual([18, 17, 20, 19]);
    expect(preferredEnctypes.every(isSupportedEnctype)).toBe(true);
    expect(Object.isFrozen(preferredEnctypes)).toBe(true);
  });

  it.each([
    [23, 'rc4-hmac'],
    [24, 'rc4-hmac-exp'],
    [1, 'des-cbc-crc'],
    [3, 'des-cbc-md5'],
    [16, 'des3-cbc-sha1-kd'],
  ])('refuses enctype %i (%s) by name', (id, name) => {
    expect(isSupportedEnctype(id)).toBe(false);
    expect(codeOf(() => getEnctype(id))).toBe('unsupported-enctype');
    expect(() => getEnctype(id)).toThrow(`Encryption type ${id} (${name}) is not supported: Keyhop uses AES only`);
    expect(enctypeName(id)).toBe(name);
  });

  it('refuses unknown enctypes by number', () => {
    expect(() => getEnctype(99)).toThrow('Encryption type 99 is not supported: Keyhop uses AES only');
    expect(enctypeName(99)).toBe('enctype 99');
  });

  it('makes keys from EncryptionKey fields, checking type and length and copying the bytes', () => {
    const bytes = new Uint8Array(16).fill(7);
    const key = makeKey(17, bytes);
    bytes[0] = 0;
    expect(key.bytes[0]).toBe(7);
    expect(enctypeOf(key).id).toBe(17);
    expect(codeOf(() => makeKey(18, new Uint8Array(16)))).toBe('malformed');
    expect(codeOf(() => makeKey(23, new Uint8Array(16)))).toBe('unsupported-enctype');
    expect(codeOf(() => enctypeOf({ enctype: 19, bytes: new Uint8Array(32) }))).toBe('malformed');
  });

  it('random-to-key is the identity and copies; generated keys are random', () => {
    for (const id of ALL) {
      const e = getEnctype(id);
      const r = Uint8Array.from({ length: e.keyBytes }, (_, i) => i);
      const k = e.randomToKey(r);
      expect(k).toEqual({ enctype: id, bytes: r });
      expect(k.bytes).not.toBe(r);
      expect(codeOf(() => e.randomToKey(new Uint8Array(e.keyBytes + 1)))).toBe('malformed');
      const g = e.generateKey();
      expect(g.bytes.length).toBe(e.keyBytes);
      expect(g.bytes).not.toEqual(e.generateKey().bytes);
    }
  });
});

describe.each(ALL)('enctype %i: encryption and checksums', (id) => {
  const e = getEnctype(id);
  const key = e.randomToKey(Uint8Array.from({ length: e.keyBytes }, (_, i) => (i * 7 + id) & 0xff));
  const plain = new TextEncoder().encode('INVITE sip:bob@keyhop.test SIP/2.0');

  it('round-trips and uses a fresh confounder each time', () => {
    const a = e.encrypt(key, 11, plain);
    const b = e.encrypt(key, 11, plain);
    expect(a).not.toEqual(b);
    expect(e.decrypt(key, 11, a)).toEqual(plain);
    expect(e.decrypt(key, 11, b)).toEqual(plain);
    expect(a.length).toBe(e.ciphertextLength(plain.length));
  });

  it('is deterministic for a given confounder', () => {
    const conf = new Uint8Array(16).fill(0xa5);
    expect(e.encrypt(key, 11, plain, conf)).toEqual(e.encrypt(key, 11, plain, conf));
  });

  it('detects tampering: a flipped bit in any byte is an integrity failure', () => {
    const ct = e.encrypt(key, 11, plain);
    for (let i = 0; i < ct.length; i++) {
      const bad = ct.slice();
      bad[i]! ^= 0x80;
      expect(codeOf(() => e.decrypt(key, 11, bad))).toBe('integrity');
    }
  });

  it('refuses truncated ciphertext as malformed or integrity', () => {
    const ct = e.encrypt(key, 11, plain);
    for (let n = 0; n < ct.length; n++) {
      expect(['malformed', 'integrity']).toContain(codeOf(() => e.decrypt(key, 11, ct.subarray(0, n))));
    }
    expect(codeOf(() => e.decrypt(key, 11, new Uint8Array(0)))).toBe('malformed');
  });

  it('binds the key usage: another usage fails the integrity check', () => {
    expect(codeOf(() => e.decrypt(key, 12, e.encrypt(key, 11, plain)))).toBe('integrity');
  });

  it('checks keys, usages and confounders', () => {
    const other = id === 17 ? 19 : 17; // same key length or not, the enctype must match
    expect(codeOf(() => e.encrypt({ enctype: other, bytes: key.bytes }, 1, plain))).toBe('malformed');
    expect(codeOf(() => e.checksum({ enctype: id, bytes: key.bytes.subarray(1) }, 1, plain))).toBe('malformed');
    expect(codeOf(() => e.encrypt(key, -1, plain))).toBe('malformed');
    expect(codeOf(() => e.encrypt(key, 2 ** 32, plain))).toBe('malformed');
    expect(codeOf(() => e.encrypt(key, 1.5, plain))).toBe('malformed');
    expect(codeOf(() => e.encrypt(key, 1, plain, new Uint8Array(8)))).toBe('malformed');
    expect(codeOf(() => e.deriveKey(key, 1, 0x42 as KeyPurpose))).toBe('malformed');
    // The largest usage is fine.
    expect(e.decrypt(key, 0xffff_ffff, e.encrypt(key, 0xffff_ffff, plain))).toEqual(plain);
  });

  it('checksums verify, and fail for other data, usages, keys or lengths', () => {
    const mic = e.checksum(key, 25, plain);
    expect(mic.length).toBe(e.macBytes);
    expect(e.verifyChecksum(key, 25, plain, mic)).toBe(true);
    expect(e.verifyChecksum(key, 23, plain, mic)).toBe(false);
    expect(e.verifyChecksum(key, 25, plain.subarray(1), mic)).toBe(false);
    expect(e.verifyChecksum(e.generateKey(), 25, plain, mic)).toBe(false);
    expect(e.verifyChecksum(key, 25, plain, mic.subarray(1))).toBe(false);
    const bad = mic.slice();
    bad[0]! ^= 1;
    expect(e.verifyChecksum(key, 25, plain, bad)).toBe(false);
  });

  it('derives different keys for different usages and purposes', () => {
    const seen = new Set<string>();
    for (const usage of [22, 23, 24, 25])
      for (const p of [KeyPurpose.CHECKSUM, KeyPurpose.ENCRYPTION, KeyPurpose.INTEGRITY]) {
        seen.add(Array.from(e.deriveKey(key, usage, p)).join(','));
      }
    expect(seen.size).toBe(12);
  });

  it('has a deterministic PRF of the stated length', () => {
    const a = e.prf(key, new TextEncoder().encode('test'));
    expect(a.length).toBe(e.prfBytes);
    expect(e.prf(key, new TextEncoder().encode('test'))).toEqual(a);
    expect(e.prf(key, new TextEncoder().encode('tesu'))).not.toEqual(a);
  });
});

describe('derived-key cache', () => {
  it('never serves a stale derived key when a key array is overwritten in place', () => {
    for (const id of ALL) {
      const e = getEnctype(id);
      const bytes = new Uint8Array(e.keyBytes).fill(1);
      const key: Key = { enctype: id, bytes };
      const data = new TextEncoder().encode('REGISTER');
      const before = e.checksum(key, 25, data);
      const ct = e.encrypt(key, 24, data);
      bytes.fill(2);
      const fresh = e.randomToKey(new Uint8Array(e.keyBytes).fill(2));
      expect(e.checksum(key, 25, data)).toEqual(e.checksum(fresh, 25, data));
      expect(e.checksum(key, 25, data)).not.toEqual(before);
      expect(codeOf(() => e.decrypt(key, 24, ct))).toBe('integrity');
      bytes.fill(1);
      expect(e.checksum(key, 25, data)).toEqual(before);
    }
  });

  it('keeps enctypes apart when two keys share one byte array', () => {
    const bytes = hexToBytes('3705d96080c17728a0e800eab6e0d23c');
    const k17 = { enctype: 17, bytes };
    const k19 = { enctype: 19, bytes };
    const data = new Uint8Array(5);
    expect(getEnctype(17).checksum(k17, 2, data)).not.toEqual(getEnctype(19).checksum(k19, 2, data).subarray(0, 12));
    expect(getEnctype(19).deriveKey(k19, 2, KeyPurpose.CHECKSUM)).toEqual(hexToBytes('b31a018a48f54776f403e9a396325dc3'));
  });

  it('hands out copies of derived keys', () => {
    const e = getEnctype(19);
    const key = { enctype: 19, bytes: hexToBytes('3705d96080c17728a0e800eab6e0d23c') };
    e.deriveKey(key, 2, KeyPurpose.CHECKSUM).fill(0);
    expect(e.deriveKey(key, 2, KeyPurpose.CHECKSUM)).toEqual(hexToBytes('b31a018a48f54776f403e9a396325dc3'));
  });

  it('stays correct across many usages for one key', () => {
    const e = getEnctype(18);
    const key = e.generateKey();
    const data = new Uint8Array([1, 2, 3]);
    const first = Array.from({ length: 200 }, (_, u) => e.checksum(key, u, data));
    const again = Array.from({ length: 200 }, (_, u) => e.checksum(key, u, data));
    expect(again).toEqual(first);
    expect(new Set(first.map((m) => m.join(','))).size).toBe(200);
  });
});
