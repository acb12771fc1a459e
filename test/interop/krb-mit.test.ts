/**
 * Interop: Keyhop's Kerberos client and acceptor against MIT Kerberos (Debian krb5-kdc,
 * krb5-user, python3-gssapi), in a throw-away realm on loopback.
 *
 * (a) Keyhop's client gets TGTs and service tickets from MIT's KDC through Keyhop's /KdcProxy
 *     (MIT configured as Keyhop's external KDC), for every AES enctype, and gets the typed error
 *     MIT's refusals call for.
 * (b) Keyhop's acceptor validates an AP-REQ made by MIT's GSS-API (python-gssapi) with keys from
 *     the keytab MIT's kadmin exported, and MIT's GSS-API completes the context with Keyhop's AP-REP.
 * (c) MIC tokens both ways over such contexts, for enctypes 18 and 20.
 * (d) The other way round: MIT's GSS-API acceptor accepts Keyhop's AP-REQ, Keyhop's initiator
 *     accepts MIT's AP-REP, and MICs flow both ways.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketFlag, hasFlag } from '../../src/krb/asn1/flags.js';
import { GssFlag } from '../../src/krb/asn1/gss-checksum.js';
import { decodeTicket } from '../../src/krb/asn1/ticket.js';
import { acceptSecContext, ReplayCache } from '../../src/krb/acceptor/index.js';
import {
  completeSecContext,
  getInitialCredentials,
  getServiceCredentials,
  initSecContext,
  micSigner,
  sipServicePrincipal,
  type Credentials,
  type KdcSend,
} from '../../src/krb/client/index.js';
import { KrbError } from '../../src/krb/errors.js';
import { verifyMic } from '../../src/krb/gss/mic.js';
import { readKeytab, type KeytabEntry } from '../../src/krb/keytab.js';
import { kdcProxySend } from '../../src/ua/kdc-proxy.js';
import { startFixture, type Fixture } from '../support/keyhop-fixture.js';
import { b64, mitVersion, startGssPeer, startMitRealm, tcpExchange, unb64, type MitRealm } from '../support/mit-krb.js';
import { freePort } from '../support/sipp.js';

const SIP = 'sip/proxy.mit.test';
/** A second service whose only key is aes256-cts-hmac-sha384-192, so its tickets are etype 20. */
const SIP_SHA2 = 'sip/proxy-sha2.mit.test';
const enc = new TextEncoder();

let mit: MitRealm;
/** Keyhop in front of MIT's KDC: the client reaches MIT only through Keyhop's /KdcProxy. */
let keyhop: Fixture;
let keytab: KeytabEntry[];
let keytabPath: string;
/** Keyhop's transport to MIT's KDC: MS-KKDCP through Keyhop's /KdcProxy. */
let send: KdcSend;

async function failure(p: Promise<unknown>): Promise<KrbError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(KrbError);
    return e as KrbError;
  }
  throw new Error('expected a KrbError');
}

beforeAll(async () => {
  mit = await startMitRealm({ realm: 'MIT.TEST' });
  keyhop = await startFixture({ kdc: { realm: 'MIT.TEST', external: `127.0.0.1:${mit.port}` } });
  send = kdcProxySend(`${keyhop.k.httpUrl}/KdcProxy`);
  keytabPath = join(mit.dir, 'sip.keytab');
  mit.kadmin('addprinc -pw alice-pw alice');
  mit.kadmin('addprinc -pw bob-pw -requires_preauth bob');
  mit.kadmin('addprinc -pw carol-pw -e aes256-cts-hmac-sha384-192:normal carol');
  mit.kadmin(`addprinc -randkey ${SIP}`);
  mit.kadmin(`ktadd -k ${keytabPath} -e aes256-cts-hmac-sha1-96:normal,aes256-cts-hmac-sha384-192:normal ${SIP}`);
  mit.kadmin(`addprinc -randkey -e aes256-cts-hmac-sha384-192:normal ${SIP_SHA2}`);
  mit.kadmin(`ktadd -k ${keytabPath} -e aes256-cts-hmac-sha384-192:normal ${SIP_SHA2}`);
  keytab = readKeytab(new Uint8Array(readFileSync(keytabPath)));
  console.log(`MIT Kerberos ${mitVersion()}: realm ${mit.realm}, KDC on 127.0.0.1:${mit.port}, keytab ${keytab.map((e) => `${e.principal.name.nameString.join('/')}:${e.enctype}/kvno${e.kvno}`).join(' ')}`);
});

afterAll(async () => {
  await keyhop?.stop();
  await mit?.stop();
});

describe('(a) Keyhop client ↔ MIT KDC', () => {
  it('gets a TGT (pre-authenticated) and a service ticket for sip/proxy.mit.test', { timeout: 60_000 }, async () => {
    const tgt = await getInitialCredentials({ client: 'alice', realm: 'MIT.TEST', password: 'alice-pw', send });
    expect(tgt.client.name.nameString).toEqual(['alice']);
    expect(tgt.server.name.nameString).toEqual(['krbtgt', 'MIT.TEST']);
    expect(tgt.sessionKey.enctype).toBe(18);
    expect(hasFlag(tgt.flags, TicketFlag.initial)).toBe(true);
    expect(hasFlag(tgt.flags, TicketFlag.preAuthent)).toBe(true);
    expect(hasFlag(tgt.flags, TicketFlag.encPaRep)).toBe(true); // MIT checksummed our AS-REQ and we verified it
    expect(Math.abs(tgt.kdcTimeOffsetMs)).toBeLessThan(2000);

    const svc = await getServiceCredentials({ tgt, server: SIP, send });
    expect(svc.server).toEqual(sipServicePrincipal('proxy.mit.test', 'MIT.TEST'));
    expect(svc.client).toEqual(tgt.client);
    const ticket = decodeTicket(svc.ticket);
    expect(ticket.encPart.etype).toBe(18);
    expect(ticket.encPart.kvno).toBe(2);

    // The MIT-issued ticket, used by Keyhop's initiator, is accepted by Keyhop's acceptor with MIT's keytab.
    const start = initSecContext(svc);
    if (!start.mutual) throw new Error('expected mutual authentication');
    const acc = acceptSecContext(start.token, { keytab, replayCache: new ReplayCache(), service: `${SIP}@MIT.TEST` });
    expect(acc.client.name.nameString).toEqual(['alice']);
    const ctx = completeSecContext(start.pending, acc.outputToken as Uint8Array);
    const m = enc.encode('REGISTER');
    expect(micSigner(acc, 'acceptor').verifyMic(m, micSigner(ctx, 'initiator').getMic(m))).toBe(true);
  });

  for (const etype of [17, 18, 19, 20]) {
    it(`derives the user's key for enctype ${etype} from MIT's ETYPE-INFO2`, { timeout: 60_000 }, async () => {
      const tgt = await getInitialCredentials({ client: 'alice@MIT.TEST', password: 'alice-pw', send, etypes: [etype] });
      expect(tgt.sessionKey.enctype).toBe(etype);
      expect(mit.log()).toContain(`rep=${['', 'aes128-cts-hmac-sha1-96(17)', 'aes256-cts-hmac-sha1-96(18)', 'aes128-cts-hmac-sha256-128(19)', 'aes256-cts-hmac-sha384-192(20)'][etype - 16]}`);
    });
  }

  it('logs in a user whose only key is aes256-cts-hmac-sha384-192, and one without pre-authentication', { timeout: 60_000 }, async () => {
    const carol = await getInitialCredentials({ client: 'carol', realm: 'MIT.TEST', password: 'carol-pw', send });
    expect(carol.client.name.nameString).toEqual(['carol']);
    const bob = await getInitialCredentials({ client: 'bob', realm: 'MIT.TEST', password: 'bob-pw', send });
    expect(hasFlag(bob.flags, TicketFlag.preAuthent)).toBe(false);
    expect((await failure(getInitialCredentials({ client: 'bob', realm: 'MIT.TEST', password: 'wrong', send }))).code).toBe('wrong-password');
  });

  it('works with the canonicalize option and with service tickets of enctype 20', { timeout: 60_000 }, async () => {
    const tgt = await getInitialCredentials({ client: 'alice', realm: 'MIT.TEST', password: 'alice-pw', send, canonicalize: true });
    expect(tgt.client.name.nameString).toEqual(['alice']);
    const svc = await getServiceCredentials({ tgt, server: SIP_SHA2, send, canonicalize: true, etypes: [20] });
    expect(svc.sessionKey.enctype).toBe(20);
    expect(decodeTicket(svc.ticket).encPart.etype).toBe(20);
  });

  it("turns MIT's refusals into typed errors", { timeout: 60_000 }, async () => {
    const wrong = await failure(getInitialCredentials({ client: 'alice', realm: 'MIT.TEST', password: 'nope', send }));
    expect([wrong.code, wrong.krbErrorCode, wrong.message]).toEqual(['wrong-password', 24, 'Wrong user name or password']);
    const unknown = await failure(getInitialCredentials({ client: 'nobody', realm: 'MIT.TEST', password: 'x', send }));
    expect([unknown.code, unknown.krbErrorCode]).toEqual(['unknown-principal', 6]);
    const skewed = () => new Date(Date.now() + 2 * 3600_000);
    const skew = await failure(getInitialCredentials({ client: 'alice', realm: 'MIT.TEST', password: 'alice-pw', send, now: skewed }));
    expect([skew.code, skew.krbErrorCode]).toEqual(['clock-skew', 37]);
    const synced = await getInitialCredentials({ client: 'alice', realm: 'MIT.TEST', password: 'alice-pw', send, now: skewed, useKdcTime: true });
    expect(Math.round(synced.kdcTimeOffsetMs / 60_000)).toBe(-120);

    const tgt = await getInitialCredentials({ client: 'alice', realm: 'MIT.TEST', password: 'alice-pw', send });
    const noService = await failure(getServiceCredentials({ tgt, server: 'sip/nowhere.mit.test', send }));
    expect([noService.code, noService.krbErrorCode]).toEqual(['unknown-principal', 7]);
    const noEtype = await failure(getServiceCredentials({ tgt, server: SIP, send, etypes: [17] }));
    expect([noEtype.code, noEtype.krbErrorCode]).toEqual(['unsupported-enctype', 14]);
    const carolAes128 = await failure(getInitialCredentials({ client: 'carol', realm: 'MIT.TEST', password: 'carol-pw', send, etypes: [17] }));
    expect(carolAes128.code, `${carolAes128.krbErrorCode} ${carolAes128.message}`).toBe('unsupported-enctype');

    const closed = await freePort();
    const unreachable = await failure(
      getInitialCredentials({ client: 'alice', realm: 'MIT.TEST', password: 'alice-pw', send: (req) => tcpExchange('127.0.0.1', closed, req, 5000) }),
    );
    expect(unreachable.code).toBe('kdc-unreachable');
  });
});

/** kinit with a krb5.conf that permits only `etype`, in a ccache of its own; returns the env for GSS-API. */
function mitClientEnv(etype: number): NodeJS.ProcessEnv {
  const config = mit.clientConfig(`client-${etype}`, { enctypes: [etype] });
  const ccache = join(mit.dir, `ccache-${etype}`);
  mit.kinit('alice', 'alice-pw', { ccache, config });
  return mit.env({ KRB5_CONFIG: config, KRB5CCNAME: `FILE:${ccache}` });
}

describe('(b, c) MIT GSS-API initiator → Keyhop acceptor, MICs both ways', () => {
  const cases = [
    { etype: 18, service: 'sip@proxy.mit.test' },
    { etype: 20, service: 'sip@proxy-sha2.mit.test' },
  ];
  for (const { etype, service } of cases) {
    it(`accepts MIT's AP-REQ, MIT completes with Keyhop's AP-REP, MICs verify (enctype ${etype})`, { timeout: 60_000 }, async () => {
      const peer = startGssPeer('initiate', service, mitClientEnv(etype));
      try {
        const [tag, token] = await peer.read();
        expect(tag, peer.stderr()).toBe('TOKEN');
        const acc = acceptSecContext(unb64(token as string), { keytab, replayCache: new ReplayCache() });
        expect(acc.client.name.nameString).toEqual(['alice']);
        expect(acc.client.realm).toBe('MIT.TEST');
        expect(acc.server.name.nameString).toEqual(['sip', service.split('@')[1]]);
        expect(acc.framing).toBe('gss');
        expect(acc.ticketEnctype).toBe(etype);
        expect(acc.keys.sessionKey.enctype).toBe(etype);
        expect(acc.keys.initiatorSubkey?.enctype).toBe(etype);
        expect(acc.flags & (GssFlag.MUTUAL | GssFlag.INTEG)).toBe(GssFlag.MUTUAL | GssFlag.INTEG);
        expect(acc.endtime.getTime()).toBeGreaterThan(Date.now());

        peer.write('REPLY', b64(acc.outputToken as Uint8Array));
        const [done] = await peer.read();
        expect(done, peer.stderr()).toBe('COMPLETE');
        expect(acc.keys.acceptorSubkey?.enctype).toBe(etype);

        // MIT → Keyhop: GSS_GetMIC by the initiator (acceptor subkey, usage 25).
        const signer = micSigner(acc, 'acceptor');
        for (let i = 0; i < 2; i++) {
          const msg = enc.encode(`REGISTER sip:mit.test #${i} (enctype ${etype})`);
          peer.write('SIGN', b64(msg));
          const [micTag, mic] = await peer.read();
          expect(micTag).toBe('MIC');
          const token = unb64(mic as string);
          expect(token.length).toBe(16 + (etype === 20 ? 24 : 12));
          expect(token[2]).toBe(0x04); // AcceptorSubkey, not SentByAcceptor
          expect(verifyMic(acc.keys, msg, token, false).seq).toBe(BigInt(acc.initiatorSeq + i));
          expect(signer.verifyMic(msg, token)).toBe(true);
          expect(signer.verifyMic(enc.encode('tampered'), token)).toBe(false);
        }

        // Keyhop → MIT: GSS_GetMIC by the acceptor (usage 23), in sequence from the AP-REP's number.
        for (let i = 0; i < 2; i++) {
          const msg = enc.encode(`SIP/2.0 200 OK #${i}`);
          const mic = signer.getMic(msg);
          peer.write('VERIFY', b64(msg), b64(mic));
          expect((await peer.read()).join(' ')).toBe('OK');
        }
        const msg = enc.encode('SIP/2.0 200 OK');
        const bad = signer.getMic(msg);
        bad[bad.length - 1] = bad[bad.length - 1]! ^ 1;
        peer.write('VERIFY', b64(msg), b64(bad));
        expect((await peer.read())[0]).toBe('ERR');
      } finally {
        await peer.stop();
      }
    });
  }

  it('refuses a replay of the MIT token', { timeout: 60_000 }, async () => {
    const peer = startGssPeer('initiate', 'sip@proxy.mit.test', mitClientEnv(18));
    try {
      const [, token] = await peer.read();
      const cache = new ReplayCache();
      acceptSecContext(unb64(token as string), { keytab, replayCache: cache });
      const e = (() => {
        try {
          acceptSecContext(unb64(token as string), { keytab, replayCache: cache });
        } catch (err) {
          return err as KrbError;
        }
        throw new Error('replay accepted');
      })();
      expect([e.code, e.krbErrorCode]).toEqual(['replay', 34]);
    } finally {
      await peer.stop();
    }
  });
});

describe('(d) Keyhop initiator → MIT GSS-API acceptor', () => {
  const cases = [
    { etype: 18, server: SIP, service: 'sip@proxy.mit.test' },
    { etype: 20, server: SIP_SHA2, service: 'sip@proxy-sha2.mit.test' },
  ];
  for (const { etype, server, service } of cases) {
    it(`MIT accepts Keyhop's AP-REQ, Keyhop accepts MIT's AP-REP, MICs verify (enctype ${etype})`, { timeout: 60_000 }, async () => {
      const tgt: Credentials = await getInitialCredentials({ client: 'alice', realm: 'MIT.TEST', password: 'alice-pw', send, etypes: [etype] });
      const svc = await getServiceCredentials({ tgt, server, send, etypes: [etype] });
      const start = initSecContext(svc);
      if (!start.mutual) throw new Error('expected mutual authentication');
      const peer = startGssPeer('accept', service, mit.env({ KRB5_KTNAME: `FILE:${keytabPath}` }));
      try {
        peer.write('TOKEN', b64(start.token));
        const [tag, reply, initiator] = await peer.read();
        expect(tag, `${String(reply)} ${peer.stderr()}`).toBe('REPLY');
        expect(initiator).toBe('alice@MIT.TEST');
        const ctx = completeSecContext(start.pending, unb64(reply as string));
        expect(ctx.keys.acceptorSubkey?.enctype).toBe(etype);

        const signer = micSigner(ctx, 'initiator');
        for (let i = 0; i < 2; i++) {
          const msg = enc.encode(`INVITE sip:bob@mit.test #${i}`);
          peer.write('VERIFY', b64(msg), b64(signer.getMic(msg)));
          expect((await peer.read()).join(' ')).toBe('OK');
          peer.write('SIGN', b64(msg));
          const [micTag, mic] = await peer.read();
          expect(micTag).toBe('MIC');
          const token = unb64(mic as string);
          expect(token[2]).toBe(0x05); // SentByAcceptor | AcceptorSubkey
          expect(verifyMic(ctx.keys, msg, token, true).seq).toBe(BigInt(ctx.acceptorSeq + i));
          expect(signer.verifyMic(msg, token)).toBe(true);
        }
      } finally {
        await peer.stop();
      }
    });
  }
});
