import { describe, expect, it } from 'vitest';
import { decodeAsReq, encodeAsReq } from '../asn1/kdc-req';
import { ErrorCode, NameType, PaDataType } from '../asn1/constants';
import { TicketFlag, hasFlag } from '../asn1/flags';
import { encodeEtypeInfo2, encodeMethodData, findPaData } from '../asn1/preauth';
import { decodeTicket } from '../asn1/ticket';
import { decodeKrbError, encodeKrbError } from '../asn1/krb-error';
import { KrbError } from '../errors';
import { getInitialCredentials } from './as';
import { getServiceCredentials, sipServicePrincipal } from './tgs';
import type { Credentials } from './common';
import { MiniKdc } from './mini-kdc.testkit';

const REALM = 'KEYHOP.TEST';

function kdc(): MiniKdc {
  const k = new MiniKdc(REALM);
  k.addUser('alice', 'alice-pw');
  k.addUser('bob', 'bob-pw', { requirePreauth: false });
  k.addUser('carol', 'carol-pw', { etypes: [20] });
  k.addService('sip/proxy.keyhop.test');
  return k;
}

async function failure(p: Promise<unknown>): Promise<KrbError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KrbError);
    return e as KrbError;
  }
  throw new Error('expected a KrbError');
}

describe('AS exchange', () => {
  it('gets a TGT with encrypted-timestamp pre-authentication', async () => {
    const k = kdc();
    const creds = await getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send });
    expect(k.requests).toHaveLength(2);
    expect(findPaData(decodeAsReq(k.requests[0]!).padata, PaDataType.PA_ENC_TIMESTAMP)).toBeUndefined();
    expect(findPaData(decodeAsReq(k.requests[1]!).padata, PaDataType.PA_ENC_TIMESTAMP)).toBeDefined();
    expect(decodeAsReq(k.requests[0]!).reqBody.etype).toEqual([18, 17, 20, 19]);
    expect(creds.client).toEqual({ name: { nameType: NameType.NT_PRINCIPAL, nameString: ['alice'] }, realm: REALM });
    expect(creds.server.name.nameString).toEqual(['krbtgt', REALM]);
    expect(creds.sessionKey.enctype).toBe(18);
    expect(decodeTicket(creds.ticket).sname.nameString).toEqual(['krbtgt', REALM]);
    expect(hasFlag(creds.flags, TicketFlag.initial)).toBe(true);
    expect(hasFlag(creds.flags, TicketFlag.encPaRep)).toBe(true);
    expect(creds.endtime.getTime()).toBeGreaterThan(creds.authtime.getTime());
    expect(Math.abs(creds.kdcTimeOffsetMs)).toBeLessThan(2000);
  });

  it('derives the key for an RFC 8009 enctype from ETYPE-INFO2', async () => {
    const creds = await getInitialCredentials({ client: `carol@${REALM}`, password: 'carol-pw', send: kdc().send });
    expect(creds.sessionKey.enctype).toBe(18); // session key: first requested; reply key: carol's aes256-sha384
  });

  it('accepts the enc-part tagged [APPLICATION 25] as well as 26', async () => {
    const k = kdc();
    k.hooks.asRepTag = 25;
    await expect(getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send })).resolves.toBeDefined();
  });

  it('handles a KDC that does not require pre-authentication', async () => {
    const k = kdc();
    const creds = await getInitialCredentials({ client: 'bob', realm: REALM, password: 'bob-pw', send: k.send });
    expect(k.requests).toHaveLength(1);
    expect(creds.client.name.nameString).toEqual(['bob']);
  });

  it('reports a wrong password: PREAUTH_FAILED, or an AS-REP that does not decrypt', async () => {
    const e1 = await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'nope', send: kdc().send }));
    expect(e1.code).toBe('wrong-password');
    expect(e1.message).toBe('Wrong user name or password');
    expect(e1.krbErrorCode).toBe(ErrorCode.KDC_ERR_PREAUTH_FAILED);
    const e2 = await failure(getInitialCredentials({ client: 'bob', realm: REALM, password: 'nope', send: kdc().send }));
    expect(e2.code).toBe('wrong-password');
  });

  it('reports an unknown user', async () => {
    const e = await failure(getInitialCredentials({ client: 'mallory', realm: REALM, password: 'x', send: kdc().send }));
    expect(e.code).toBe('unknown-principal');
    expect(e.krbErrorCode).toBe(6);
    expect(e.message).toContain(`mallory@${REALM}`);
  });

  it('reports clock skew, and avoids it with useKdcTime', async () => {
    const k = kdc();
    const skewed = () => new Date(Date.now() + 3600_000);
    const e = await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send, now: skewed }));
    expect(e.code).toBe('clock-skew');
    expect(e.krbErrorCode).toBe(37);
    expect(decodeKrbError(encodeKrbError(e.cause as never)).errorCode).toBe(37); // the KRB-ERROR is the cause
    const creds = await getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send, now: skewed, useKdcTime: true });
    expect(creds.kdcTimeOffsetMs).toBeLessThan(-3590_000);
    expect(creds.kdcTimeOffsetMs).toBeGreaterThan(-3610_000);
  });

  it('reports no common enctype, from the KDC (14) or from ETYPE-INFO2', async () => {
    const e1 = await failure(getInitialCredentials({ client: 'carol', realm: REALM, password: 'carol-pw', send: kdc().send, etypes: [17, 18] }));
    expect(e1.code).toBe('unsupported-enctype');
    expect(e1.krbErrorCode).toBe(14);
    const e2 = await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'x', send: kdc().send, etypes: [23] }));
    expect(e2.code).toBe('unsupported-enctype');
  });

  it('tells a KDC without a usable key from one that wants another pre-authentication method', async () => {
    const sname = { nameType: 2, nameString: ['krbtgt', REALM] };
    const k = kdc();
    // What MIT sends when the user has no key of a requested type: only FAST and a cookie.
    k.hooks.alterReply = () =>
      k.error(25, sname, encodeMethodData([{ padataType: PaDataType.PA_FX_FAST, padataValue: new Uint8Array(0) }, { padataType: PaDataType.PA_FX_COOKIE, padataValue: new Uint8Array([1, 2, 3]) }]));
    const e1 = await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send }));
    expect([e1.code, e1.krbErrorCode]).toEqual(['unsupported-enctype', 25]);
    k.hooks.alterReply = () =>
      k.error(25, sname, encodeMethodData([{ padataType: PaDataType.PA_ETYPE_INFO2, padataValue: encodeEtypeInfo2([{ etype: 18, salt: 'x' }]) }, { padataType: 141, padataValue: new Uint8Array(0) }]));
    const e2 = await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send }));
    expect([e2.code, e2.krbErrorCode]).toEqual(['kdc-error', 25]);
    expect(e2.message).toContain('pre-authentication method');
    // A second PREAUTH_REQUIRED after the encrypted timestamp is a refusal, not a loop.
    let n = 0;
    const m = kdc();
    m.hooks.alterReply = (r) => (++n === 2 ? preauthRequiredAgain(m, sname) : r);
    const e3 = await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: m.send }));
    expect([e3.code, e3.krbErrorCode]).toEqual(['kdc-error', 25]);
    expect(m.requests).toHaveLength(2);
  });

  it('reports an unreachable KDC', async () => {
    const e = await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'x', send: () => Promise.reject(new Error('ECONNREFUSED')) }));
    expect(e.code).toBe('kdc-unreachable');
    expect(e.message).toContain('ECONNREFUSED');
    const e2 = await failure(getInitialCredentials({ client: 'alice', realm: 'OTHER.TEST', password: 'x', send: kdc().send }));
    expect(e2.code).toBe('kdc-unreachable');
  });

  it('reports other KDC errors with their code and e-text', async () => {
    const k = kdc();
    k.hooks.alterReply = () => k.error(ErrorCode.KDC_ERR_POLICY, { nameType: 2, nameString: ['krbtgt', REALM] }, undefined, 'not today');
    const e = await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send }));
    expect(e.code).toBe('kdc-error');
    expect(e.krbErrorCode).toBe(12);
    expect(e.message).toContain('KDC_ERR_POLICY');
    expect(e.message).toContain('not today');
  });

  it('reports malformed replies: garbage, truncated, wrong message, corrupted', async () => {
    const k = kdc();
    const good = await (async () => {
      let rep: Uint8Array | undefined;
      k.hooks.alterReply = (r) => (rep = r);
      await getInitialCredentials({ client: 'bob', realm: REALM, password: 'bob-pw', send: k.send });
      return rep as Uint8Array;
    })();
    const cases: Uint8Array[] = [new Uint8Array([1, 2, 3]), good.subarray(0, good.length - 1), good.subarray(0, 10), k.requests[0]!];
    for (const bad of cases) {
      const e = await failure(getInitialCredentials({ client: 'bob', realm: REALM, password: 'bob-pw', send: async () => bad }));
      expect(e.code).toBe('malformed');
    }
    // Every single-byte corruption is a typed error, never anything else.
    for (let i = 0; i < good.length; i += 7) {
      const bad = good.slice();
      bad[i] = bad[i]! ^ 0x41;
      const r = await getInitialCredentials({ client: 'bob', realm: REALM, password: 'bob-pw', send: async () => bad }).then(
        () => 'ok',
        (e: unknown) => (e instanceof KrbError ? e.code : `untyped ${String(e)}`),
      );
      expect(['ok', 'malformed', 'wrong-password', 'integrity', 'unsupported-enctype', 'kdc-error']).toContain(r);
    }
  });

  it('refuses a reply to another request (nonce) and altered names', async () => {
    const k = kdc();
    k.hooks.alterEncPart = (p) => (p.nonce = (p.nonce + 1) >>> 0);
    expect((await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send }))).code).toBe('integrity');
    k.hooks.alterEncPart = (p) => (p.sname = { nameType: 2, nameString: ['krbtgt', 'EVIL.TEST'] });
    expect((await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send }))).code).toBe('integrity');
    k.hooks.alterEncPart = undefined;
    k.hooks.replyCname = { nameType: 1, nameString: ['Alice'] };
    expect((await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send }))).code).toBe('integrity');
    const c = await getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send, canonicalize: true });
    expect(c.client.name.nameString).toEqual(['Alice']);
  });

  it('detects a request altered on the way (PA-REQ-ENC-PA-REP)', async () => {
    const k = kdc();
    // A man in the middle drops aes128 from the offered enctypes, keeping everything else.
    const tampering = (req: Uint8Array, realm: string): Promise<Uint8Array> => {
      const r = decodeAsReq(req);
      r.reqBody.etype = r.reqBody.etype.filter((e) => e !== 17);
      return k.send(encodeAsReq(r), realm);
    };
    const e = await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: tampering }));
    expect(e.code).toBe('integrity');
    expect(e.message).toContain('altered');
    // A KDC that does not support it (no enc-pa-rep flag) is fine.
    k.hooks.encPaRep = false;
    const c = await getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: tampering });
    expect(hasFlag(c.flags, TicketFlag.encPaRep)).toBe(false);
    // A reply that claims the flag without the checksum is refused.
    k.hooks.encPaRep = true;
    k.hooks.alterEncPart = (p) => delete p.encryptedPaData;
    expect((await failure(getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send }))).code).toBe('integrity');
  });
});

/** A PREAUTH_REQUIRED like the first one, sent again. */
function preauthRequiredAgain(k: MiniKdc, sname: { nameType: number; nameString: string[] }): Uint8Array {
  return k.error(25, sname, encodeMethodData([{ padataType: PaDataType.PA_ENC_TIMESTAMP, padataValue: new Uint8Array(0) }, { padataType: PaDataType.PA_ETYPE_INFO2, padataValue: encodeEtypeInfo2([{ etype: 18, salt: `${REALM}alice` }]) }]));
}

describe('TGS exchange', () => {
  async function tgt(k: MiniKdc): Promise<Credentials> {
    return getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: k.send });
  }

  it('gets a service ticket for sip/<fqdn> (NT-SRV-INST), reply in the subkey', async () => {
    const k = kdc();
    const t = await tgt(k);
    const creds = await getServiceCredentials({ tgt: t, server: 'sip/proxy.keyhop.test', send: k.send });
    expect(creds.server).toEqual(sipServicePrincipal('proxy.keyhop.test', REALM));
    expect(creds.client).toEqual(t.client);
    expect(decodeTicket(creds.ticket).encPart.kvno).toBe(2);
    expect(creds.sessionKey.enctype).toBe(18);
    const withEtypes = await getServiceCredentials({ tgt: t, server: sipServicePrincipal('proxy.keyhop.test', REALM), send: k.send, etypes: [20] });
    expect(withEtypes.sessionKey.enctype).toBe(20);
  });

  it('accepts a reply in the TGT session key (usage 8)', async () => {
    const k = kdc();
    const t = await tgt(k);
    k.hooks.ignoreSubkey = true;
    await expect(getServiceCredentials({ tgt: t, server: 'sip/proxy.keyhop.test', send: k.send })).resolves.toBeDefined();
  });

  it('reports an unknown service, an expired TGT, a tampered reply', async () => {
    const k = kdc();
    const t = await tgt(k);
    const e1 = await failure(getServiceCredentials({ tgt: t, server: 'sip/nowhere.keyhop.test', send: k.send }));
    expect(e1.code).toBe('unknown-principal');
    expect(e1.krbErrorCode).toBe(7);
    expect(e1.message).toContain('sip/nowhere.keyhop.test');
    const e2 = await failure(getServiceCredentials({ tgt: t, server: 'sip/proxy.keyhop.test', send: k.send, now: () => new Date(t.endtime.getTime() + 3600_000) }));
    expect(e2.code).toBe('ticket-expired');
    k.hooks.alterReply = (r) => {
      const b = r.slice();
      b[b.length - 3] = b[b.length - 3]! ^ 1;
      return b;
    };
    expect((await failure(getServiceCredentials({ tgt: t, server: 'sip/proxy.keyhop.test', send: k.send }))).code).toBe('integrity');
    k.hooks.alterReply = undefined;
    k.hooks.alterEncPart = (p) => (p.nonce ^= 1);
    expect((await failure(getServiceCredentials({ tgt: t, server: 'sip/proxy.keyhop.test', send: k.send }))).code).toBe('integrity');
  });

  it('refuses services of other realms and a ticket that is not a TGT', async () => {
    const k = kdc();
    const t = await tgt(k);
    expect((await failure(getServiceCredentials({ tgt: t, server: 'sip/x@OTHER.TEST', send: k.send }))).code).toBe('kdc-error');
    const svc = await getServiceCredentials({ tgt: t, server: 'sip/proxy.keyhop.test', send: k.send });
    expect((await failure(getServiceCredentials({ tgt: svc, server: 'sip/proxy.keyhop.test', send: k.send }))).code).toBe('malformed');
  });

  it('reports KDC errors of the TGS exchange', async () => {
    const k = kdc();
    const t = await tgt(k);
    const e = await failure(getServiceCredentials({ tgt: t, server: 'sip/proxy.keyhop.test', send: k.send, now: () => new Date(Date.now() - 3600_000) }));
    expect(e.code).toBe('clock-skew');
    expect(e.krbErrorCode).toBe(37);
    const unreachable = await failure(getServiceCredentials({ tgt: t, server: 'sip/proxy.keyhop.test', send: () => Promise.reject(new Error('offline')) }));
    expect(unreachable.code).toBe('kdc-unreachable');
  });
});
