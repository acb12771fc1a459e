import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { KrbError } from '../errors';
import { aes128CtsHmacSha256128 as aes128, aes256CtsHmacSha384192 as aes256 } from './aes-sha2';
import { KeyPurpose } from './dk';
import { kdfHmacSha2 } from './kdf-sha2';
import { iterationParams } from './s2k';

// Vectors of RFC 8009 Appendix A, all of them. The salt of the string-to-key samples is 16
// random octets followed by "ATHENA.MIT.EDUraeburn".
const SALT = new Uint8Array([...hexToBytes('10df9dd783e5bc8acea1730e74355f61'), ...new TextEncoder().encode('ATHENA.MIT.EDUraeburn')]);
const BASE128 = { enctype: 19, bytes: hexToBytes('3705d96080c17728a0e800eab6e0d23c') };
const BASE256 = { enctype: 20, bytes: hexToBytes('6d404d37faf79f9df0d33568d320669800eb4836472ea8a026d16b7182460c52') };
const PLAIN_21 = hexToBytes('000102030405060708090a0b0c0d0e0f1011121314');

describe('RFC 8009 Appendix A: string-to-key (32768 iterations, pass phrase "password")', () => {
  it('aes128-cts-hmac-sha256-128', () => {
    const key = aes128.stringToKey('password', SALT, iterationParams(32768));
    expect(key.enctype).toBe(19);
    expect(bytesToHex(key.bytes)).toBe('089bca48b105ea6ea77ca5d2f39dc5e7');
  });

  it('aes256-cts-hmac-sha384-192', () => {
    const key = aes256.stringToKey('password', SALT, iterationParams(32768));
    expect(key.enctype).toBe(20);
    expect(bytesToHex(key.bytes)).toBe('45bd806dbf6a833a9cffc1c94589a222367a79bc21c413718906e9f578a78467');
  });

  it('32768 (00 00 80 00) is the default iteration count', () => {
    expect(aes128.defaultIterations).toBe(32768);
    expect(bytesToHex(aes128.stringToKey('password', SALT).bytes)).toBe('089bca48b105ea6ea77ca5d2f39dc5e7');
  });

  it('gives the same key asynchronously', async () => {
    expect(bytesToHex((await aes256.stringToKeyAsync('password', SALT)).bytes)).toBe(
      '45bd806dbf6a833a9cffc1c94589a222367a79bc21c413718906e9f578a78467',
    );
  });
});

describe('RFC 8009 Appendix A: PRF (input "test")', () => {
  it('aes128-cts-hmac-sha256-128', () => {
    expect(bytesToHex(aes128.prf(BASE128, new TextEncoder().encode('test')))).toBe(
      '9d188616f63852fe86915bb840b4a886ff3e6bb0f819b49b893393d393854295',
    );
  });

  it('aes256-cts-hmac-sha384-192', () => {
    expect(bytesToHex(aes256.prf(BASE256, new TextEncoder().encode('test')))).toBe(
      '9801f69a368c2bf675e59521e177d9a07f67efe1cfde8d3c8d6f6a0256e3b17db3c1b62ad1b8553360d17367eb1514d2',
    );
  });
});

describe('RFC 8009 Appendix A: key derivation (key usage 2)', () => {
  it('aes128-cts-hmac-sha256-128 Kc, Ke, Ki', () => {
    expect(bytesToHex(aes128.deriveKey(BASE128, 2, KeyPurpose.CHECKSUM))).toBe('b31a018a48f54776f403e9a396325dc3');
    expect(bytesToHex(aes128.deriveKey(BASE128, 2, KeyPurpose.ENCRYPTION))).toBe('9b197dd1e8c5609d6e67c3e37c62c72e');
    expect(bytesToHex(aes128.deriveKey(BASE128, 2, KeyPurpose.INTEGRITY))).toBe('9fda0e56ab2d85e1569a688696c26a6c');
  });

  it('aes256-cts-hmac-sha384-192 Kc, Ke, Ki', () => {
    expect(bytesToHex(aes256.deriveKey(BASE256, 2, KeyPurpose.CHECKSUM))).toBe('ef5718be86cc84963d8bbb5031e9f5c4ba41f28faf69e73d');
    expect(bytesToHex(aes256.deriveKey(BASE256, 2, KeyPurpose.ENCRYPTION))).toBe(
      '56ab22bee63d82d7bc5227f6773f8ea7a5eb1c825160c38312980c442e5c7e49',
    );
    expect(bytesToHex(aes256.deriveKey(BASE256, 2, KeyPurpose.INTEGRITY))).toBe('69b16514e3cd8e56b82010d5c73012b622c4d00ffc23ed1f');
  });

  it('Kc is KDF-HMAC-SHA2(key, usage | 0x99, 128) spelled out', () => {
    expect(bytesToHex(kdfHmacSha2(sha256, BASE128.bytes, hexToBytes('0000000299'), 128))).toBe('b31a018a48f54776f403e9a396325dc3');
  });
});

// Each row: plaintext, confounder, AES output, truncated HMAC output (ciphertext = AES | HMAC).
const ENC_128: [string, string, string, string, string][] = [
  ['empty plaintext', '', '7e5895eaf2672435bad817f545a37148', 'ef85fb890bb8472f4dab20394dca781d', 'ad877eda39d50c870c0d5a0a8e48c718'],
  ['plaintext shorter than a block', '000102030405', '7bca285e2fd4130fb55b1a5c83bc5b24', '84d7f30754ed987bab0bf3506beb09cfb55402cef7e6', '877ce99e247e52d16ed4421dfdf8976c'],
  [
    'plaintext of one block',
    '000102030405060708090a0b0c0d0e0f',
    '56ab21713ff62c0a1457200f6fa9948f',
    '3517d640f50ddc8ad3628722b3569d2ae07493fa8263254080ea65c1008e8fc2',
    '95fb4852e7d83e1e7c48c37eebe6b0d3',
  ],
  [
    'plaintext longer than a block',
    '000102030405060708090a0b0c0d0e0f1011121314',
    'a7a4e29a4728ce10664fb64e49ad3fac',
    '720f73b18d9859cd6ccb4346115cd336c70f58edc0c4437c5573544c31c813bce1e6d072c1',
    '86b39a413c2f92ca9b8334a287ffcbfc',
  ],
];

const ENC_256: [string, string, string, string, string][] = [
  ['empty plaintext', '', 'f764e9fa15c276478b2c7d0c4e5f58e4', '41f53fa5bfe7026d91faf9be959195a0', '58707273a96a40f0a01960621ac612748b9bbfbe7eb4ce3c'],
  [
    'plaintext shorter than a block',
    '000102030405',
    'b80d3251c1f6471494256ffe712d0b9a',
    '4ed7b37c2bcac8f74f23c1cf07e62bc7b75fb3f637b9',
    'f559c7f664f69eab7b6092237526ea0d1f61cb20d69d10f2',
  ],
  [
    'plaintext of one block',
    '000102030405060708090a0b0c0d0e0f',
    '53bf8a0d105265d4e276428624ce5e63',
    'bc47ffec7998eb91e8115cf8d19dac4bbbe2e163e87dd37f49beca92027764f6',
    '8cf51f14d798c2273f35df574d1f932e40c4ff255b36a266',
  ],
  [
    'plaintext longer than a block',
    '000102030405060708090a0b0c0d0e0f1011121314',
    '763e65367e864f02f55153c7e3b58af1',
    '40013e2df58e8751957d2878bcd2d6fe101ccfd556cb1eae79db3c3ee86429f2b2a602ac86',
    'fef6ecb647d6295fae077a1feb517508d2c16b4192e01f62',
  ],
];

describe('RFC 8009 Appendix A: encryption (key usage 2, default cipher state)', () => {
  for (const [e, base, rows] of [
    [aes128, BASE128, ENC_128],
    [aes256, BASE256, ENC_256],
  ] as const) {
    describe(e.name, () => {
      it.each(rows)('encrypts the %s', (_, plain, conf, aesOut, mac) => {
        expect(bytesToHex(e.encrypt(base, 2, hexToBytes(plain), hexToBytes(conf)))).toBe(aesOut + mac);
      });

      it.each(rows)('decrypts the %s', (_, plain, __, aesOut, mac) => {
        expect(bytesToHex(e.decrypt(base, 2, hexToBytes(aesOut + mac)))).toBe(plain);
      });
    });
  }

  it('the HMAC covers IV | C (encrypt-then-MAC)', () => {
    const [, , , aesOut, mac] = ENC_128[3]!;
    const ki = aes128.deriveKey(BASE128, 2, KeyPurpose.INTEGRITY);
    const h = hmac(sha256, ki, new Uint8Array([...new Uint8Array(16), ...hexToBytes(aesOut)]));
    expect(bytesToHex(h.subarray(0, 16))).toBe(mac);
  });
});

describe('RFC 8009 Appendix A: checksums (key usage 2)', () => {
  it('hmac-sha256-128-aes128 (19)', () => {
    expect(bytesToHex(aes128.checksum(BASE128, 2, PLAIN_21))).toBe('d78367186643d67b411cba9139fc1dee');
    expect(aes128.verifyChecksum(BASE128, 2, PLAIN_21, hexToBytes('d78367186643d67b411cba9139fc1dee'))).toBe(true);
  });

  it('hmac-sha384-192-aes256 (20)', () => {
    expect(bytesToHex(aes256.checksum(BASE256, 2, PLAIN_21))).toBe('45ee791567eefca37f4ac1e0222de80d43c3bfa06699672a');
    expect(aes256.verifyChecksum(BASE256, 2, PLAIN_21, hexToBytes('45ee791567eefca37f4ac1e0222de80d43c3bfa06699672a'))).toBe(true);
  });
});

describe('aes-sha2 decryption failures', () => {
  const ct = hexToBytes(ENC_128[3]![3] + ENC_128[3]![4]);

  it('a flipped bit anywhere is an integrity failure', () => {
    for (let i = 0; i < ct.length; i++) {
      const bad = ct.slice();
      bad[i]! ^= 0x01;
      expect(() => aes128.decrypt(BASE128, 2, bad)).toThrow(expect.objectContaining({ code: 'integrity' }));
    }
  });

  it('the wrong usage or key is an integrity failure', () => {
    expect(() => aes128.decrypt(BASE128, 3, ct)).toThrow(expect.objectContaining({ code: 'integrity' }));
    expect(() => aes128.decrypt(aes128.generateKey(), 2, ct)).toThrow(expect.objectContaining({ code: 'integrity' }));
  });

  it('a truncated ciphertext is refused', () => {
    for (const n of [0, 1, 16, 31, ct.length - 1]) {
      let err: unknown;
      try {
        aes128.decrypt(BASE128, 2, ct.subarray(0, n));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(KrbError);
      expect(['malformed', 'integrity']).toContain((err as KrbError).code);
    }
  });

  it('round-trips plaintexts of every length from 0 to 40', () => {
    for (const e of [aes128, aes256]) {
      const k = e.generateKey();
      for (let n = 0; n <= 40; n++) {
        const p = Uint8Array.from({ length: n }, (_, i) => 255 - i);
        const c = e.encrypt(k, 24, p);
        expect(c.length).toBe(e.ciphertextLength(n));
        expect(e.decrypt(k, 24, c)).toEqual(p);
      }
    }
  });
});
