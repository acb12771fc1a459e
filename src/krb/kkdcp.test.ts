import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeAsReq } from './asn1/kdc-req';
import { KrbError } from './errors';
import { addLengthPrefix, decodeKdcProxyMessage, encodeKdcProxyMessage, stripLengthPrefix, unwrapKdcProxyReply, wrapKdcProxyRequest } from './kkdcp';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./asn1/fixtures/${name}`, import.meta.url)));
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

describe('KDC-PROXY-MESSAGE', () => {
  it('has the MS-KKDCP §2.2.2 layout', () => {
    const der = encodeKdcProxyMessage({ kerbMessage: unhex('00000002 3000'), targetDomain: 'R', dclocatorHint: 0x40001000 });
    // SEQUENCE { [0] OCTET STRING, [1] GeneralString "R", [2] INTEGER }
    expect(hex(der)).toBe('3017' + 'a008 0406 00000002 3000'.replace(/ /g, '') + 'a1031b0152' + 'a206020440001000');
  });

  it('round-trips with and without optional fields', () => {
    for (const m of [
      { kerbMessage: addLengthPrefix(unhex('6a00')) },
      { kerbMessage: addLengthPrefix(unhex('6a00')), targetDomain: 'EXAMPLE.TEST' },
      { kerbMessage: addLengthPrefix(unhex('6a00')), targetDomain: 'EXAMPLE.TEST', dclocatorHint: 0xffffffff },
    ]) {
      const der = encodeKdcProxyMessage(m);
      expect(decodeKdcProxyMessage(der)).toStrictEqual(m);
      expect(hex(encodeKdcProxyMessage(decodeKdcProxyMessage(der)))).toBe(hex(der));
    }
  });

  it('decodes a request from the MIT Kerberos KKDCP client', () => {
    const der = fixture('kkdcp/mit-as-req.der');
    const m = decodeKdcProxyMessage(der);
    expect(m.targetDomain).toBe('EXAMPLE.TEST');
    expect(m.dclocatorHint).toBeUndefined();
    const asReq = decodeAsReq(stripLengthPrefix(m.kerbMessage));
    expect(asReq.reqBody.cname?.nameString).toEqual(['alice']);
    expect(hex(encodeKdcProxyMessage(m))).toBe(hex(der));
    expect(hex(wrapKdcProxyRequest(stripLengthPrefix(m.kerbMessage), 'EXAMPLE.TEST'))).toBe(hex(der));
  });

  it('wraps requests and unwraps replies', () => {
    const asRep = fixture('mit/as-rep.der');
    const body = encodeKdcProxyMessage({ kerbMessage: addLengthPrefix(asRep) });
    expect(hex(unwrapKdcProxyReply(body))).toBe(hex(asRep));
    const req = wrapKdcProxyRequest(fixture('mit/as-req-1.der'), 'EXAMPLE.TEST');
    expect(decodeKdcProxyMessage(req).kerbMessage).toEqual(fixture('mit/as-req-1.tcp'));
  });

  it('refuses malformed messages', () => {
    const good = wrapKdcProxyRequest(unhex('6a00'), 'R');
    for (let n = 0; n < good.length; n++) expectMalformed(() => decodeKdcProxyMessage(good.subarray(0, n)));
    expectMalformed(() => decodeKdcProxyMessage(Uint8Array.of(...good, 0)));
    expectMalformed(() => decodeKdcProxyMessage(unhex('3005 a1031b0152'))); // no kerb-message
    expectMalformed(() => decodeKdcProxyMessage(unhex('3006 a0040c024142'))); // not an OCTET STRING
    expectMalformed(() => decodeKdcProxyMessage(unhex('3108 a0060404000000ff')));
    expectMalformed(() => unwrapKdcProxyReply(encodeKdcProxyMessage({ kerbMessage: unhex('00000005 6a00') })));
  });
});

describe('TCP length prefix (RFC 4120 §7.2.2)', () => {
  it('adds and strips a 4-byte big-endian length', () => {
    expect(hex(addLengthPrefix(unhex('aabbcc')))).toBe('00000003aabbcc');
    expect(hex(stripLengthPrefix(unhex('00000003aabbcc')))).toBe('aabbcc');
    const big = new Uint8Array(70000);
    expect(hex(addLengthPrefix(big).subarray(0, 4))).toBe('00011170');
    expect(stripLengthPrefix(addLengthPrefix(big))).toEqual(big);
  });

  it('validates the prefix', () => {
    expectMalformed(() => stripLengthPrefix(unhex('000000')));
    expectMalformed(() => stripLengthPrefix(unhex('00000000')));
    expectMalformed(() => stripLengthPrefix(unhex('00000004aabbcc')));
    expectMalformed(() => stripLengthPrefix(unhex('00000002aabbcc')));
    expectMalformed(() => stripLengthPrefix(unhex('80000003aabbcc')));
    expectMalformed(() => addLengthPrefix(new Uint8Array(0)));
  });
});
