import { describe, expect, it } from 'vitest';
import { KrbError } from '../errors';
import * as k from './index';
import * as s from './samples.test-data';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (h: string) => new Uint8Array((h.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));

/** Encodes, decodes, and checks both the value and that re-encoding gives the same bytes. */
function roundTrip<T>(value: T, encode: (v: T) => Uint8Array, decode: (b: Uint8Array) => T): Uint8Array {
  const der = encode(value);
  const back = decode(der);
  expect(back).toStrictEqual(value);
  expect(hex(encode(back))).toBe(hex(der));
  return der;
}

describe('round trips', () => {
  it('PrincipalName', () => {
    roundTrip(s.sipService, k.encodePrincipalName, k.decodePrincipalName);
    roundTrip({ nameType: -128, nameString: [] }, k.encodePrincipalName, k.decodePrincipalName);
    roundTrip({ nameType: 1, nameString: ['jörg', 'ü/@\\'] }, k.encodePrincipalName, k.decodePrincipalName);
  });

  it('small structures', () => {
    roundTrip(s.enc(10), k.encodeEncryptedData, k.decodeEncryptedData);
    roundTrip(s.enc(0, 0xffffffff), k.encodeEncryptedData, k.decodeEncryptedData);
    roundTrip(s.key, k.encodeEncryptionKey, k.decodeEncryptionKey);
    roundTrip({ cksumtype: 16, checksum: s.filled(12, 1) }, k.encodeChecksum, k.decodeChecksum);
    roundTrip({ addrType: 2, address: s.bytes(10, 0, 0, 1) }, k.encodeHostAddress, k.decodeHostAddress);
    roundTrip([{ addrType: 2, address: s.bytes(10, 0, 0, 1) }, { addrType: 24, address: s.filled(16, 0) }], k.encodeHostAddresses, k.decodeHostAddresses);
    roundTrip([], k.encodeHostAddresses, k.decodeHostAddresses);
    roundTrip(s.encTicketPartFull.authorizationData ?? [], k.encodeAuthorizationData, k.decodeAuthorizationData);
    roundTrip(s.padata[0] as k.PaData, k.encodePaData, k.decodePaData);
    roundTrip(s.encKdcRepPartFull.lastReq, k.encodeLastReq, k.decodeLastReq);
    roundTrip({ trType: 1, contents: s.bytes(1, 2) }, k.encodeTransitedEncoding, k.decodeTransitedEncoding);
  });

  it('Ticket and EncTicketPart', () => {
    roundTrip(s.ticket, k.encodeTicket, k.decodeTicket);
    roundTrip(s.encTicketPartFull, k.encodeEncTicketPart, k.decodeEncTicketPart);
    roundTrip(s.encTicketPartMinimal, k.encodeEncTicketPart, k.decodeEncTicketPart);
  });

  it('AS-REQ, TGS-REQ and KDC-REQ-BODY', () => {
    roundTrip(s.asReqMinimal, k.encodeAsReq, k.decodeAsReq);
    roundTrip(s.tgsReqFull, k.encodeAsReq, k.decodeAsReq);
    roundTrip(s.tgsReqFull, k.encodeTgsReq, k.decodeTgsReq);
    roundTrip(s.tgsReqFull.reqBody, k.encodeKdcReqBody, k.decodeKdcReqBody);
  });

  it('AS-REP, TGS-REP and the encrypted reply parts', () => {
    roundTrip(s.kdcRep, k.encodeAsRep, k.decodeAsRep);
    roundTrip(s.kdcRepMinimal, k.encodeTgsRep, k.decodeTgsRep);
    roundTrip(s.encKdcRepPartFull, k.encodeEncAsRepPart, k.decodeEncAsRepPart);
    roundTrip(s.encKdcRepPartMinimal, k.encodeEncTgsRepPart, k.decodeEncTgsRepPart);
    expect(k.decodeEncKdcRepPart(k.encodeEncAsRepPart(s.encKdcRepPartFull))).toStrictEqual(s.encKdcRepPartFull);
    expect(k.decodeEncKdcRepPart(k.encodeEncTgsRepPart(s.encKdcRepPartMinimal))).toStrictEqual(s.encKdcRepPartMinimal);
  });

  it('AP-REQ, Authenticator, AP-REP, EncAPRepPart', () => {
    roundTrip(s.apReq, k.encodeApReq, k.decodeApReq);
    roundTrip(s.authenticatorFull, k.encodeAuthenticator, k.decodeAuthenticator);
    roundTrip(s.authenticatorMinimal, k.encodeAuthenticator, k.decodeAuthenticator);
    roundTrip(s.apRep, k.encodeApRep, k.decodeApRep);
    roundTrip(s.encApRepPartFull, k.encodeEncApRepPart, k.decodeEncApRepPart);
    roundTrip(s.encApRepPartMinimal, k.encodeEncApRepPart, k.decodeEncApRepPart);
  });

  it('KRB-ERROR and TYPED-DATA', () => {
    roundTrip(s.krbErrorFull, k.encodeKrbError, k.decodeKrbError);
    roundTrip(s.krbErrorMinimal, k.encodeKrbError, k.decodeKrbError);
    roundTrip([{ dataType: 3 }, { dataType: 4, dataValue: s.bytes(1) }], k.encodeTypedData, k.decodeTypedData);
  });

  it('pre-authentication data', () => {
    roundTrip(s.padata, k.encodeMethodData, k.decodeMethodData);
    roundTrip({ patimestamp: s.t0, pausec: 999_999 }, k.encodePaEncTsEnc, k.decodePaEncTsEnc);
    roundTrip({ patimestamp: s.t0 }, k.encodePaEncTsEnc, k.decodePaEncTsEnc);
    roundTrip(s.enc(56), k.encodePaEncTimestamp, k.decodePaEncTimestamp);
    roundTrip([{ etype: 18, salt: 'EXAMPLE.TESTalice', s2kparams: s.bytes(0, 0, 0x10, 0) }, { etype: 17 }], k.encodeEtypeInfo2, k.decodeEtypeInfo2);
    roundTrip([{ etype: 23 }, { etype: 3, salt: s.bytes(1, 2) }], k.encodeEtypeInfo, k.decodeEtypeInfo);
    expect(k.findPaData(s.padata, 149)).toBe(s.padata[1]);
    expect(k.findPaData(undefined, 2)).toBeUndefined();
  });
});

describe('DER layout checked by hand against the RFC 4120 ASN.1 module', () => {
  it('a minimal AS-REQ', () => {
    const req: k.KdcReq = {
      reqBody: {
        kdcOptions: 0,
        cname: { nameType: 1, nameString: ['a'] },
        realm: 'R',
        sname: { nameType: 2, nameString: ['krbtgt', 'R'] },
        till: new Date(Date.UTC(2024, 0, 1)),
        nonce: 1,
        etype: [18],
      },
    };
    const expected = unhex(`
      6a 65                                   -- [APPLICATION 10] AS-REQ
        30 63                                 -- KDC-REQ SEQUENCE
          a1 03 02 01 05                      -- pvno [1] 5
          a2 03 02 01 0a                      -- msg-type [2] 10
          a4 57 30 55                         -- req-body [4] KDC-REQ-BODY
            a0 07 03 05 00 00 00 00 00        -- kdc-options [0]: 32-bit BIT STRING, 0 unused bits
            a1 0e 30 0c                       -- cname [1]
              a0 03 02 01 01                  -- name-type NT-PRINCIPAL
              a1 05 30 03 1b 01 61            -- name-string { "a" } as GeneralString
            a2 03 1b 01 52                    -- realm [2] "R"
            a3 16 30 14                       -- sname [3]
              a0 03 02 01 02                  -- name-type NT-SRV-INST
              a1 0d 30 0b 1b 06 6b7262746774 1b 01 52
            a5 11 18 0f 3230323430313031303030303030 5a  -- till [5] "20240101000000Z"
            a7 03 02 01 01                    -- nonce [7] 1
            a8 05 30 03 02 01 12              -- etype [8] { 18 }
    `.replace(/--[^\n]*/g, ''));
    expect(hex(k.encodeAsReq(req))).toBe(hex(expected));
    expect(k.decodeAsReq(expected)).toStrictEqual(req);
  });

  it('PA-ENC-TS-ENC and an EncryptedData with kvno', () => {
    const ts = k.encodePaEncTsEnc({ patimestamp: new Date(Date.UTC(2005, 6, 14, 12, 34, 56, 789)), pausec: 128 });
    // milliseconds are dropped: KerberosTime has whole seconds; 128 needs a leading zero octet
    expect(hex(ts)).toBe('3019a011180f32303035303731343132333435365aa10402020080');
    expect(hex(k.encodeEncryptedData({ etype: 17, kvno: 255, cipher: s.bytes(0xab) }))).toBe('3010a003020111a104020200ffa2030401ab');
  });

  it('KerberosFlags are always 32 bits, bit 0 first', () => {
    const body = k.encodeKdcReqBody({ ...(s.asReqMinimal.reqBody as k.KdcReqBody), kdcOptions: k.namedFlags(k.KdcOption, ['forwardable', 'validate']) });
    expect(hex(body).startsWith('30')).toBe(true);
    expect(hex(body)).toContain('a00703050040000001');
    const apReq = k.encodeApReq(s.apReq);
    expect(hex(apReq)).toContain('a20703050020000000');
  });

  it('UInt32 values above 2^31 get a leading zero octet; Int32 negatives are two’s complement', () => {
    expect(hex(k.encodeKdcReqBody(s.asReqMinimal.reqBody))).toContain('a707020500fedcba98');
    expect(hex(k.encodePrincipalName({ nameType: -128, nameString: [] }))).toBe('3009a003020180a1023000');
  });
});

describe('message type', () => {
  it('is the APPLICATION tag', () => {
    expect(k.messageType(k.encodeAsReq(s.asReqMinimal))).toBe(k.MessageType.AS_REQ);
    expect(k.messageType(k.encodeTgsRep(s.kdcRepMinimal))).toBe(k.MessageType.TGS_REP);
    expect(k.isKrbError(k.encodeKrbError(s.krbErrorMinimal))).toBe(true);
    expect(k.isKrbError(k.encodeApRep(s.apRep))).toBe(false);
  });

  it('rejects a bare SEQUENCE', () => {
    expect(() => k.messageType(k.encodeEncryptionKey(s.key))).toThrow(/APPLICATION/);
  });
});

describe('raw req-body', () => {
  it('is the exact encoding of the KDC-REQ-BODY', () => {
    const der = k.encodeTgsReq(s.tgsReqFull);
    expect(hex(k.rawReqBody(der, 12))).toBe(hex(k.encodeKdcReqBody(s.tgsReqFull.reqBody)));
    expect(() => k.rawReqBody(der, 10)).toThrow(KrbError);
  });
});

describe('constants', () => {
  it('name error codes', () => {
    expect(k.errorCodeName(25)).toBe('KDC_ERR_PREAUTH_REQUIRED');
    expect(k.errorCodeName(37)).toBe('KRB_AP_ERR_SKEW');
    expect(k.errorCodeName(999)).toBe('error 999');
    expect(k.ErrorCode.KRB_AP_ERR_MODIFIED).toBe(41);
    expect(k.KeyUsage.TGS_REP_ENC_PART_SUBKEY).toBe(9);
    expect(k.PaDataType.PA_ETYPE_INFO2).toBe(19);
    expect(k.NameType.NT_ENTERPRISE).toBe(10);
  });
});
