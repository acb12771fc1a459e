import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { base64urlDecode, base64urlEncode, digest12, entryDigest, field, fields } from './encoding.js';

const text = (s: string) => new TextEncoder().encode(s);

describe('base64url', () => {
  it('matches the RFC 4648 §10 vectors, without padding', () => {
    const vectors: Array<[string, string]> = [['', ''], ['f', 'Zg'], ['fo', 'Zm8'], ['foo', 'Zm9v'], ['foob', 'Zm9vYg'], ['fooba', 'Zm9vYmE'], ['foobar', 'Zm9vYmFy']];
    for (const [plain, encoded] of vectors) {
      expect(base64urlEncode(text(plain))).toBe(encoded);
      expect(base64urlDecode(encoded)).toEqual(text(plain));
    }
  });

  it('uses - and _ instead of + and /', () => {
    expect(base64urlEncode(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(base64urlDecode('-_8')).toEqual(new Uint8Array([0xfb, 0xff]));
  });

  it('round-trips every length', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      expect(base64urlDecode(base64urlEncode(bytes))).toEqual(bytes);
    }
  });

  it('refuses padding, other alphabets, impossible lengths and non-zero trailing bits', () => {
    for (const bad of ['Zg==', 'Zm9v+', 'Zm9v/', 'Z', 'Zm9vY', 'Zh', 'Zm9', 'a b', '\u00e9']) expect(base64urlDecode(bad), bad).toBeUndefined();
  });
});

describe('fields and digests', () => {
  it('prefixes each field with its UTF-8 length, 32-bit big-endian', () => {
    expect(field('ab')).toEqual(new Uint8Array([0, 0, 0, 2, 0x61, 0x62]));
    expect(field('é')).toEqual(new Uint8Array([0, 0, 0, 2, 0xc3, 0xa9]));
    expect(fields(['a', ''])).toEqual(new Uint8Array([0, 0, 0, 1, 0x61, 0, 0, 0, 0]));
    expect(fields(['a', 'é€', 'b'])).toEqual(new Uint8Array([0, 0, 0, 1, 0x61, 0, 0, 0, 5, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0, 0, 0, 1, 0x62]));
  });

  it('keeps the first 12 bytes of SHA-256', () => {
    const input = text('abc');
    expect(digest12(input)).toBe(base64urlEncode(sha256(input).subarray(0, 12)));
    expect(digest12(input)).toHaveLength(16);
    expect(entryDigest('abc')).toBe(digest12(input));
  });
});
