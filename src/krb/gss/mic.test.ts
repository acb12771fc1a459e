import { describe, expect, it } from 'vitest';
import { getEnctype } from '../crypto/index.js';
import { KrbError } from '../errors.js';
import { getMic, verifyMic } from './mic.js';

const msg = new TextEncoder().encode('<Kerberos><0a1b2c3d><1><KEYHOP.TEST><sip/a.keyhop.test><c1><1><REGISTER>');

describe('RFC 4121 MIC tokens', () => {
  for (const etype of [17, 18, 19, 20]) {
    const et = getEnctype(etype);
    const keys = { sessionKey: et.generateKey(), initiatorSubkey: et.generateKey() };

    it(`lays out the token and round-trips for enctype ${etype}`, () => {
      const token = getMic(keys, msg, { seq: 0x0102030405060708n, sentByAcceptor: false });
      expect(Array.from(token.subarray(0, 16))).toEqual([0x04, 0x04, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8]);
      expect(token.length).toBe(16 + et.macBytes);
      expect(verifyMic(keys, msg, token, false).seq).toBe(0x0102030405060708n);
    });

    it(`refuses an altered message, token, direction or key for enctype ${etype}`, () => {
      const token = getMic(keys, msg, { seq: 5n, sentByAcceptor: true });
      expect(token[2]).toBe(0x01);
      expect(verifyMic(keys, msg, token, true).seq).toBe(5n);
      const altered = msg.slice();
      altered[3] = altered[3]! ^ 1;
      expect(() => verifyMic(keys, altered, token, true)).toThrow(KrbError);
      const badSeq = token.slice();
      badSeq[15] = badSeq[15]! ^ 1;
      expect(() => verifyMic(keys, msg, badSeq, true)).toThrow(/does not verify/);
      expect(() => verifyMic(keys, msg, token, false)).toThrow(/reflected/);
      expect(() => verifyMic({ sessionKey: et.generateKey() }, msg, token, true)).toThrow(/does not verify/);
      expect(() => verifyMic(keys, msg, token.subarray(0, 10), true)).toThrow(/shorter/);
    });
  }

  it('uses the acceptor subkey when there is one and says so in the flags', () => {
    const et = getEnctype(18);
    const keys = { sessionKey: et.generateKey(), initiatorSubkey: et.generateKey(), acceptorSubkey: et.generateKey() };
    const token = getMic(keys, msg, { seq: 1n, sentByAcceptor: true });
    expect(token[2]).toBe(0x05);
    expect(() => verifyMic({ sessionKey: keys.sessionKey, initiatorSubkey: keys.initiatorSubkey }, msg, token, true)).toThrow(/acceptor subkey/);
    expect(verifyMic(keys, msg, token, true).seq).toBe(1n);
  });
});
