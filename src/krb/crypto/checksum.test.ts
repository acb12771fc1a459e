import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { KrbError } from '../errors';
import { checkChecksum, getChecksumType, isSupportedChecksumType, makeChecksum, verifyChecksum } from './checksum';
import { getEnctype } from './enctype';

const DATA = hexToBytes('000102030405060708090a0b0c0d0e0f1011121314');
const K19 = { enctype: 19, bytes: hexToBytes('3705d96080c17728a0e800eab6e0d23c') };

describe('checksum types', () => {
  it('maps each AES checksum type to its enctype', () => {
    expect([15, 16, 19, 20].map((t) => getChecksumType(t))).toEqual([
      { id: 15, name: 'hmac-sha1-96-aes128', enctype: 17, macBytes: 12 },
      { id: 16, name: 'hmac-sha1-96-aes256', enctype: 18, macBytes: 12 },
      { id: 19, name: 'hmac-sha256-128-aes128', enctype: 19, macBytes: 16 },
      { id: 20, name: 'hmac-sha384-192-aes256', enctype: 20, macBytes: 24 },
    ]);
  });

  it.each([
    [7, 'rsa-md5'],
    [-138, 'hmac-md5'],
    [1, 'CRC32'],
    [12, 'hmac-sha1-des3-kd'],
  ])('refuses checksum type %i (%s)', (id, name) => {
    expect(isSupportedChecksumType(id)).toBe(false);
    expect(() => getChecksumType(id)).toThrow(`Checksum type ${id} (${name}) is not supported: Keyhop uses AES only`);
    expect(() => getChecksumType(id)).toThrow(expect.objectContaining({ code: 'unsupported-enctype' }));
  });

  it('makes and verifies a wire Checksum (RFC 8009 Appendix A value)', () => {
    const c = makeChecksum(K19, 2, DATA);
    expect(c).toEqual({ cksumtype: 19, checksum: hexToBytes('d78367186643d67b411cba9139fc1dee') });
    expect(verifyChecksum(K19, 2, DATA, c)).toBe(true);
    expect(() => checkChecksum(K19, 2, DATA, c)).not.toThrow();
  });

  it('rejects a wrong value, or a checksum type that does not belong to the key', () => {
    const c = makeChecksum(K19, 2, DATA);
    const wrong = { cksumtype: 19, checksum: c.checksum.map((b, i) => (i === 3 ? b ^ 1 : b)) };
    expect(verifyChecksum(K19, 2, DATA, wrong)).toBe(false);
    expect(() => checkChecksum(K19, 2, DATA, wrong)).toThrow(expect.objectContaining({ code: 'integrity' }));
    // A type-15 checksum made with the same bytes as an aes128-sha1 key is not acceptable for a 19 key.
    const k17 = { enctype: 17, bytes: K19.bytes };
    const other = { cksumtype: 15, checksum: getEnctype(17).checksum(k17, 2, DATA) };
    expect(verifyChecksum(K19, 2, DATA, other)).toBe(false);
    expect(() => verifyChecksum(K19, 2, DATA, { cksumtype: 7, checksum: new Uint8Array(16) })).toThrow(KrbError);
  });
});
