import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { KrbError } from '../errors';
import { aes128CtsHmacSha196 as aes128, aes256CtsHmacSha196 as aes256 } from './aes-sha1';
import { ctsDecrypt } from './cts';
import { KeyPurpose } from './dk';
import { iterationParams } from './s2k';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

interface S2kRow {
  iterations: number;
  password: string | Uint8Array;
  salt: string | Uint8Array;
  pbkdf2_128: string;
  key128: string;
  pbkdf2_256: string;
  key256: string;
}

// RFC 3962 Appendix B, every string-to-key row. (The published appendix has no row slower than
// 1200 iterations, so none is skipped.)
const S2K: S2kRow[] = [
  {
    iterations: 1,
    password: 'password',
    salt: 'ATHENA.MIT.EDUraeburn',
    pbkdf2_128: 'cdedb5281bb2f801565a1122b2563515',
    key128: '42263c6e89f4fc28b8df68ee09799f15',
    pbkdf2_256: 'cdedb5281bb2f801565a1122b25635150ad1f7a04bb9f3a333ecc0e2e1f70837',
    key256: 'fe697b52bc0d3ce14432ba036a92e65bbb52280990a2fa27883998d72af30161',
  },
  {
    iterations: 2,
    password: 'password',
    salt: 'ATHENA.MIT.EDUraeburn',
    pbkdf2_128: '01dbee7f4a9e243e988b62c73cda935d',
    key128: 'c651bf29e2300ac27fa469d693bdda13',
    pbkdf2_256: '01dbee7f4a9e243e988b62c73cda935da05378b93244ec8f48a99e61ad799d86',
    key256: 'a2e16d16b36069c135d5e9d2e25f896102685618b95914b467c67622225824ff',
  },
  {
    iterations: 1200,
    password: 'password',
    salt: 'ATHENA.MIT.EDUraeburn',
    pbkdf2_128: '5c08eb61fdf71e4e4ec3cf6ba1f5512b',
    key128: '4c01cd46d632d01e6dbe230a01ed642a',
    pbkdf2_256: '5c08eb61fdf71e4e4ec3cf6ba1f5512ba7e52ddbc5e5142f708a31e2e62b1e13',
    key256: '55a6ac740ad17b4846941051e1e8b0a7548d93b0ab30a8bc3ff16280382b8c2a',
  },
  {
    iterations: 5,
    password: 'password',
    salt: hexToBytes('1234567878563412'),
    pbkdf2_128: 'd1daa78615f287e6a1c8b120d7062a49',
    key128: 'e9b23d52273747dd5c35cb55be619d8e',
    pbkdf2_256: 'd1daa78615f287e6a1c8b120d7062a493f98d203e6be49a6adf4fa574b6e64ee',
    key256: '97a4e786be20d81a382d5ebc96d5909cabcdadc87ca48f574504159f16c36e31',
  },
  {
    iterations: 1200,
    password: 'X'.repeat(64),
    salt: 'pass phrase equals block size',
    pbkdf2_128: '139c30c0966bc32ba55fdbf212530ac9',
    key128: '59d1bb789a828b1aa54ef9c2883f69ed',
    pbkdf2_256: '139c30c0966bc32ba55fdbf212530ac9c5ec59f1a452f5cc9ad940fea0598ed1',
    key256: '89adee3608db8bc71f1bfbfe459486b05618b70cbae22092534e56c553ba4b34',
  },
  {
    iterations: 1200,
    password: 'X'.repeat(65),
    salt: 'pass phrase exceeds block size',
    pbkdf2_128: '9ccad6d468770cd51b10e6a68721be61',
    key128: 'cb8005dc5f90179a7f02104c0018751d',
    pbkdf2_256: '9ccad6d468770cd51b10e6a68721be611a8b4d282601db3b36be9246915ec82a',
    key256: 'd78c5c9cb872a8c9dad4697f0bb5b2d21496c82beb2caeda2112fceea057401b',
  },
  {
    iterations: 50,
    password: '\u{1D11E}', // G clef, UTF-8 f0 9d 84 9e
    salt: 'EXAMPLE.COMpianist',
    pbkdf2_128: '6b9cf26d45455a43a5b8bb276a403b39',
    key128: 'f149c1f2e154a73452d43e7fe62a56e5',
    pbkdf2_256: '6b9cf26d45455a43a5b8bb276a403b39e7fe37a0c41e02c281ff3069e1e94f52',
    key256: '4b6d9839f84406df1f09cc166db4b83c571848b784a3d6bdc346589a3e393f9e',
  },
];

const label = (r: S2kRow): string =>
  `${r.iterations} iterations, ${typeof r.password === 'string' ? `${[...r.password].length}-character pass phrase` : 'byte pass phrase'}, salt ${
    typeof r.salt === 'string' ? JSON.stringify(r.salt) : bytesToHex(r.salt)
  }`;

describe('aes-cts-hmac-sha1-96 string-to-key (RFC 3962 §4, Appendix B)', () => {
  it('takes the G clef pass phrase as UTF-8', () => {
    expect(bytesToHex(new TextEncoder().encode('\u{1D11E}'))).toBe('f09d849e');
  });

  it.each(S2K.map((r) => [label(r), r] as const))('PBKDF2 output, %s', (_, r) => {
    const pw = typeof r.password === 'string' ? ascii(r.password) : r.password;
    const salt = typeof r.salt === 'string' ? ascii(r.salt) : r.salt;
    expect(bytesToHex(pbkdf2(sha1, pw, salt, { c: r.iterations, dkLen: 16 }))).toBe(r.pbkdf2_128);
    expect(bytesToHex(pbkdf2(sha1, pw, salt, { c: r.iterations, dkLen: 32 }))).toBe(r.pbkdf2_256);
  });

  it.each(S2K.map((r) => [label(r), r] as const))('128-bit AES key (17), %s', (_, r) => {
    const key = aes128.stringToKey(r.password, r.salt, iterationParams(r.iterations));
    expect(key.enctype).toBe(17);
    expect(bytesToHex(key.bytes)).toBe(r.key128);
  });

  it.each(S2K.map((r) => [label(r), r] as const))('256-bit AES key (18), %s', (_, r) => {
    const key = aes256.stringToKey(r.password, r.salt, iterationParams(r.iterations));
    expect(key.enctype).toBe(18);
    expect(bytesToHex(key.bytes)).toBe(r.key256);
  });

  it('accepts the pass phrase and salt as bytes', () => {
    const key = aes128.stringToKey(hexToBytes('f09d849e'), ascii('EXAMPLE.COMpianist'), iterationParams(50));
    expect(bytesToHex(key.bytes)).toBe('f149c1f2e154a73452d43e7fe62a56e5');
  });

  it('defaults to 4096 iterations (00 00 10 00)', () => {
    const explicit = aes128.stringToKey('password', 'ATHENA.MIT.EDUraeburn', hexToBytes('00001000'));
    expect(aes128.stringToKey('password', 'ATHENA.MIT.EDUraeburn')).toEqual(explicit);
    expect(aes128.defaultIterations).toBe(4096);
  });

  it('gives the same key asynchronously', async () => {
    const r = S2K[2]!;
    expect(await aes256.stringToKeyAsync(r.password, r.salt, iterationParams(r.iterations))).toEqual(
      aes256.stringToKey(r.password, r.salt, iterationParams(r.iterations)),
    );
  });

  it('refuses s2kparams that are not four octets, and counts outside the limits', () => {
    expect(() => aes128.stringToKey('p', 's', new Uint8Array(3))).toThrow(KrbError);
    // 00 00 00 00 means 2^32 iterations (RFC 3962 §4): far beyond the default limit.
    expect(() => aes128.stringToKey('p', 's', hexToBytes('00000000'))).toThrow(/4294967296/);
    expect(() => aes128.stringToKey('p', 's', iterationParams(5000), { maxIterations: 4999 })).toThrow(/exceeds/);
    expect(() => aes128.stringToKey('p', 's', iterationParams(2), { minIterations: 4096 })).toThrow(/below/);
  });
});

/**
 * RFC 3962 publishes no encryption, checksum or PRF vectors. These values are from the test data
 * of MIT Kerberos (src/lib/crypto/crypto_tests: t_decrypt.c, t_cksums.c, t_prf.c), a widely
 * deployed independent implementation, as an interoperability check.
 */
describe('aes-cts-hmac-sha1-96 against MIT Kerberos test data', () => {
  const DECRYPT = [
    { e: aes128, usage: 0, key: '5a5c0f0ba54f3828b2195e66ca24a289', plain: '', ct: '49ff8e11c173d9583a3254fbe7b1f1df36c538e8416784a1672e6676' },
    { e: aes128, usage: 1, key: '98450e3f3baa13f5c99beb936981b06f', plain: '1', ct: 'f86742f537b35dc2174a4dbaa920faf9042090b065e1ebb1cad9a65394' },
    {
      e: aes128,
      usage: 2,
      key: '9062430c8cda3388922e6d6a509f5b7a',
      plain: '9 bytesss',
      ct: '68fb9679601f45c78857b2bf820fd6e53eca8d42fd4b1d7024a09205abb7cd2ec26c355d2f',
    },
    {
      e: aes128,
      usage: 4,
      key: 'dceeb70b3de76562e689226c76429148',
      plain: '30 bytes bytes bytes bytes byt',
      ct: 'c96081032d5d8eeb7e32b4089f789d0faa481dea74c0f97cbf3146ddfcf8e800156ecb532fc203e30ff600b63b350939fece510f02d7ff1e7bac',
    },
    {
      e: aes256,
      usage: 0,
      key: '17f275f2954f2ed1f90c377ba7f4d6a369aa0136e0bf0c927ad6133c693759a9',
      plain: '',
      ct: 'e5094c55ee7b38262e2b044280b069379a95bf95bd8376fb3281b435',
    },
    {
      e: aes256,
      usage: 3,
      key: 'e5a72be9b7926c1225bafef9c1872e7ba4cdb2b17893d84abd90acdd8764d966',
      plain: '13 bytes byte',
      ct: 'd8f1aafeec84587cc3e700a774e56651a6d693e174ec4473b5e6d96f80297a653fb818ad893e719f96',
    },
    {
      e: aes256,
      usage: 4,
      key: 'f1c795e9248a09338d82c3f8d5b567040b0110736845041347235b1404231398',
      plain: '30 bytes bytes bytes bytes byt',
      ct: 'd1137a4d634cfece924dbc3bf6790648bd5cff7de0e7b99460211d0daef3d79a295c688858f3b34b9cbd6eebae81daf6b734d4d498b6714f1c1d',
    },
  ];

  it.each(DECRYPT.map((v) => [v.e.name, v.usage, v.plain.length, v] as const))('%s, usage %i: decrypts a %i-byte plaintext', (_, __, ___, v) => {
    const key = { enctype: v.e.id, bytes: hexToBytes(v.key) };
    expect(v.e.decrypt(key, v.usage, hexToBytes(v.ct))).toEqual(ascii(v.plain));
  });

  it.each(DECRYPT.map((v) => [v.e.name, v.usage, v] as const))('%s, usage %i: re-encrypts to the same bytes with the recovered confounder', (_, __, v) => {
    // Recover the confounder with Ke, then check encrypt() reproduces the ciphertext exactly.
    const key = { enctype: v.e.id, bytes: hexToBytes(v.key) };
    const ct = hexToBytes(v.ct);
    const conf = ctsDecrypt(v.e.deriveKey(key, v.usage, KeyPurpose.ENCRYPTION), ct.subarray(0, ct.length - 12)).subarray(0, 16);
    expect(bytesToHex(v.e.encrypt(key, v.usage, ascii(v.plain), conf))).toBe(v.ct);
  });

  it('checksums (hmac-sha1-96-aes128 and -aes256)', () => {
    const k128 = { enctype: 17, bytes: hexToBytes('9062430c8cda3388922e6d6a509f5b7a') };
    expect(bytesToHex(aes128.checksum(k128, 3, ascii('eight nine ten eleven twelve thirteen')))).toBe('01a4b088d45628f6946614e3');
    const k256 = { enctype: 18, bytes: hexToBytes('b1ae4cd8462aff1677053cc9279aac30b796fb81ce21474dd3ddbcfea4ec76d7') };
    expect(bytesToHex(aes256.checksum(k256, 4, ascii('fourteen')))).toBe('e08739e3279e2903ec8e3836');
  });

  it('PRF', () => {
    const k128 = { enctype: 17, bytes: hexToBytes('ae272e7cdec86ac5138cdb196d8e297d') };
    expect(bytesToHex(aes128.prf(k128, hexToBytes('0161')))).toBe('77b39a37a868920f2a51f9dd150c5717');
    const k256 = { enctype: 18, bytes: hexToBytes('c01f157211f7b77eaaf457c3e156690127ee127d810ba6392e97baa243eb0616') };
    expect(bytesToHex(aes256.prf(k256, hexToBytes('0161')))).toBe('b2628c788e2e9c4a9bb4644678c29f2f');
    expect(bytesToHex(aes256.prf(k256, hexToBytes('0261')))).toBe('b406373350cee8a6126f4a9b65a0cd21');
  });
});

describe('aes-cts-hmac-sha1-96 encryption (RFC 3961 §5.3)', () => {
  const key = aes256.stringToKey('password', 'ATHENA.MIT.EDUraeburn', iterationParams(2));

  it('is C | HMAC-SHA1-96(Ki, confounder | plaintext) with C = CTS(Ke, confounder | plaintext)', () => {
    const conf = hexToBytes('000102030405060708090a0b0c0d0e0f');
    const plain = ascii('hello, kerberos');
    const ct = aes256.encrypt(key, 7, plain, conf);
    expect(ct.length).toBe(aes256.ciphertextLength(plain.length));
    const ki = aes256.deriveKey(key, 7, KeyPurpose.INTEGRITY);
    const data = new Uint8Array([...conf, ...plain]);
    expect(ct.subarray(ct.length - 12)).toEqual(hmac(sha1, ki, data).subarray(0, 12));
    expect(ctsDecrypt(aes256.deriveKey(key, 7, KeyPurpose.ENCRYPTION), ct.subarray(0, ct.length - 12))).toEqual(data);
  });

  it('round-trips plaintexts of every length from 0 to 40 with random confounders', () => {
    for (const e of [aes128, aes256]) {
      const k = e.generateKey();
      for (let n = 0; n <= 40; n++) {
        const p = Uint8Array.from({ length: n }, (_, i) => i);
        const a = e.encrypt(k, 3, p);
        expect(e.decrypt(k, 3, a)).toEqual(p);
        expect(e.encrypt(k, 3, p)).not.toEqual(a);
      }
    }
  });
});
