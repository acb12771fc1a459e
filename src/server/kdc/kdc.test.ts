import { describe, expect, it } from 'vitest';
import {
  decodeEtypeInfo2,
  decodeMethodData,
  decodeEncTicketPart,
  decodeTgsReq,
  encodeTgsReq,
  encodeAsReq,
  ErrorCode,
  findPaData,
  flagsOf,
  hasFlag,
  KdcOption,
  KeyUsage,
  PaDataType,
  TicketFlag,
  decodeChecksum,
  encodeApReq,
} from '../../krb/asn1/index.js';
import { getEnctype, iterationParams, verifyChecksum, type Key } from '../../krb/crypto/index.js';
import { PrincipalDatabase, principalForSipAddress, type PrincipalRecord } from './database.js';
import { KdcCore } from './kdc.js';
import { passwordPrincipal } from './store.js';
import { buildAsReq, buildTgsReq, errorOf, openAsRep, openTgsRep } from './test-client.js';

const REALM = 'KEYHOP.TEST';

function random(name: string, enctypes = [18, 17, 20, 19]): PrincipalRecord {
  const components = name.split('/');
  return { components, kvno: 3, salt: REALM + components.join(''), keys: enctypes.map((e) => ({ key: getEnctype(e).generateKey() })) };
}

const alice = passwordPrincipal(REALM, 'alice', 'alice-pass');
const db = new PrincipalDatabase(REALM, [random(`krbtgt/${REALM}`), alice, random('sip/a.keyhop.test'), random('sip/old.keyhop.test', [17])]);
const aliceKey = (enctype = 18): Key => getEnctype(enctype).stringToKey('alice-pass', 'KEYHOP.TESTalice');

function kdc(now?: () => Date, lifetime = 28800): KdcCore {
  return new KdcCore(db, { ticketLifetimeSec: lifetime, ...(now ? { now } : {}) });
}

function tgtFor(core: KdcCore, opts: { kdcOptions?: number } = {}) {
  const r = openAsRep(core.handle(buildAsReq({ realm: REALM, client: 'alice', preauthKey: aliceKey(), ...opts })).reply, aliceKey());
  if (r.error) throw new Error(`AS failed: ${r.error.errorCode} ${r.error.eText}`);
  return r;
}

describe('embedded KDC: AS exchange', () => {
  it('requires pre-authentication and says how to derive the key (ETYPE-INFO2)', () => {
    const before = Date.now();
    const err = errorOf(kdc().handle(buildAsReq({ realm: REALM, client: 'alice' })).reply)!;
    expect(err.errorCode).toBe(ErrorCode.KDC_ERR_PREAUTH_REQUIRED);
    expect(err.realm).toBe(REALM);
    expect(err.sname.nameString).toEqual(['krbtgt', REALM]);
    expect(err.cname?.nameString).toEqual(['alice']);
    expect(err.eText).toMatch(/Pre-authentication required/);
    expect(Math.abs(err.stime.getTime() + err.susec / 1000 - before)).toBeLessThan(2000);
    const methods = decodeMethodData(err.eData!);
    expect(findPaData(methods, PaDataType.PA_ENC_TIMESTAMP)).toBeDefined();
    const info = decodeEtypeInfo2(findPaData(methods, PaDataType.PA_ETYPE_INFO2)!.padataValue);
    expect(info).toEqual([{ etype: 18, salt: 'KEYHOP.TESTalice', s2kparams: iterationParams(4096) }]);
  });

  it('advertises the first of the client\'s enctypes that the user has a key for', () => {
    const err = errorOf(kdc().handle(buildAsReq({ realm: REALM, client: 'alice', etypes: [23, 20, 18] })).reply)!;
    const info = decodeEtypeInfo2(findPaData(decodeMethodData(err.eData!), PaDataType.PA_ETYPE_INFO2)!.padataValue);
    expect(info).toEqual([{ etype: 20, salt: 'KEYHOP.TESTalice', s2kparams: iterationParams(32768) }]);
  });

  it('issues a TGT for a correct PA-ENC-TIMESTAMP; the reply decrypts with the password key', () => {
    const core = kdc();
    const r = tgtFor(core);
    expect(r.part.nonce).toBe(12345);
    expect(r.part.srealm).toBe(REALM);
    expect(r.part.sname.nameString).toEqual(['krbtgt', REALM]);
    expect(r.rep.cname.nameString).toEqual(['alice']);
    expect(r.rep.encPart.kvno).toBe(1);
    expect(hasFlag(r.part.flags, TicketFlag.initial) && hasFlag(r.part.flags, TicketFlag.preAuthent)).toBe(true);
    const life = r.part.endtime.getTime() - r.part.authtime.getTime();
    expect(life).toBeLessThanOrEqual(10 * 3600_000);
    expect(life).toBeGreaterThan(8 * 3600_000 - 1000); // capped at 8 h (client asked for 10 h)
    expect(life).toBeLessThanOrEqual(8 * 3600_000);
    // The TGT is encrypted with the krbtgt key and carries the same session key.
    const krbtgt = db.get(['krbtgt', REALM])!.keys[0]!.key;
    const tp = decodeEncTicketPart(getEnctype(krbtgt.enctype).decrypt(krbtgt, KeyUsage.KDC_REP_TICKET, r.rep.ticket.encPart.cipher));
    expect(tp.cname.nameString).toEqual(['alice']);
    expect(Buffer.from(tp.key.keyvalue).equals(Buffer.from(r.sessionKey.bytes))).toBe(true);
  });

  it('works with every AES type as the reply key', () => {
    for (const e of [17, 18, 19, 20]) {
      const r = openAsRep(kdc().handle(buildAsReq({ realm: REALM, client: 'alice', etypes: [e], preauthKey: aliceKey(e) })).reply, aliceKey(e));
      if (r.error) throw new Error(`enctype ${e}: ${r.error.errorCode} ${r.error.eText}`);
      expect(r.sessionKey.enctype).toBe(e);
      expect(r.rep.encPart.etype).toBe(e);
    }
  });

  it('returns PA-REQ-ENC-PA-REP (RFC 6806) when asked', () => {
    const req = buildAsReq({ realm: REALM, client: 'alice', preauthKey: aliceKey(), extraPadata: [{ padataType: PaDataType.PA_REQ_ENC_PA_REP, padataValue: new Uint8Array(0) }] });
    const r = openAsRep(kdc().handle(req).reply, aliceKey());
    if (r.error) throw new Error('failed');
    expect(hasFlag(r.part.flags, TicketFlag.encPaRep)).toBe(true);
    const ck = decodeChecksum(findPaData(r.part.encryptedPaData, PaDataType.PA_REQ_ENC_PA_REP)!.padataValue);
    expect(verifyChecksum(aliceKey(), KeyUsage.AS_REQ, req, ck)).toBe(true);
  });

  it('refuses a wrong password (24), an unknown user (6), a foreign realm (68), a skewed clock (37), non-AES types (14)', () => {
    const wrong = getEnctype(18).stringToKey('not-the-pass', 'KEYHOP.TESTalice');
    const cases: Array<[Uint8Array, number, RegExp]> = [
      [buildAsReq({ realm: REALM, client: 'alice', preauthKey: wrong }), ErrorCode.KDC_ERR_PREAUTH_FAILED, /wrong password/],
      [buildAsReq({ realm: REALM, client: 'mallory' }), ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN, /mallory@KEYHOP.TEST is not known/],
      [buildAsReq({ realm: REALM, client: 'alice', server: 'sip/nowhere.test' }), ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, /sip\/nowhere.test/],
      [buildAsReq({ realm: 'OTHER.TEST', client: 'alice' }), ErrorCode.KDC_ERR_WRONG_REALM, /serves realm KEYHOP.TEST/],
      [buildAsReq({ realm: REALM, client: 'alice', preauthKey: aliceKey(), timestamp: new Date(Date.now() - 600_000) }), ErrorCode.KRB_AP_ERR_SKEW, /Clock skew/],
      [buildAsReq({ realm: REALM, client: 'alice', etypes: [23, 3] }), ErrorCode.KDC_ERR_ETYPE_NOSUPP, /23, 3/],
    ];
    for (const [req, code, text] of cases) {
      const err = errorOf(kdc().handle(req).reply);
      expect(err?.errorCode, String(text)).toBe(code);
      expect(err?.eText).toMatch(text);
    }
    // A wrong password still tells the client the salt, as MIT does.
    const failed = errorOf(kdc().handle(cases[0]![0]).reply)!;
    expect(findPaData(decodeMethodData(failed.eData!), PaDataType.PA_ETYPE_INFO2)).toBeDefined();
  });

  it('answers garbage and non-requests with KRB-ERRORs, never throws', () => {
    expect(errorOf(kdc().handle(new Uint8Array([1, 2, 3])).reply)?.errorCode).toBe(ErrorCode.KRB_ERR_GENERIC);
    const asReq = buildAsReq({ realm: REALM, client: 'alice' });
    const truncated = asReq.slice(0, asReq.length - 5);
    expect(errorOf(kdc().handle(truncated).reply)?.errorCode).toBe(ErrorCode.KRB_ERR_GENERIC);
    const apReq = encodeApReq({ apOptions: 0, ticket: tgtFor(kdc()).rep.ticket, authenticator: { etype: 18, cipher: new Uint8Array(40) } });
    expect(errorOf(kdc().handle(apReq).reply)?.errorCode).toBe(ErrorCode.KRB_AP_ERR_MSG_TYPE);
    expect(encodeAsReq).toBeDefined();
  });

  it('grants forwardable when asked, never renewable or postdated', () => {
    const r = tgtFor(kdc(), { kdcOptions: flagsOf([KdcOption.forwardable, KdcOption.renewable, KdcOption.allowPostdate]) });
    expect(hasFlag(r.part.flags, TicketFlag.forwardable)).toBe(true);
    expect(hasFlag(r.part.flags, TicketFlag.renewable)).toBe(false);
    expect(r.part.renewTill).toBeUndefined();
  });
});

describe('embedded KDC: TGS exchange', () => {
  it('issues a service ticket for sip/<fqdn>; the reply is under the subkey (usage 9)', () => {
    const core = kdc();
    const tgt = tgtFor(core);
    const subkey = getEnctype(18).generateKey();
    const reply = core.handle(buildTgsReq({ realm: REALM, tgt: tgt.rep.ticket, sessionKey: tgt.sessionKey, client: 'alice', server: 'sip/a.keyhop.test', subkey })).reply;
    const r = openTgsRep(reply, subkey, true);
    if (r.error) throw new Error(`${r.error.errorCode} ${r.error.eText}`);
    expect(r.part.sname.nameString).toEqual(['sip', 'a.keyhop.test']);
    expect(r.part.nonce).toBe(54321);
    expect(r.rep.ticket.encPart.kvno).toBe(3);
    expect(r.part.endtime.getTime()).toBeLessThanOrEqual(tgt.part.endtime.getTime());
    expect(hasFlag(r.part.flags, TicketFlag.preAuthent)).toBe(true);
    expect(hasFlag(r.part.flags, TicketFlag.initial)).toBe(false);
    // The service can open its ticket with its own key.
    const svc = db.get(['sip', 'a.keyhop.test'])!.keys[0]!.key;
    const tp = decodeEncTicketPart(getEnctype(svc.enctype).decrypt(svc, KeyUsage.KDC_REP_TICKET, r.rep.ticket.encPart.cipher));
    expect(tp.cname.nameString).toEqual(['alice']);
    expect(tp.crealm).toBe(REALM);
    expect(Buffer.from(tp.key.keyvalue).equals(Buffer.from(r.sessionKey.bytes))).toBe(true);
  });

  it('uses the TGT session key (usage 8) without a subkey, and the service\'s enctypes for the session key', () => {
    const core = kdc();
    const tgt = tgtFor(core);
    const r = openTgsRep(core.handle(buildTgsReq({ realm: REALM, tgt: tgt.rep.ticket, sessionKey: tgt.sessionKey, client: 'alice', server: 'sip/old.keyhop.test' })).reply, tgt.sessionKey, false);
    if (r.error) throw new Error(`${r.error.errorCode} ${r.error.eText}`);
    expect(r.sessionKey.enctype).toBe(17);
    expect(r.rep.ticket.encPart.etype).toBe(17);
  });

  it('refuses what it must', () => {
    let clock = new Date();
    const core = kdc(() => clock, 3600);
    const tgt = tgtFor(core);
    const base = { realm: REALM, tgt: tgt.rep.ticket, sessionKey: tgt.sessionKey, client: 'alice', server: 'sip/a.keyhop.test' };
    const code = (req: Uint8Array) => errorOf(core.handle(req).reply)?.errorCode;
    expect(code(buildTgsReq({ ...base, server: 'sip/nowhere.test' }))).toBe(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN);
    expect(code(buildTgsReq({ ...base, tamperBody: true }))).toBe(ErrorCode.KRB_AP_ERR_MODIFIED);
    expect(code(buildTgsReq({ ...base, omitChecksum: true }))).toBe(ErrorCode.KRB_AP_ERR_INAPP_CKSUM);
    expect(code(buildTgsReq({ ...base, client: 'bob' }))).toBe(ErrorCode.KRB_AP_ERR_BADMATCH);
    expect(code(buildTgsReq({ ...base, ctime: new Date(Date.now() - 3600_000) }))).toBe(ErrorCode.KRB_AP_ERR_SKEW);
    expect(code(buildTgsReq({ ...base, etypes: [23] }))).toBe(ErrorCode.KDC_ERR_ETYPE_NOSUPP);
    expect(code(buildTgsReq({ ...base, kdcOptions: flagsOf([KdcOption.renew]) }))).toBe(ErrorCode.KDC_ERR_BADOPTION);
    expect(code(buildTgsReq({ ...base, sessionKey: getEnctype(18).generateKey() }))).toBe(ErrorCode.KRB_AP_ERR_BAD_INTEGRITY);
    // A service ticket is not a TGT.
    const svc = openTgsRep(core.handle(buildTgsReq(base)).reply, tgt.sessionKey, false);
    if (svc.error) throw new Error('no service ticket');
    expect(code(buildTgsReq({ ...base, tgt: svc.rep.ticket, sessionKey: svc.sessionKey }))).toBe(ErrorCode.KRB_AP_ERR_NOT_US);
    // An expired TGT.
    clock = new Date(Date.now() + 2 * 3600_000);
    expect(code(buildTgsReq({ ...base, ctime: clock }))).toBe(ErrorCode.KRB_AP_ERR_TKT_EXPIRED);
  });

  it('rejects a replayed authenticator, but answers an identical retransmission with the same reply', () => {
    const core = kdc();
    const tgt = tgtFor(core);
    const req = buildTgsReq({ realm: REALM, tgt: tgt.rep.ticket, sessionKey: tgt.sessionKey, client: 'alice', server: 'sip/a.keyhop.test' });
    const first = core.handle(req).reply;
    expect(errorOf(first)).toBeUndefined();
    expect(Buffer.from(core.handle(req).reply).equals(Buffer.from(first))).toBe(true);
    // The same authenticator (and body) in a different request: a replay.
    const decoded = decodeTgsReq(req);
    const other = encodeTgsReq({ ...decoded, padata: [...decoded.padata!, { padataType: PaDataType.PA_PAC_REQUEST, padataValue: new Uint8Array([0x30, 0]) }] });
    const err = errorOf(core.handle(other).reply);
    expect(err?.errorCode).toBe(ErrorCode.KRB_AP_ERR_REPEAT);
    expect(err?.cname?.nameString).toEqual(['alice']);
    // A body changed under the same authenticator fails its checksum first.
    const bytes = req.slice();
    const i = Buffer.from(bytes).lastIndexOf(Buffer.from('sip'));
    bytes[i] = 'S'.charCodeAt(0);
    expect(errorOf(core.handle(bytes).reply)?.errorCode).toBe(ErrorCode.KRB_AP_ERR_MODIFIED);
  });
});

describe('SIP address to principal', () => {
  it('is the user part in the realm', () => {
    expect(principalForSipAddress('alice@a.keyhop.test', REALM)).toBe('alice@KEYHOP.TEST');
    expect(principalForSipAddress('sip:Bob@b.keyhop.test', REALM)).toBe('bob@KEYHOP.TEST');
    expect(() => principalForSipAddress('@a.keyhop.test', REALM)).toThrow();
  });
});
