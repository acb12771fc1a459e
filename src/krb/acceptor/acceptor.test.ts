import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeApReq, decodeAuthenticator, encodeApReq, encodeAuthenticator, type Authenticator } from '../asn1/ap';
import { ErrorCode, KeyUsage, NameType } from '../asn1/constants';
import { ApOption, TicketFlag, flagsOf } from '../asn1/flags';
import { GssFlag, gssAuthenticatorChecksum } from '../asn1/gss-checksum';
import { GssTokenId, unwrapGssToken, wrapGssToken } from '../asn1/gss-token';
import { parsePrincipal } from '../asn1/principal';
import { decodeTicket, encodeEncTicketPart, encodeTicket, type EncTicketPart } from '../asn1/ticket';
import { getEnctype, type Key } from '../crypto';
import { KrbError } from '../errors';
import type { KeytabEntry } from '../keytab';
import { getMic, verifyMic } from '../gss/mic';
import type { Credentials } from '../client/common';
import { micSigner } from '../client/context';
import { acceptorError, completeSecContext, initSecContext } from '../client/initiator';
import { acceptSecContext, krbErrorToken, type AcceptorOptions } from './accept';
import { ReplayCache } from './replay-cache';

const REALM = 'KEYHOP.TEST';
const SERVICE = { name: { nameType: NameType.NT_SRV_INST, nameString: ['sip', 'proxy.keyhop.test'] }, realm: REALM };
const ALICE = { name: { nameType: NameType.NT_PRINCIPAL, nameString: ['alice'] }, realm: REALM };
const enc = new TextEncoder();

function serviceKeytab(etypes = [18, 20], kvno = 3, principal = SERVICE): KeytabEntry[] {
  return etypes.map((enctype) => ({ principal, timestamp: new Date(0), kvno, enctype, key: getEnctype(enctype).generateKey().bytes }));
}

interface IssueOptions {
  keytab: KeytabEntry[];
  ticketEtype?: number;
  sessionEtype?: number;
  kvno?: number;
  authtime?: Date;
  starttime?: Date;
  endtime?: Date;
  flags?: number;
  cname?: string;
}

/** A service ticket and its credentials, as a KDC would issue them. */
function issue(o: IssueOptions): Credentials {
  const ticketEtype = o.ticketEtype ?? 18;
  const entry = o.keytab.find((e) => e.enctype === ticketEtype) as KeytabEntry;
  const serviceKey: Key = { enctype: ticketEtype, bytes: entry.key };
  const sessionKey = getEnctype(o.sessionEtype ?? 18).generateKey();
  const now = Date.now();
  const authtime = o.authtime ?? new Date(Math.floor(now / 1000) * 1000 - 60_000);
  const endtime = o.endtime ?? new Date(authtime.getTime() + 8 * 3600_000);
  const cname = { nameType: NameType.NT_PRINCIPAL, nameString: [o.cname ?? 'alice'] };
  const part: EncTicketPart = {
    flags: o.flags ?? flagsOf([TicketFlag.preAuthent]),
    key: { keytype: sessionKey.enctype, keyvalue: sessionKey.bytes },
    crealm: REALM,
    cname,
    transited: { trType: 1, contents: new Uint8Array(0) },
    authtime,
    ...(o.starttime ? { starttime: o.starttime } : {}),
    endtime,
  };
  const cipher = getEnctype(ticketEtype).encrypt(serviceKey, KeyUsage.KDC_REP_TICKET, encodeEncTicketPart(part));
  const ticket = encodeTicket({ realm: REALM, sname: SERVICE.name, encPart: { etype: ticketEtype, kvno: o.kvno ?? entry.kvno, cipher } });
  return { client: { name: cname, realm: REALM }, server: SERVICE, sessionKey, ticket, authtime, endtime, flags: part.flags, kdcTimeOffsetMs: 0 };
}

function options(keytab: KeytabEntry[], extra: Partial<AcceptorOptions> = {}): AcceptorOptions {
  return { keytab, replayCache: new ReplayCache(), ...extra };
}

function failure(fn: () => unknown): KrbError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KrbError);
    return e as KrbError;
  }
  throw new Error('expected a KrbError');
}

/** Re-encrypts a modified authenticator into an AP-REQ token. */
function withAuthenticator(token: Uint8Array, creds: Credentials, change: (a: Authenticator) => void, framing: 'gss' | 'raw' = 'gss'): Uint8Array {
  const apReq = decodeApReq(framing === 'gss' ? unwrapGssToken(token).message : token);
  const e = getEnctype(creds.sessionKey.enctype);
  const auth = decodeAuthenticator(e.decrypt(creds.sessionKey, KeyUsage.AP_REQ_AUTH, apReq.authenticator.cipher));
  change(auth);
  apReq.authenticator.cipher = e.encrypt(creds.sessionKey, KeyUsage.AP_REQ_AUTH, encodeAuthenticator(auth));
  const der = encodeApReq(apReq);
  return framing === 'gss' ? wrapGssToken(GssTokenId.AP_REQ, der) : der;
}

describe('GSS initiator ↔ acceptor', () => {
  for (const ticketEtype of [18, 20]) {
    for (const sessionEtype of [17, 18, 19, 20]) {
      it(`establishes a mutual context and exchanges MICs (ticket ${ticketEtype}, session ${sessionEtype})`, () => {
        const keytab = serviceKeytab();
        const creds = issue({ keytab, ticketEtype, sessionEtype });
        const start = initSecContext(creds);
        expect(start.mutual).toBe(true);
        if (!start.mutual) return;
        expect(Array.from(start.token.subarray(0, 1))).toEqual([0x60]);
        expect(unwrapGssToken(start.token).tokId).toBe(GssTokenId.AP_REQ);
        const acc = acceptSecContext(start.token, options(keytab, { service: 'sip/proxy.keyhop.test@KEYHOP.TEST' }));
        expect(acc.client).toEqual(ALICE);
        expect(acc.server).toEqual(SERVICE);
        expect(acc.framing).toBe('gss');
        expect(acc.ticketEnctype).toBe(ticketEtype);
        expect(acc.ticketKvno).toBe(3);
        expect(acc.flags).toBe(GssFlag.MUTUAL | GssFlag.INTEG | GssFlag.SEQUENCE);
        expect(acc.endtime).toEqual(creds.endtime);
        expect(unwrapGssToken(acc.outputToken as Uint8Array).tokId).toBe(GssTokenId.AP_REP);
        const ini = completeSecContext(start.pending, acc.outputToken as Uint8Array);
        expect(ini.keys.acceptorSubkey?.enctype).toBe(sessionEtype);
        expect(ini.keys).toEqual(acc.keys);
        expect(ini.initiatorSeq).toBe(acc.initiatorSeq);
        expect(ini.acceptorSeq).toBe(acc.acceptorSeq);

        const client = micSigner(ini, 'initiator');
        const server = micSigner(acc, 'acceptor');
        const m = enc.encode('REGISTER sip:keyhop.test');
        const t1 = client.getMic(m);
        expect(t1[2]).toBe(0x04); // AcceptorSubkey
        expect(server.verifyMic(m, t1)).toBe(true);
        expect(verifyMic(acc.keys, m, t1, false).seq).toBe(BigInt(acc.initiatorSeq));
        expect(verifyMic(acc.keys, m, client.getMic(m), false).seq).toBe(BigInt(acc.initiatorSeq + 1));
        const t2 = server.getMic(m);
        expect(client.verifyMic(m, t2)).toBe(true);
        expect(verifyMic(ini.keys, m, t2, true).seq).toBe(BigInt(ini.acceptorSeq));
        expect(client.verifyMic(enc.encode('other'), t2)).toBe(false);
        expect(server.verifyMic(m, t2)).toBe(false); // reflected
      });
    }
  }

  it('works without mutual authentication: no AP-REP, both directions numbered from the initiator', () => {
    const keytab = serviceKeytab();
    const creds = issue({ keytab });
    const start = initSecContext(creds, { flags: GssFlag.INTEG });
    expect(start.mutual).toBe(false);
    if (start.mutual) return;
    expect(decodeApReq(unwrapGssToken(start.token).message).apOptions).toBe(0);
    const acc = acceptSecContext(start.token, options(keytab));
    expect(acc.outputToken).toBeUndefined();
    expect(acc.keys).toEqual(start.context.keys);
    expect(acc.acceptorSeq).toBe(start.context.acceptorSeq);
    const m = enc.encode('INVITE');
    expect(micSigner(acc, 'acceptor').verifyMic(m, micSigner(start.context, 'initiator').getMic(m))).toBe(true);
    expect(micSigner(start.context, 'initiator').verifyMic(m, micSigner(acc, 'acceptor').getMic(m))).toBe(true);
  });

  it('accepts a bare AP-REQ and answers with a bare AP-REP', () => {
    const keytab = serviceKeytab();
    const creds = issue({ keytab });
    const start = initSecContext(creds, { framing: 'raw' });
    if (!start.mutual) throw new Error('expected mutual');
    expect(start.token[0]).toBe(0x6e);
    const acc = acceptSecContext(start.token, options(keytab));
    expect(acc.framing).toBe('raw');
    expect(acc.outputToken?.[0]).toBe(0x6f);
    expect(completeSecContext(start.pending, acc.outputToken as Uint8Array).keys).toEqual(acc.keys);
  });

  it('can leave out the acceptor subkey: tokens then use the initiator subkey', () => {
    const keytab = serviceKeytab();
    const start = initSecContext(issue({ keytab }));
    if (!start.mutual) throw new Error('expected mutual');
    const acc = acceptSecContext(start.token, options(keytab, { acceptorSubkey: false }));
    expect(acc.keys.acceptorSubkey).toBeUndefined();
    const ini = completeSecContext(start.pending, acc.outputToken as Uint8Array);
    const m = enc.encode('BYE');
    const token = getMic(acc.keys, m, { seq: BigInt(acc.acceptorSeq), sentByAcceptor: true });
    expect(token[2]).toBe(0x01);
    expect(verifyMic(ini.keys, m, token, true).seq).toBe(BigInt(ini.acceptorSeq));
  });

  it('accepts an AP-REQ made by MIT Kerberos (gss-client capture)', () => {
    const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../asn1/fixtures/mit/${name}`, import.meta.url)));
    const keys = JSON.parse(new TextDecoder().decode(fixture('keys.json'))) as { sip: { principal: string; kvno: number; aes256: string }; serviceSessionKey: string };
    const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (x) => parseInt(x, 16));
    const keytab: KeytabEntry[] = [{ principal: parsePrincipal(keys.sip.principal), timestamp: new Date(0), kvno: keys.sip.kvno, enctype: 18, key: hex(keys.sip.aes256) }];
    const token = fixture('gss-ap-req-token.der');
    const ctime = decodeAuthenticator(fixture('gss-authenticator.der')).ctime;
    const acc = acceptSecContext(token, options(keytab, { now: () => ctime }));
    expect(acc.client.name.nameString).toEqual(['alice']);
    expect(acc.client.realm).toBe('EXAMPLE.TEST');
    expect(acc.keys.sessionKey.bytes).toEqual(hex(keys.serviceSessionKey));
    expect(acc.flags & GssFlag.MUTUAL).toBe(GssFlag.MUTUAL);
    expect(acc.outputToken).toBeDefined();
  });
});

describe('acceptor refusals', () => {
  const keytab = serviceKeytab();

  it('refuses truncated and corrupted tokens with typed errors only', () => {
    const start = initSecContext(issue({ keytab }));
    const token = start.token;
    for (let n = 0; n < token.length; n++) {
      const e = failure(() => acceptSecContext(token.subarray(0, n), options(keytab)));
      expect(e.code).toBe('malformed');
    }
    const reference = acceptSecContext(token, options(keytab));
    const codes = new Set<string>();
    let accepted = 0;
    for (let i = 0; i < token.length; i++) {
      const bad = token.slice();
      bad[i] = bad[i]! ^ 0x5a;
      try {
        // Only the ap-options bits, which Kerberos leaves unauthenticated, may change unnoticed;
        // every DER length byte is checked against the content it claims.
        const r = acceptSecContext(bad, options(keytab));
        expect(r.client).toEqual(reference.client);
        expect(r.keys.sessionKey).toEqual(reference.keys.sessionKey);
        expect(r.keys.initiatorSubkey).toEqual(reference.keys.initiatorSubkey);
        accepted++;
      } catch (e) {
        expect(e).toBeInstanceOf(KrbError);
        codes.add((e as KrbError).code);
      }
    }
    expect(accepted).toBeLessThanOrEqual(4);
    expect(codes.has('malformed')).toBe(true);
    expect(codes.has('integrity')).toBe(true);
    expect(failure(() => acceptSecContext(new Uint8Array(0), options(keytab))).code).toBe('malformed');
    expect(failure(() => acceptSecContext(enc.encode('garbage'), options(keytab))).code).toBe('malformed');
  });

  it('refuses a tampered ticket', () => {
    const creds = issue({ keytab });
    const t = decodeTicket(creds.ticket);
    t.encPart.cipher[20] = t.encPart.cipher[20]! ^ 1;
    const start = initSecContext({ ...creds, ticket: encodeTicket(t) });
    const e = failure(() => acceptSecContext(start.token, options(keytab)));
    expect(e.code).toBe('integrity');
    expect(e.krbErrorCode).toBe(ErrorCode.KRB_AP_ERR_BAD_INTEGRITY);
  });

  it('refuses a replayed authenticator, and keeps separate authenticators apart', () => {
    const creds = issue({ keytab });
    const cache = new ReplayCache();
    const start = initSecContext(creds);
    acceptSecContext(start.token, { keytab, replayCache: cache });
    const e = failure(() => acceptSecContext(start.token, { keytab, replayCache: cache }));
    expect(e.code).toBe('replay');
    expect(e.krbErrorCode).toBe(ErrorCode.KRB_AP_ERR_REPEAT);
    const again = withAuthenticator(start.token, creds, (a) => (a.cusec = (a.cusec + 1) % 1_000_000));
    expect(acceptSecContext(again, { keytab, replayCache: cache }).client).toEqual(ALICE);
    // A refused authenticator is not remembered: after fixing the clock it is accepted.
    const fresh = initSecContext(creds).token;
    failure(() => acceptSecContext(fresh, { keytab, replayCache: cache, now: () => new Date(Date.now() + 3600_000) }));
    expect(acceptSecContext(fresh, { keytab, replayCache: cache }).client).toEqual(ALICE);
  });

  it('refuses a skewed clock, on either side', () => {
    const creds = issue({ keytab });
    const token = initSecContext(creds, { now: () => new Date(Date.now() - 6 * 60_000) }).token;
    const e = failure(() => acceptSecContext(token, options(keytab)));
    expect(e.code).toBe('clock-skew');
    expect(e.krbErrorCode).toBe(ErrorCode.KRB_AP_ERR_SKEW);
    const ok = initSecContext(creds, { now: () => new Date(Date.now() - 4 * 60_000) }).token;
    expect(acceptSecContext(ok, options(keytab)).client).toEqual(ALICE);
    const e2 = failure(() => acceptSecContext(initSecContext(creds).token, options(keytab, { now: () => new Date(Date.now() + 3600_000), maxSkewMs: 60_000 })));
    expect(e2.code).toBe('clock-skew');
  });

  it('refuses expired and not-yet-valid tickets', () => {
    const past = issue({ keytab, authtime: new Date(Date.now() - 10 * 3600_000), endtime: new Date(Date.now() - 3600_000) });
    const e = failure(() => acceptSecContext(initSecContext(past).token, options(keytab)));
    expect(e.code).toBe('ticket-expired');
    expect(e.krbErrorCode).toBe(ErrorCode.KRB_AP_ERR_TKT_EXPIRED);
    // Within the skew after the end time it is still accepted (RFC 4120 §3.2.3).
    const justExpired = issue({ keytab, endtime: new Date(Date.now() - 60_000) });
    expect(acceptSecContext(initSecContext(justExpired).token, options(keytab)).client).toEqual(ALICE);
    const future = issue({ keytab, starttime: new Date(Date.now() + 3600_000), endtime: new Date(Date.now() + 7200_000) });
    const e2 = failure(() => acceptSecContext(initSecContext(future).token, options(keytab)));
    expect(e2.code).toBe('clock-skew');
    expect(e2.krbErrorCode).toBe(ErrorCode.KRB_AP_ERR_TKT_NYV);
    const invalid = issue({ keytab, flags: flagsOf([TicketFlag.invalid]) });
    expect(failure(() => acceptSecContext(initSecContext(invalid).token, options(keytab))).code).toBe('ticket-expired');
  });

  it('refuses an RC4 ticket as an unsupported enctype', () => {
    const creds = issue({ keytab });
    const t = decodeTicket(creds.ticket);
    t.encPart.etype = 23;
    const start = initSecContext({ ...creds, ticket: encodeTicket(t) });
    const e = failure(() => acceptSecContext(start.token, options(keytab)));
    expect(e.code).toBe('unsupported-enctype');
    expect(e.message).toContain('rc4-hmac');
  });

  it('says clearly when it has no key for the ticket', () => {
    const creds = issue({ keytab });
    const other = serviceKeytab([18, 20], 3, { name: { nameType: 2, nameString: ['sip', 'other.keyhop.test'] }, realm: REALM });
    const e1 = failure(() => acceptSecContext(initSecContext(creds).token, options(other)));
    expect([e1.code, e1.krbErrorCode]).toEqual(['kdc-error', ErrorCode.KRB_AP_ERR_NOKEY]);
    expect(e1.message).toContain('sip/proxy.keyhop.test@KEYHOP.TEST');
    const only20 = keytab.filter((k) => k.enctype === 20);
    const e2 = failure(() => acceptSecContext(initSecContext(creds).token, options(only20)));
    expect([e2.code, e2.krbErrorCode]).toEqual(['kdc-error', ErrorCode.KRB_AP_ERR_NOKEY]);
    expect(e2.message).toContain('aes256-cts-hmac-sha384-192');
    const newer = issue({ keytab, kvno: 4 });
    const e3 = failure(() => acceptSecContext(initSecContext(newer).token, options(keytab)));
    expect([e3.code, e3.krbErrorCode]).toEqual(['kdc-error', ErrorCode.KRB_AP_ERR_BADKEYVER]);
    const e4 = failure(() => acceptSecContext(initSecContext(creds).token, options(keytab, { service: 'sip/other.keyhop.test@KEYHOP.TEST' })));
    expect([e4.code, e4.krbErrorCode]).toEqual(['kdc-error', ErrorCode.KRB_AP_ERR_NOT_US]);
    // A stale keytab (same kvno, other key) is an integrity failure.
    const stale = serviceKeytab();
    expect(failure(() => acceptSecContext(initSecContext(creds).token, options(stale))).code).toBe('integrity');
  });

  it('refuses an authenticator that names another client, or lacks the GSS checksum', () => {
    const creds = issue({ keytab });
    const token = initSecContext(creds).token;
    const mallory = withAuthenticator(token, creds, (a) => (a.cname = { nameType: 1, nameString: ['mallory'] }));
    const e = failure(() => acceptSecContext(mallory, options(keytab)));
    expect([e.code, e.krbErrorCode]).toEqual(['integrity', ErrorCode.KRB_AP_ERR_BADMATCH]);
    const noCksum = withAuthenticator(token, creds, (a) => delete a.cksum);
    expect(failure(() => acceptSecContext(noCksum, options(keytab))).code).toBe('malformed');
    const otherCksum = withAuthenticator(token, creds, (a) => (a.cksum = { cksumtype: 16, checksum: new Uint8Array(12) }));
    expect(failure(() => acceptSecContext(otherCksum, options(keytab))).code).toBe('malformed');
    const shortCksum = withAuthenticator(token, creds, (a) => (a.cksum = { cksumtype: 0x8003, checksum: new Uint8Array(10) }));
    expect(failure(() => acceptSecContext(shortCksum, options(keytab))).code).toBe('malformed');
    // A bare AP-REQ may carry no checksum.
    const raw = initSecContext(creds, { framing: 'raw' }).token;
    expect(acceptSecContext(withAuthenticator(raw, creds, (a) => delete a.cksum, 'raw'), options(keytab)).flags).toBe(0);
  });

  it('checks channel bindings when it has some', () => {
    const creds = issue({ keytab });
    const cb = new Uint8Array(16).fill(7);
    expect(acceptSecContext(initSecContext(creds, { channelBinding: cb }).token, options(keytab, { channelBinding: cb })).client).toEqual(ALICE);
    expect(failure(() => acceptSecContext(initSecContext(creds).token, options(keytab, { channelBinding: cb }))).code).toBe('integrity');
  });

  it('refuses other GSS tokens and options it does not implement', () => {
    const creds = issue({ keytab });
    const apReq = unwrapGssToken(initSecContext(creds).token).message;
    expect(failure(() => acceptSecContext(wrapGssToken(GssTokenId.AP_REP, apReq), options(keytab))).code).toBe('malformed');
    expect(failure(() => acceptSecContext(wrapGssToken(GssTokenId.AP_REQ, apReq, '1.3.6.1.5.5.2'), options(keytab))).code).toBe('malformed');
    const u2u = decodeApReq(apReq);
    u2u.apOptions = flagsOf([ApOption.useSessionKey]);
    expect(failure(() => acceptSecContext(encodeApReq(u2u), options(keytab))).krbErrorCode).toBe(ErrorCode.KRB_AP_ERR_METHOD);
  });
});

describe('initiator refusals', () => {
  const keytab = serviceKeytab();

  it('refuses an AP-REP that does not prove the session key, or answers another request', () => {
    const creds = issue({ keytab });
    const a = initSecContext(creds);
    const b = initSecContext(creds);
    if (!a.mutual || !b.mutual) throw new Error('expected mutual');
    const repA = acceptSecContext(a.token, options(keytab)).outputToken as Uint8Array;
    const e = failure(() => completeSecContext(b.pending, repA));
    // Same session key, different authenticator: ctime/cusec do not match (or, rarely, they do).
    if (b.pending.ctime.getTime() !== a.pending.ctime.getTime() || b.pending.cusec !== a.pending.cusec) {
      expect([e.code, e.krbErrorCode]).toEqual(['integrity', ErrorCode.KRB_AP_ERR_MUT_FAIL]);
    }
    const tampered = repA.slice();
    tampered[tampered.length - 2] = tampered[tampered.length - 2]! ^ 1;
    expect(failure(() => completeSecContext(a.pending, tampered)).code).toBe('integrity');
    const other = initSecContext(issue({ keytab }));
    const repOther = acceptSecContext(other.token, options(keytab)).outputToken as Uint8Array;
    expect(failure(() => completeSecContext(a.pending, repOther)).code).toBe('integrity');
    for (let n = 0; n < repA.length; n++) expect(failure(() => completeSecContext(a.pending, repA.subarray(0, n))).code).toBe('malformed');
  });

  it('turns an acceptor KRB-ERROR into a typed error', () => {
    const creds = issue({ keytab });
    const a = initSecContext(creds);
    if (!a.mutual) throw new Error('expected mutual');
    const skew = krbErrorToken(new KrbError('clock-skew', 'clock', ErrorCode.KRB_AP_ERR_SKEW), { server: SERVICE, framing: 'gss' });
    expect(unwrapGssToken(skew).tokId).toBe(GssTokenId.KRB_ERROR);
    const e = failure(() => completeSecContext(a.pending, skew));
    expect([e.code, e.krbErrorCode]).toEqual(['clock-skew', 37]);
    const rawReplay = krbErrorToken(new KrbError('replay', 'again', 34), { server: SERVICE, framing: 'raw' });
    expect(failure(() => completeSecContext(a.pending, rawReplay)).code).toBe('replay');
    const generic = krbErrorToken(new KrbError('malformed', 'bad'), { server: SERVICE, framing: 'gss' });
    expect(failure(() => completeSecContext(a.pending, generic)).krbErrorCode).toBe(60);
    expect(acceptorError({ stime: new Date(0), susec: 0, errorCode: 41, realm: REALM, sname: SERVICE.name }).code).toBe('integrity');
  });

  it('refuses credentials whose session key it cannot use', () => {
    const creds = issue({ keytab });
    expect(failure(() => initSecContext({ ...creds, sessionKey: { enctype: 23, bytes: new Uint8Array(16) } })).code).toBe('unsupported-enctype');
    expect(failure(() => initSecContext({ ...creds, ticket: new Uint8Array([0x61, 0x00]) })).code).toBe('malformed');
  });
});

describe('replay cache', () => {
  it('remembers entries for the window and forgets them after', () => {
    const c = new ReplayCache({ windowMs: 1000, maxEntries: 10 });
    expect(c.check('a', 0, 0)).toBe('new');
    expect(c.check('a', 0, 500)).toBe('replay');
    expect(c.check('a', 0, 2500)).toBe('new');
    c.prune(10_000);
    expect(c.size).toBe(0);
    expect(c.check('b', 0, 0, 5000)).toBe('new');
    expect(c.check('b', 0, 4000)).toBe('replay');
  });

  it('stays bounded: refuses when full of live entries, frees expired ones', () => {
    const c = new ReplayCache({ windowMs: 1000, maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) expect(c.check(k, 0, 0)).toBe('new');
    expect(c.check('d', 0, 10)).toBe('full');
    expect(c.size).toBe(3);
    expect(c.check('d', 1500, 1500)).toBe('new');
    expect(c.size).toBe(1);
  });

  it('makes the acceptor refuse while it is full', () => {
    const keytab = serviceKeytab();
    const creds = issue({ keytab });
    const cache = new ReplayCache({ maxEntries: 1 });
    acceptSecContext(initSecContext(creds).token, { keytab, replayCache: cache });
    const e = failure(() => acceptSecContext(withAuthenticator(initSecContext(creds).token, creds, (a) => (a.cusec = (a.cusec + 7) % 1_000_000)), { keytab, replayCache: cache }));
    expect(e.code).toBe('replay');
    expect(e.message).toContain('Too many');
  });
});

describe('GSS checksum flags', () => {
  it('are carried from initiator to acceptor', () => {
    const keytab = serviceKeytab();
    const flags = GssFlag.MUTUAL | GssFlag.INTEG | GssFlag.SEQUENCE | GssFlag.REPLAY | GssFlag.CONF;
    const start = initSecContext(issue({ keytab }), { flags: flags | GssFlag.DELEG });
    expect(acceptSecContext(start.token, options(keytab)).flags).toBe(flags);
    expect(gssAuthenticatorChecksum({ flags }).cksumtype).toBe(0x8003);
  });
});
