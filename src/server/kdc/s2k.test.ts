import { describe, expect, it } from 'vitest';
import { getEnctype, iterationParams } from '../../krb/crypto/index.js';
import { stringToKeyNative } from './s2k.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('native string-to-key', () => {
  it('agrees with the pure enctypes for every AES type', () => {
    for (const [enctype, iterations] of [
      [17, 4096],
      [18, 4096],
      [19, 64],
      [20, 64],
    ] as const) {
      const pure = getEnctype(enctype).stringToKey('alice-pass', 'KEYHOP.TESTalice', iterationParams(iterations));
      expect(hex(stringToKeyNative(enctype, 'alice-pass', 'KEYHOP.TESTalice', iterations).bytes), `enctype ${enctype}`).toBe(hex(pure.bytes));
    }
  });

  it('reproduces the RFC 8009 Appendix A string-to-key vectors (32768 iterations)', () => {
    const salt = new Uint8Array(Buffer.concat([Buffer.from('10df9dd783e5bc8acea1730e74355f61', 'hex'), Buffer.from('ATHENA.MIT.EDUraeburn')]));
    expect(hex(stringToKeyNative(19, 'password', salt, 32768).bytes)).toBe('089bca48b105ea6ea77ca5d2f39dc5e7');
    expect(hex(stringToKeyNative(20, 'password', salt, 32768).bytes)).toBe('45bd806dbf6a833a9cffc1c94589a222367a79bc21c413718906e9f578a78467');
  });

  it('is fast enough to create principals at start (all four types, default iterations)', () => {
    const t = Date.now();
    for (const e of [18, 17, 20, 19]) stringToKeyNative(e, 'bob-pass', 'KEYHOP.TESTbob', getEnctype(e).defaultIterations);
    expect(Date.now() - t).toBeLessThan(2000);
  });

  it('refuses non-AES types', () => {
    expect(() => stringToKeyNative(23, 'x', 'y', 1)).toThrow(/not supported/);
  });
});
