/**
 * Every decoder, given bad input, throws a KrbError with code 'malformed' and nothing else:
 * truncation at every length, trailing bytes, wrong outer tags, targeted violations, and
 * random corruption of real MIT messages.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KrbError } from '../errors';
import * as k from './index';
import * as s from './samples.test-data';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/mit/${name}`, import.meta.url)));
const unhex = (h: string) => new Uint8Array((h.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));

function expectMalformed(fn: () => unknown): KrbError {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a KrbError').toBeInstanceOf(KrbError);
  expect((thrown as KrbError).code).toBe('malformed');
  return thrown as KrbError;
}

/** Runs a decoder; any outcome but success or a 'malformed' KrbError fails the test. */
function decodesOrMalformed(decode: (b: Uint8Array) => unknown, bytes: Uint8Array): void {
  try {
    decode(bytes);
  } catch (e) {
    if (!(e instanceof KrbError) || e.code !== 'malformed') throw new Error(`unexpected ${String(e)}`, { cause: e });
  }
}

type Decoder = (b: Uint8Array) => unknown;
const cases: [string, Decoder, Uint8Array][] = [
  ['as-req', k.decodeAsReq, fixture('as-req-2.der')],
  ['krb-error', k.decodeKrbError, fixture('krb-error-preauth-required.der')],
  ['as-rep', k.decodeAsRep, fixture('as-rep.der')],
  ['enc-kdc-rep-part', k.decodeEncKdcRepPart, fixture('enc-as-rep-part.der')],
  ['enc-ticket-part', k.decodeEncTicketPart, fixture('tgt-enc-ticket-part.der')],
  ['tgs-req', k.decodeTgsReq, fixture('tgs-req.der')],
  ['tgs-rep', k.decodeTgsRep, fixture('tgs-rep.der')],
  ['ap-req', k.decodeApReq, fixture('tgs-req-ap-req.der')],
  ['authenticator', k.decodeAuthenticator, fixture('gss-authenticator.der')],
  ['enc-ap-rep-part', k.decodeEncApRepPart, fixture('enc-ap-rep-part.der')],
  ['method-data', k.decodeMethodData, fixture('method-data.der')],
  ['etype-info2', k.decodeEtypeInfo2, fixture('etype-info2.der')],
  ['pa-enc-ts-enc', k.decodePaEncTsEnc, fixture('pa-enc-ts-enc.der')],
  ['ap-rep', k.decodeApRep, k.encodeApRep(s.apRep)],
  ['ticket', k.decodeTicket, k.encodeTicket(s.ticket)],
  ['principal-name', k.decodePrincipalName, k.encodePrincipalName(s.sipService)],
  ['encrypted-data', k.decodeEncryptedData, k.encodeEncryptedData(s.enc(8, 3))],
  ['typed-data', k.decodeTypedData, k.encodeTypedData([{ dataType: 1, dataValue: s.bytes(1) }])],
  ['gss-token', k.unwrapGssToken, fixture('gss-ap-req-token.der')],
];

describe.each(cases)('%s', (_name, decode, good) => {
  it('decodes the good input', () => {
    expect(() => decode(good)).not.toThrow();
  });

  it('refuses every truncation', () => {
    for (let n = 0; n < good.length; n++) expectMalformed(() => decode(good.subarray(0, n)));
  });

  it('refuses trailing bytes', () => {
    for (const extra of [[0x00], [0x30, 0x00], [0xff, 0xff, 0xff]]) expectMalformed(() => decode(Uint8Array.of(...good, ...extra)));
  });

  it('refuses a changed outer tag', () => {
    for (const tag of [0x30, 0x31, 0x04, 0x60, 0x7f, 0xa0, 0x6b, 0x00]) {
      if (tag === good[0]) continue;
      const bad = good.slice();
      bad[0] = tag;
      expectMalformed(() => decode(bad));
    }
  });

  it('survives random corruption without throwing anything but malformed', () => {
    let seed = 0x12345678;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 8;
    };
    for (let i = 0; i < 250; i++) {
      const bad = good.slice();
      const flips = 1 + (rand() % 3);
      for (let j = 0; j < flips; j++) bad[rand() % bad.length] = rand() & 0xff;
      decodesOrMalformed(decode, bad);
    }
  });
});

describe('targeted violations', () => {
  const pn = (inner: string) => unhex(inner);

  it('not a Uint8Array, or empty', () => {
    expectMalformed(() => k.decodeAsReq(undefined as unknown as Uint8Array));
    expectMalformed(() => k.decodeAsReq([0x30, 0x00] as unknown as Uint8Array));
    expectMalformed(() => k.decodeAsReq(new Uint8Array(0)));
  });

  it('a message of the wrong type', () => {
    expect(expectMalformed(() => k.decodeAsRep(fixture('as-req-1.der'))).message).toMatch(/APPLICATION 11/);
    expectMalformed(() => k.decodeTgsReq(fixture('as-req-1.der')));
    expectMalformed(() => k.decodeKrbError(fixture('as-rep.der')));
  });

  it('msg-type disagreeing with the APPLICATION tag, or pvno other than 5', () => {
    const der = k.encodeApRep(s.apRep);
    const i = der.findIndex((_, j) => der[j] === 0xa1 && der[j + 4] === 15);
    const wrongType = der.slice();
    wrongType[i + 4] = 14;
    expect(expectMalformed(() => k.decodeApRep(wrongType)).message).toMatch(/msg-type/);
    const wrongPvno = der.slice();
    wrongPvno[i - 1] = 4;
    expect(expectMalformed(() => k.decodeApRep(wrongPvno)).message).toMatch(/pvno/);
  });

  it('missing required fields, fields out of order, repeated fields', () => {
    expect(expectMalformed(() => k.decodePrincipalName(pn('3005 a003020101'))).message).toMatch(/name-string/);
    expectMalformed(() => k.decodePrincipalName(pn('3009 a1023000 a003020101')));
    expectMalformed(() => k.decodePrincipalName(pn('300e a003020101 a003020101 a1023000')));
  });

  it('unknown higher-numbered fields are skipped (RFC 4120 §5.1.4)', () => {
    expect(k.decodePrincipalName(pn('300e a003020101 a1023000 a5030201ff'))).toEqual({ nameType: 1, nameString: [] });
  });

  it('a field that is not context-tagged, or holds two elements', () => {
    expectMalformed(() => k.decodePrincipalName(pn('3007 020101 a1023000')));
    expectMalformed(() => k.decodePrincipalName(pn('300c a006020101020101 a1023000')));
    expectMalformed(() => k.decodePrincipalName(pn('3009 8003020101 a1023000')));
  });

  it('wrong universal types inside fields', () => {
    expectMalformed(() => k.decodePrincipalName(pn('3009 a003040101 a1023000')));
    expectMalformed(() => k.decodePrincipalName(pn('300c a003020101 a1053003160161')));
    expectMalformed(() => k.decodePrincipalName(pn('300c a003020101 a1053003 0c0161')));
  });

  it('INTEGER out of range, empty or oversized', () => {
    expectMalformed(() => k.decodePrincipalName(pn('300d a007020500800000 00 a1023000'))); // 2^31 is not an Int32
    expectMalformed(() => k.decodePrincipalName(pn('3008 a0020200 a1023000')));
    expectMalformed(() => k.decodePrincipalName(pn('3011 a00b020901 0000000000000000 a1023000')));
  });

  it('UInt32 fields accept historical negative encodings as unsigned', () => {
    expect(k.decodeEncryptedData(pn('300e a003020112 a1030201ff a2020400')).kvno).toBe(0xffffffff);
    expectMalformed(() => k.decodeEncryptedData(pn('3012 a003020112 a10702050100000000 a2020400'))); // 2^32
  });

  it('Microseconds out of range', () => {
    expectMalformed(() => k.decodePaEncTsEnc(pn('301a a011180f 3230323530313032303330343035 5a a10502030f4240'))); // 1000000
  });

  it('bad KerberosTime strings', () => {
    const ts = (text: string) => {
      const body = Array.from(new TextEncoder().encode(text));
      return Uint8Array.of(0x30, body.length + 4, 0xa0, body.length + 2, 0x18, body.length, ...body);
    };
    expect(k.decodePaEncTsEnc(ts('20250102030405Z')).patimestamp).toEqual(s.t0);
    for (const bad of ['20250102030405', '20250102030405.5Z', '202501020304Z', '20251302030405Z', '20250230030405Z', '20250102250405Z', '2025010203040AZ', '20250102030405+0100', 'x', '']) {
      expectMalformed(() => k.decodePaEncTsEnc(ts(bad)));
    }
    expectMalformed(() => k.decodePaEncTsEnc(pn('3006 a004 17024142'))); // UTCTime, not GeneralizedTime
  });

  it('KerberosString that is not UTF-8; e-text is lenient', () => {
    expectMalformed(() => k.decodePrincipalName(pn('300c a003020101 a1053003 1b01ff')));
    const err = k.encodeKrbError({ ...s.krbErrorMinimal, eText: 'A' });
    const i = err.lastIndexOf(0x41);
    const bad = err.slice();
    bad[i] = 0xff;
    expect(k.decodeKrbError(bad).eText).toBe('\ufffd');
  });

  it('indefinite lengths and constructed strings are not DER', () => {
    expectMalformed(() => k.decodePrincipalName(pn('3080 a003020101 a1023000 0000')));
    expectMalformed(() => k.decodeEncryptedData(pn('3011 a003020112 a20a 2408 0401aa 0403bbccdd')));
  });

  it('long-form lengths are accepted', () => {
    expect(k.decodePrincipalName(pn('30810c a003020101 a183000002 3000'))).toEqual({ nameType: 1, nameString: [] });
  });

  it('encoding refuses values the ASN.1 types cannot hold', () => {
    expectMalformed(() => k.encodeEncryptedData({ etype: 2 ** 31, cipher: new Uint8Array(0) }));
    expectMalformed(() => k.encodeEncryptedData({ etype: 1, kvno: -1, cipher: new Uint8Array(0) }));
    expectMalformed(() => k.encodePaEncTsEnc({ patimestamp: new Date(Number.NaN) }));
    expectMalformed(() => k.encodePaEncTsEnc({ patimestamp: s.t0, pausec: 1_000_000 }));
    expectMalformed(() => k.encodePaEncTsEnc({ patimestamp: new Date(Date.UTC(10000, 0, 1)) }));
    expectMalformed(() => k.encodeApReq({ ...s.apReq, apOptions: 1.5 }));
  });
});
