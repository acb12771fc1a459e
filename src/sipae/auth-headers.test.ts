import { describe, expect, it } from 'vitest';
import { formatAuthInfo, formatChallenge, formatCredentials, parseAuthInfo, parseChallenges, parseCredentials } from './auth-headers.js';

describe('MS-SIPAE Kerberos headers', () => {
  it('formats the challenge as MS-SIPAE shows it and reads it back, skipping other schemes', () => {
    const value = formatChallenge({ realm: 'KEYHOP.TEST', targetname: 'sip/a.keyhop.test', version: 4 });
    expect(value).toBe('Kerberos realm="KEYHOP.TEST", targetname="sip/a.keyhop.test", version=4');
    expect(parseChallenges(['Digest realm="x", nonce="y"', value])).toEqual([{ realm: 'KEYHOP.TEST', targetname: 'sip/a.keyhop.test', version: 4 }]);
  });

  it('round-trips credentials with a ticket and a signature', () => {
    const c = { realm: 'KEYHOP.TEST', targetname: 'sip/a.keyhop.test', opaque: 'E0DA4F74', version: 4, gssapiData: 'YII+/w==', crand: '13317733', cnum: '1', response: '0404' };
    const value = formatCredentials(c);
    expect(value).toMatch(/^Kerberos qop="auth", opaque="E0DA4F74", realm="KEYHOP.TEST", targetname="sip\/a.keyhop.test", gssapi-data="YII\+\/w==", version=4, crand="13317733", cnum="1", response="0404"$/);
    expect(parseCredentials(value)).toEqual(c);
    expect(parseCredentials('Digest username="a", realm="b"')).toBeNull();
  });

  it('reads the Proxy-Authentication-Info of the MS-SIPREGE example', () => {
    const v = 'Kerberos rspauth="602306092A864886F71201020201011100FFFFFFFF104A8EDFA12CC095AAA663DF55824DCB", srand="5E058A82", snum="1", opaque="E0DA4F74", qop="auth", targetname="sip/DB19-LCT.Production.cdmedia.tv", realm="SIP Communications Service"';
    const a = parseAuthInfo(v)!;
    expect(a).toMatchObject({ srand: '5E058A82', snum: '1', opaque: 'E0DA4F74', targetname: 'sip/DB19-LCT.Production.cdmedia.tv', realm: 'SIP Communications Service' });
    expect(parseAuthInfo(formatAuthInfo(a))).toEqual(a);
    expect(() => parseAuthInfo('Kerberos realm="x", targetname="y"')).toThrow(/lacks opaque/);
  });
});
