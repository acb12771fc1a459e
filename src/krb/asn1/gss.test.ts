import { describe, expect, it } from 'vitest';
import { KrbError } from '../errors';
import { GSS_CHECKSUM_TYPE, GssFlag, decodeGssChecksum, encodeGssChecksum, gssAuthenticatorChecksum } from './gss-checksum';
import { GssTokenId, KRB5_MECH_OID, MS_KRB5_MECH_OID, unwrapGssToken, wrapGssToken } from './gss-token';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (h: string) => new Uint8Array((h.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));

function expectMalformed(fn: () => unknown): void {
  let e: unknown;
  try {
    fn();
  } catch (x) {
    e = x;
  }
  expect(e).toBeInstanceOf(KrbError);
  expect((e as KrbError).code).toBe('malformed');
}

describe('GSS checksum (RFC 4121 §4.1.1)', () => {
  it('lays out Lgth, Bnd and little-endian Flags', () => {
    const c = encodeGssChecksum({ flags: GssFlag.MUTUAL | GssFlag.INTEG | GssFlag.CONF | GssFlag.SEQUENCE | GssFlag.REPLAY });
    expect(hex(c)).toBe('10000000' + '00'.repeat(16) + '3e000000');
    expect(decodeGssChecksum(c)).toEqual({ channelBinding: new Uint8Array(16), flags: 0x3e });
    const big = encodeGssChecksum({ channelBinding: new Uint8Array(16).fill(7), flags: 0x1234 | GssFlag.MUTUAL });
    expect(hex(big.subarray(20))).toBe('36120000');
    expect(decodeGssChecksum(big).channelBinding).toEqual(new Uint8Array(16).fill(7));
  });

  it('carries delegation and extensions', () => {
    const krbCred = unhex('76 03 30 01 00');
    const c = encodeGssChecksum({ flags: GssFlag.MUTUAL, delegation: krbCred, extensions: unhex('00000001 00000000') });
    expect(hex(c.subarray(20, 28))).toBe('03000000' + '0100' + '0500');
    const d = decodeGssChecksum(c);
    expect(d.flags).toBe(GssFlag.MUTUAL | GssFlag.DELEG);
    expect(d.delegation).toEqual(krbCred);
    expect(d.extensions).toEqual(unhex('0000000100000000'));
    expect(encodeGssChecksum({ flags: GssFlag.DELEG | GssFlag.MUTUAL }).length).toBe(24);
    expect(decodeGssChecksum(encodeGssChecksum({ flags: 2, extensions: unhex('aa') })).extensions).toEqual(unhex('aa'));
  });

  it('wraps into an authenticator Checksum', () => {
    const ck = gssAuthenticatorChecksum({ flags: GssFlag.MUTUAL });
    expect(ck.cksumtype).toBe(GSS_CHECKSUM_TYPE);
    expect(ck.cksumtype).toBe(32771);
    expect(ck.checksum.length).toBe(24);
  });

  it('refuses malformed checksums', () => {
    expectMalformed(() => decodeGssChecksum(new Uint8Array(23)));
    expectMalformed(() => decodeGssChecksum(unhex('0f000000' + '00'.repeat(20))));
    expectMalformed(() => decodeGssChecksum(unhex('10000000' + '00'.repeat(16) + '01000000')));
    expectMalformed(() => decodeGssChecksum(unhex('10000000' + '00'.repeat(16) + '01000000' + '0200' + '0000')));
    expectMalformed(() => decodeGssChecksum(unhex('10000000' + '00'.repeat(16) + '01000000' + '0100' + '0500' + 'aabb')));
    expectMalformed(() => encodeGssChecksum({ channelBinding: new Uint8Array(15), flags: 0 }));
    expectMalformed(() => encodeGssChecksum({ flags: -1 }));
  });
});

describe('GSS initial context token framing (RFC 2743 §3.1)', () => {
  it('frames with 0x60, the Kerberos OID and TOK_ID', () => {
    const msg = unhex('6e 00');
    const tok = wrapGssToken(GssTokenId.AP_REQ, msg);
    expect(hex(tok)).toBe('600f' + '06092a864886f712010202' + '0100' + '6e00');
    expect(unwrapGssToken(tok)).toEqual({ mechOid: KRB5_MECH_OID, tokId: 0x0100, message: msg });
    expect(hex(wrapGssToken(GssTokenId.KRB_ERROR, msg)).slice(26, 30)).toBe('0300');
    expect(hex(wrapGssToken(GssTokenId.AP_REP, msg)).slice(26, 30)).toBe('0200');
  });

  it('uses long-form lengths for big messages', () => {
    const msg = new Uint8Array(300).fill(1);
    const tok = wrapGssToken(GssTokenId.AP_REQ, msg);
    expect(hex(tok.subarray(0, 4))).toBe('60820139');
    expect(unwrapGssToken(tok).message).toEqual(msg);
    const small = wrapGssToken(GssTokenId.AP_REQ, new Uint8Array(200));
    expect(hex(small.subarray(0, 3))).toBe('6081d5');
  });

  it('accepts the Microsoft Kerberos OID', () => {
    const tok = wrapGssToken(GssTokenId.AP_REP, unhex('6f00'), MS_KRB5_MECH_OID);
    expect(unwrapGssToken(tok).mechOid).toBe(MS_KRB5_MECH_OID);
  });

  it('refuses broken frames', () => {
    const good = wrapGssToken(GssTokenId.AP_REQ, unhex('6e00'));
    for (let n = 0; n < good.length - 2; n++) expectMalformed(() => unwrapGssToken(good.subarray(0, n)));
    expectMalformed(() => unwrapGssToken(Uint8Array.of(...good, 0)));
    expectMalformed(() => unwrapGssToken(unhex('610f06092a864886f7120102020100 6e00')));
    expectMalformed(() => unwrapGssToken(unhex('600f06092a864886f7120102030100 6e00'))); // another mechanism
    expectMalformed(() => unwrapGssToken(unhex('600d 0400 0100 0000 0000 0000 0000')));
    expectMalformed(() => unwrapGssToken(unhex('6080 06092a864886f712010202 0100')));
    expectMalformed(() => unwrapGssToken(unhex('6085 0000000000')));
    expectMalformed(() => unwrapGssToken(unhex('600b 06092a864886f712010202')));
    expectMalformed(() => unwrapGssToken(unhex('600c 06092a864886f712010202 01')));
  });
});
