/**
 * Messages captured from MIT Kerberos 1.20 (krb5kdc, kinit, kvno, gss-client/gss-server) and
 * decrypted with the test realm's keys; see fixtures/README.md. Every structure must decode to the
 * expected values and re-encode to exactly the bytes MIT produced.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as k from './index';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/mit/${name}`, import.meta.url)));
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function sameBytes<T>(name: string, decode: (b: Uint8Array) => T, encode: (v: T) => Uint8Array): T {
  const der = fixture(name);
  const value = decode(der);
  expect(hex(encode(value))).toBe(hex(der));
  return value;
}

describe('MIT Kerberos fixtures', () => {
  it('AS-REQ without pre-authentication', () => {
    const req = sameBytes('as-req-1.der', k.decodeAsReq, k.encodeAsReq);
    expect(req.reqBody.cname).toEqual({ nameType: k.NameType.NT_PRINCIPAL, nameString: ['alice'] });
    expect(req.reqBody.sname).toEqual({ nameType: k.NameType.NT_SRV_INST, nameString: ['krbtgt', 'EXAMPLE.TEST'] });
    expect(req.reqBody.realm).toBe('EXAMPLE.TEST');
    expect(req.reqBody.etype).toEqual([18, 17]);
    expect(k.flagNames(k.KdcOption, req.reqBody.kdcOptions)).toEqual(['forwardable', 'renewable']);
    expect(req.reqBody.rtime).toBeInstanceOf(Date);
  });

  it('KRB-ERROR KDC_ERR_PREAUTH_REQUIRED with METHOD-DATA and ETYPE-INFO2', () => {
    const err = sameBytes('krb-error-preauth-required.der', k.decodeKrbError, k.encodeKrbError);
    expect(err.errorCode).toBe(k.ErrorCode.KDC_ERR_PREAUTH_REQUIRED);
    expect(k.formatPrincipal(err.sname, err.realm)).toBe('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST');
    expect(err.eText).toBe('NEEDED_PREAUTH');
    const methods = k.decodeMethodData(err.eData as Uint8Array);
    expect(methods.map((p) => p.padataType)).toEqual([k.PaDataType.PA_FX_FAST, k.PaDataType.PA_ETYPE_INFO2, k.PaDataType.PA_ENC_TIMESTAMP, k.PaDataType.PA_FX_COOKIE]);
    const info = k.decodeEtypeInfo2(k.findPaData(methods, k.PaDataType.PA_ETYPE_INFO2)?.padataValue as Uint8Array);
    expect(info).toEqual([{ etype: 18, salt: 'EXAMPLE.TESTalice' }]);
    sameBytes('method-data.der', k.decodeMethodData, k.encodeMethodData);
    sameBytes('etype-info2.der', k.decodeEtypeInfo2, k.encodeEtypeInfo2);
  });

  it('AS-REQ with PA-ENC-TIMESTAMP', () => {
    const req = sameBytes('as-req-2.der', k.decodeAsReq, k.encodeAsReq);
    const pa = k.findPaData(req.padata, k.PaDataType.PA_ENC_TIMESTAMP);
    const enc = k.decodePaEncTimestamp(pa?.padataValue as Uint8Array);
    expect(enc.etype).toBe(18);
    const ts = sameBytes('pa-enc-ts-enc.der', k.decodePaEncTsEnc, k.encodePaEncTsEnc);
    expect(ts.pausec).toBeGreaterThanOrEqual(0);
    expect(ts.patimestamp.getUTCMilliseconds()).toBe(0);
  });

  it('AS-REP, its EncKDCRepPart (tagged 26 by MIT) and the TGT EncTicketPart', () => {
    const rep = sameBytes('as-rep.der', k.decodeAsRep, k.encodeAsRep);
    expect(rep.cname.nameString).toEqual(['alice']);
    expect(rep.ticket.sname.nameString).toEqual(['krbtgt', 'EXAMPLE.TEST']);
    expect(rep.ticket.encPart.kvno).toBe(1);
    const der = fixture('enc-as-rep-part.der');
    expect(der[0]).toBe(0x7a); // [APPLICATION 26] although this is an AS-REP: RFC 4120 §5.4.2's compatibility note
    expect(() => k.decodeEncAsRepPart(der)).toThrow(/APPLICATION 25/);
    const part = k.decodeEncKdcRepPart(der);
    expect(hex(k.encodeEncTgsRepPart(part))).toBe(hex(der));
    expect(k.flagNames(k.TicketFlag, part.flags)).toEqual(['forwardable', 'renewable', 'initial', 'preAuthent', 'encPaRep']);
    expect(part.key.keytype).toBe(18);
    expect(part.encryptedPaData?.[0]?.padataType).toBe(k.PaDataType.PA_REQ_ENC_PA_REP);
    const cksum = k.decodeChecksum(part.encryptedPaData?.[0]?.padataValue as Uint8Array);
    expect(cksum.cksumtype).toBe(16); // hmac-sha1-96-aes256
    expect(part.lastReq.length).toBeGreaterThan(0);
    const tkt = sameBytes('tgt-enc-ticket-part.der', k.decodeEncTicketPart, k.encodeEncTicketPart);
    expect(tkt.cname.nameString).toEqual(['alice']);
    expect(tkt.key).toEqual(part.key);
    expect(tkt.authorizationData?.[0]?.adType).toBe(k.AuthorizationDataType.AD_IF_RELEVANT);
  });

  it('TGS-REQ with its PA-TGS-REQ AP-REQ and Authenticator, and the raw req-body', () => {
    const req = sameBytes('tgs-req.der', k.decodeTgsReq, k.encodeTgsReq);
    expect(req.reqBody.sname?.nameString).toEqual(['sip', 'proxy-a.example']);
    const apReqBytes = k.findPaData(req.padata, k.PaDataType.PA_TGS_REQ)?.padataValue as Uint8Array;
    expect(hex(apReqBytes)).toBe(hex(fixture('tgs-req-ap-req.der')));
    const apReq = sameBytes('tgs-req-ap-req.der', k.decodeApReq, k.encodeApReq);
    expect(apReq.ticket.sname.nameString).toEqual(['krbtgt', 'EXAMPLE.TEST']);
    const auth = sameBytes('tgs-authenticator.der', k.decodeAuthenticator, k.encodeAuthenticator);
    expect(auth.cname.nameString).toEqual(['alice']);
    expect(auth.subkey?.keytype).toBe(18);
    expect(hex(k.rawReqBody(fixture('tgs-req.der'), k.MessageType.TGS_REQ))).toBe(hex(fixture('tgs-req-body.der')));
    sameBytes('tgs-req-body.der', k.decodeKdcReqBody, k.encodeKdcReqBody);
  });

  it('TGS-REP and the service ticket EncTicketPart', () => {
    const rep = sameBytes('tgs-rep.der', k.decodeTgsRep, k.encodeTgsRep);
    expect(rep.ticket.encPart.kvno).toBe(2);
    const tkt = sameBytes('service-enc-ticket-part.der', k.decodeEncTicketPart, k.encodeEncTicketPart);
    expect(tkt.crealm).toBe('EXAMPLE.TEST');
    expect(k.hasFlag(tkt.flags, k.TicketFlag.preAuthent)).toBe(true);
  });

  it('GSS-API AP-REQ token, 0x8003 authenticator checksum, AP-REP token', () => {
    const token = fixture('gss-ap-req-token.der');
    const inner = k.unwrapGssToken(token);
    expect(inner.mechOid).toBe(k.KRB5_MECH_OID);
    expect(inner.tokId).toBe(k.GssTokenId.AP_REQ);
    expect(hex(k.wrapGssToken(inner.tokId, inner.message))).toBe(hex(token));
    const apReq = k.decodeApReq(inner.message);
    expect(hex(k.encodeApReq(apReq))).toBe(hex(inner.message));
    expect(k.flagNames(k.ApOption, apReq.apOptions)).toEqual(['mutualRequired']);
    expect(apReq.ticket.sname.nameString).toEqual(['sip', 'proxy-a.example']);

    const auth = sameBytes('gss-authenticator.der', k.decodeAuthenticator, k.encodeAuthenticator);
    expect(auth.cksum?.cksumtype).toBe(k.GSS_CHECKSUM_TYPE);
    const gss = k.decodeGssChecksum(auth.cksum?.checksum as Uint8Array);
    expect(gss.channelBinding).toEqual(new Uint8Array(16));
    const G = k.GssFlag;
    expect(gss.flags).toBe(G.MUTUAL | G.REPLAY | G.SEQUENCE | G.CONF | G.INTEG | G.TRANS);
    expect(gss.delegation).toBeUndefined();
    expect(hex(k.encodeGssChecksum(gss))).toBe(hex(auth.cksum?.checksum as Uint8Array));
    expect(auth.seqNumber).toBeTypeOf('number');

    const repToken = fixture('gss-ap-rep-token.der');
    const repInner = k.unwrapGssToken(repToken);
    expect(repInner.tokId).toBe(k.GssTokenId.AP_REP);
    expect(hex(k.wrapGssToken(repInner.tokId, repInner.message))).toBe(hex(repToken));
    const apRep = k.decodeApRep(repInner.message);
    expect(hex(k.encodeApRep(apRep))).toBe(hex(repInner.message));
    const part = sameBytes('enc-ap-rep-part.der', k.decodeEncApRepPart, k.encodeEncApRepPart);
    expect(part.subkey?.keytype).toBe(18);
    expect(part.ctime.getTime()).toBe(auth.ctime.getTime());
    expect(part.cusec).toBe(auth.cusec);
  });
});
