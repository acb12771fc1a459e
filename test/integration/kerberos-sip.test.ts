/**
 * Kerberos in SIP, MS-SIPAE version 4 profile, proxy side: raw WebSocket user agents get tickets
 * from the embedded KDC (through POST /KdcProxy), register with an AP-REQ and a signature, and
 * check the proxies' signatures on everything the proxies send them.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { completeSecContext, getInitialCredentials, getServiceCredentials, initSecContext, micSigner } from '../../src/krb/client/index.js';
import { parseAuthInfo, parseChallenges } from '../../src/sipae/auth-headers.js';
import { SecurityAssociation } from '../../src/sipae/security-association.js';
import type { SipRequest } from '../../src/sip/message.js';
import { parseAuthValue } from '../../src/sip/auth-params.js';
import { fixturePerFile } from '../support/fixture-per-file.js';
import { kdcProxySend, KerberosUa } from '../support/kerberos-ua.js';
import { startFixture, type Fixture } from '../support/keyhop-fixture.js';
import { branch, contactOf, RawSipClient, SDP, TestUa } from '../support/sip-client.js';

const REALM = 'KEYHOP.TEST';
const shared = fixturePerFile({ registrar: { minExpires: 1 } });

/** A Kerberos user agent of `aor` on a raw WebSocket to the proxy of its domain, closed after the test. */
async function kerberosUa(aor: string, password: string, f: Fixture = shared.fx): Promise<KerberosUa> {
  const domain = aor.split('@')[1]!;
  const proxy = domain === 'a.keyhop.test' ? f.k.proxies.a : f.k.proxies.b;
  const client = shared.track(await RawSipClient.ws(proxy.wsUrl));
  return new KerberosUa(new TestUa(client, aor, password), f.k.httpUrl);
}

async function registered(aor: string, password: string): Promise<KerberosUa> {
  const u = await kerberosUa(aor, password);
  const final = await u.register();
  expect(final.status, final.toString()).toBe(200);
  return u;
}

/** A user agent that writes another user's address in From while authenticating as itself. */
class ForeignFromUa extends TestUa {
  constructor(
    client: RawSipClient,
    aor: string,
    password: string,
    readonly fromAor: string,
  ) {
    super(client, aor, password);
  }

  override request(method: string, uri: string, o: Parameters<TestUa['request']>[2] = {}): SipRequest {
    return super.request(method, uri, { ...o, from: this.fromAor });
  }
}

/** A MESSAGE from `u` to `to`, signed unless told otherwise. */
function message(u: KerberosUa, to: string, signed = true): SipRequest {
  const req = u.ua.request('MESSAGE', `sip:${to}`);
  req.setBody('hello', 'text/plain');
  return signed ? u.sign(req) : req;
}

describe('Kerberos challenge (auth.kerberos = offer)', () => {
  it('REGISTER: 401 with the Kerberos challenge first and the Digest challenges last, and a Date', async () => {
    const u = await kerberosUa('alice@a.keyhop.test', 'alice-pass');
    u.ua.client.send(u.ua.request('REGISTER', 'sip:a.keyhop.test', { to: 'sip:alice@a.keyhop.test' }));
    const r = await u.ua.client.response(401, 'REGISTER');
    expect(r.getAll('Proxy-Authenticate')).toEqual(['Kerberos realm="KEYHOP.TEST", targetname="sip/a.keyhop.test", version=4']);
    expect(r.getAll('WWW-Authenticate').map((v) => parseAuthValue(v).scheme)).toEqual(['Digest', 'Digest']);
    expect(r.toString().indexOf('Proxy-Authenticate: Kerberos')).toBeLessThan(r.toString().indexOf('WWW-Authenticate: Digest'));
    expect(Number.isNaN(Date.parse(r.get('Date') ?? ''))).toBe(false);
  });

  it('other requests: 407 with Kerberos, then SHA-256 and MD5 Digest, in that order', async () => {
    const u = await kerberosUa('alice@a.keyhop.test', 'alice-pass');
    u.ua.client.send(u.ua.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP }));
    const r = await u.ua.client.response(407, 'INVITE');
    expect(r.getAll('Proxy-Authenticate').map((v) => `${parseAuthValue(v).scheme} ${parseAuthValue(v).params.get('algorithm') ?? ''}`.trim())).toEqual(['Kerberos', 'Digest SHA-256', 'Digest MD5']);
    expect(r.get('Date')).toMatch(/GMT$/);
  });

  it('Digest clients still register and call', async () => {
    const client = shared.track(await RawSipClient.ws(shared.fx.k.proxies.a.wsUrl));
    const carol = new TestUa(client, 'carol@a.keyhop.test', 'carol-pass');
    const res = await carol.register();
    expect(res.status).toBe(200);
    expect(res.has('Proxy-Authentication-Info')).toBe(false);
    client.send(carol.request('OPTIONS', 'sip:a.keyhop.test'));
    const options = await client.response((s) => s >= 200, 'OPTIONS');
    expect(options.status).toBe(200);
    expect(options.has('Proxy-Authentication-Info')).toBe(false);
  });
});

describe('Kerberos authentication and signed messages', () => {
  it('REGISTER with an AP-REQ and a signature: 200 OK whose AP-REP completes the context and whose rspauth verifies', async () => {
    const u = await kerberosUa('alice@a.keyhop.test', 'alice-pass');
    const final = await u.register();
    expect(final.status).toBe(200);
    expect(u.sa!.usable).toBe(true);
    // No longer than the tickets of the embedded KDC (kdc.ticketLifetimeSec, 8 hours).
    expect(u.sa!.expiresAt).toBeLessThanOrEqual(Date.now() + 8 * 3600_000);
    expect(shared.fx.k.proxies.a.proxy.kerberos!.size).toBeGreaterThan(0);
  });

  it('a signed INVITE reaches bob signed by proxy B; 100/180/200 back to alice are signed by proxy A; BYE to alice is signed', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');

    const inv = alice.sign(alice.ua.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP }));
    alice.ua.client.send(inv);
    const trying = await alice.ua.client.response(100, 'INVITE');
    expect(alice.sa!.verify(trying)).toEqual({ ok: true });
    const got = await bob.ua.client.request('INVITE');
    expect(bob.sa!.verify(got)).toEqual({ ok: true });
    // Alice's credentials for A are consumed by A.
    expect(got.getAll('Proxy-Authorization')).toEqual([]);

    bob.ua.answer(got, 180);
    const ringing = await alice.ua.client.response(180, 'INVITE');
    expect(alice.sa!.verify(ringing)).toEqual({ ok: true });
    bob.ua.answer(got, 200, SDP);
    const ok = await alice.ua.client.response(200, 'INVITE');
    expect(alice.sa!.verify(ok)).toEqual({ ok: true });
    expect(ok.bodyText()).toBe(SDP);

    alice.ua.client.send(alice.sign(alice.ua.inDialog('ACK', ok, true, contactOf(ok), 1)));
    await bob.ua.client.request('ACK');

    bob.ua.client.send(bob.sign(bob.ua.inDialog('BYE', got, false, contactOf(got), 1)));
    const bye = await alice.ua.client.request('BYE');
    expect(alice.sa!.verify(bye)).toEqual({ ok: true });
    alice.ua.answer(bye, 200);
    const byeOk = await bob.ua.client.response(200, 'BYE');
    expect(bob.sa!.verify(byeOk)).toEqual({ ok: true });
  });

  it('CANCEL: alice\'s signed CANCEL is answered with a signed 200; the CANCEL proxy B sends bob is signed', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    const inv = alice.sign(alice.ua.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP }));
    alice.ua.client.send(inv);
    expect(alice.sa!.verify(await alice.ua.client.response(100, 'INVITE'))).toEqual({ ok: true });
    const got = await bob.ua.client.request('INVITE');
    expect(bob.sa!.verify(got)).toEqual({ ok: true });
    bob.ua.answer(got, 180);
    expect(alice.sa!.verify(await alice.ua.client.response(180, 'INVITE'))).toEqual({ ok: true });

    const cancel = alice.ua.request('CANCEL', inv.uri, { callId: inv.callId, cseq: inv.cseq.seq, to: 'sip:bob@b.keyhop.test' });
    cancel.set('Via', inv.get('Via')!);
    alice.ua.client.send(alice.sign(cancel));
    expect(alice.sa!.verify(await alice.ua.client.response(200, 'CANCEL'))).toEqual({ ok: true });
    const cancelAtBob = await bob.ua.client.request('CANCEL');
    expect(bob.sa!.verify(cancelAtBob)).toEqual({ ok: true });
    bob.ua.answer(cancelAtBob, 200);
    bob.ua.answer(got, 487);
    const terminated = await alice.ua.client.response(487, 'INVITE');
    expect(alice.sa!.verify(terminated)).toEqual({ ok: true });
    const ackAtBob = await bob.ua.client.request('ACK');
    expect(bob.sa!.verify(ackAtBob)).toEqual({ ok: true });
  });

  it('an unsigned request on a Kerberos connection gets 407 and is not forwarded', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    alice.ua.client.send(message(alice, 'bob@b.keyhop.test', false));
    const r = await alice.ua.client.response(407, 'MESSAGE');
    expect(parseChallenges(r.getAll('Proxy-Authenticate'))[0]).toMatchObject({ targetname: 'sip/a.keyhop.test', version: 4 });
    await bob.ua.client.nothingFor(150);
  });

  it('a replayed signed request (new Via, same cnum) gets 407', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    const msg = message(alice, 'bob@b.keyhop.test');
    alice.ua.client.send(msg);
    const got = await bob.ua.client.request('MESSAGE');
    bob.ua.answer(got, 200);
    expect(alice.sa!.verify(await alice.ua.client.response(200, 'MESSAGE'))).toEqual({ ok: true });

    const replay = msg.clone();
    replay.set('Via', alice.ua.via());
    alice.ua.client.send(replay);
    expect((await alice.ua.client.response((s) => s >= 200, 'MESSAGE')).status).toBe(407);
    await bob.ua.client.nothingFor(150);
  });

  it('a header changed after signing gets 407', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const msg = message(alice, 'bob@b.keyhop.test');
    msg.set('To', '<sip:carol@a.keyhop.test>');
    alice.ua.client.send(msg);
    expect((await alice.ua.client.response((s) => s >= 200, 'MESSAGE')).status).toBe(407);
  });

  it('a signed request replayed on another connection gets 407', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const msg = message(alice, 'bob@b.keyhop.test');
    const other = shared.track(await RawSipClient.ws(shared.fx.k.proxies.a.wsUrl));
    msg.set('Via', `SIP/2.0/WS other.invalid;branch=${branch()}`);
    other.send(msg);
    expect((await other.response((s) => s >= 200, 'MESSAGE')).status).toBe(407);
  });

  it('an unsigned CANCEL or ACK on a Kerberos connection is dropped silently', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const cancel = alice.ua.request('CANCEL', 'sip:bob@b.keyhop.test');
    alice.ua.client.send(cancel);
    const ack = alice.ua.request('ACK', 'sip:bob@b.keyhop.test');
    alice.ua.client.send(ack);
    await alice.ua.client.nothingFor(150);
  });

  it('an AP-REQ whose client is not the From user gets 403', async () => {
    const client = shared.track(await RawSipClient.ws(shared.fx.k.proxies.a.wsUrl));
    const u = new KerberosUa(new ForeignFromUa(client, 'alice@a.keyhop.test', 'alice-pass', 'carol@a.keyhop.test'), shared.fx.k.httpUrl);
    const final = await u.register();
    expect(final.status).toBe(403);
  });

  it('de-REGISTER ends the association: the next signed request gets 407', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const before = shared.fx.k.proxies.a.proxy.kerberos!.size;
    const dereg = alice.sign(alice.ua.request('REGISTER', 'sip:a.keyhop.test', { to: 'sip:alice@a.keyhop.test', headers: [['Expires', '0']] }));
    alice.ua.client.send(dereg);
    const res = await alice.ua.client.response((s) => s >= 200, 'REGISTER');
    expect(res.status).toBe(200);
    expect(alice.sa!.verify(res)).toEqual({ ok: true });
    expect(shared.fx.k.proxies.a.proxy.kerberos!.size).toBeLessThan(before);
    alice.ua.client.send(message(alice, 'bob@b.keyhop.test'));
    expect((await alice.ua.client.response((s) => s >= 200, 'MESSAGE')).status).toBe(407);
  });
});

describe('association expiry', () => {
  it('after min(ticket end, 8 h) the association is gone: 407, then the client authenticates again', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const later = Math.max(alice.sa!.expiresAt, Date.now()) + 60_000;
    const clock = vi.spyOn(Date, 'now').mockReturnValue(later);
    try {
      alice.ua.client.send(message(alice, 'bob@b.keyhop.test'));
      const r = await alice.ua.client.response((s) => s >= 200, 'MESSAGE');
      expect(r.status).toBe(407);
    } finally {
      clock.mockRestore();
    }
    // The connection stays Kerberos-only: the fresh, unsigned REGISTER gets the Kerberos 407.
    const final = await alice.register({ expectChallenge: 407 });
    expect(final.status).toBe(200);
  });
});

describe('a restarted proxy, auth.kerberos = require', () => {
  let fresh: Fixture;
  beforeAll(async () => {
    fresh = await startFixture({ auth: { kerberos: 'require' } });
  });
  afterAll(async () => {
    await fresh?.stop();
  });

  it('does not know the association: 407, and the client authenticates again', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    // The same client, its association kept, on a proxy that started afresh.
    const client = shared.track(await RawSipClient.ws(fresh.k.proxies.a.wsUrl));
    const again = new KerberosUa(new TestUa(client, 'alice@a.keyhop.test', 'alice-pass'), fresh.k.httpUrl);
    again.sa = alice.sa;
    client.send(message(again, 'bob@b.keyhop.test'));
    const r = await client.response((s) => s >= 200, 'MESSAGE');
    expect(r.status).toBe(407);
    expect(r.getAll('Proxy-Authenticate')).toEqual(['Kerberos realm="KEYHOP.TEST", targetname="sip/a.keyhop.test", version=4']);
    const final = await again.register({ expectChallenge: 407 });
    expect(final.status).toBe(200);
  });

  it('offers no Digest and accepts none', async () => {
    const client = shared.track(await RawSipClient.ws(fresh.k.proxies.a.wsUrl));
    const carol = new TestUa(client, 'carol@a.keyhop.test', 'carol-pass');
    const res = await carol.register();
    expect(res.status).toBe(407);
    expect(res.getAll('Proxy-Authenticate').map((v) => parseAuthValue(v).scheme)).toEqual(['Kerberos']);
    expect(res.has('WWW-Authenticate')).toBe(false);
  });
});

describe('auth.challengeForeign: proxy B challenges callers of domain A too', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await startFixture({ auth: { challengeForeign: true } });
  });
  afterAll(async () => {
    await f?.stop();
  });

  it('the caller holds two associations; both proxies sign the answers', async () => {
    const reg = async (aor: string, password: string) => {
      const u = await kerberosUa(aor, password, f);
      expect((await u.register()).status).toBe(200);
      return u;
    };
    const alice = await reg('alice@a.keyhop.test', 'alice-pass');
    const bob = await reg('bob@b.keyhop.test', 'bob-pass');

    const callId = 'foreign-call@test';
    alice.ua.client.send(alice.sign(alice.ua.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP, callId, cseq: 1 })));
    expect(alice.sa!.verify(await alice.ua.client.response(100, 'INVITE'))).toEqual({ ok: true });
    const challenged = await alice.ua.client.response(407, 'INVITE');
    expect(alice.sa!.verify(challenged)).toEqual({ ok: true });
    const chal = parseChallenges(challenged.getAll('Proxy-Authenticate'))[0]!;
    expect(chal).toMatchObject({ realm: REALM, targetname: 'sip/b.keyhop.test', version: 4 });

    // A ticket for proxy B, and the INVITE again with both proxies' credentials.
    const send = kdcProxySend(f.k.httpUrl);
    const tgt = await getInitialCredentials({ client: `alice@${REALM}`, password: 'alice-pass', send });
    const svc = await getServiceCredentials({ tgt, server: `sip/b.keyhop.test@${REALM}`, send });
    const start = initSecContext(svc);
    if (!start.mutual) throw new Error('expected mutual authentication');
    const saB = new SecurityAssociation(chal);
    saB.acquiring();
    saB.pending(micSigner({ keys: { sessionKey: svc.sessionKey, initiatorSubkey: start.pending.initiatorSubkey }, flags: start.pending.flags, client: svc.client, server: svc.server, endtime: svc.endtime, initiatorSeq: start.pending.initiatorSeq, acceptorSeq: 0 }, 'initiator'));
    // Alice's user agent signing with its association with proxy B.
    const aliceForB = new KerberosUa(alice.ua, f.k.httpUrl);
    aliceForB.sa = saB;
    const inv = alice.ua.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP, callId, cseq: 2 });
    alice.sign(inv);
    aliceForB.sign(inv, Buffer.from(start.token).toString('base64'));
    alice.ua.client.send(inv);
    expect(alice.sa!.verify(await alice.ua.client.response(100, 'INVITE'))).toEqual({ ok: true });

    const got = await bob.ua.client.request('INVITE');
    expect(bob.sa!.verify(got)).toEqual({ ok: true });
    expect(got.getAll('Proxy-Authorization')).toEqual([]);
    bob.ua.answer(got, 200, SDP);
    const ok = await alice.ua.client.response(200, 'INVITE');
    expect(alice.sa!.verify(ok)).toEqual({ ok: true });
    const infoB = ok.getAll('Proxy-Authentication-Info').map((v) => parseAuthInfo(v)!).find((i) => i.targetname === 'sip/b.keyhop.test')!;
    const ctxB = completeSecContext(start.pending, new Uint8Array(Buffer.from(infoB.gssapiData!, 'base64')));
    saB.established(micSigner(ctxB, 'initiator'), infoB.opaque, ctxB.endtime.getTime());
    expect(saB.verify(ok)).toEqual({ ok: true });

    const ack = alice.ua.inDialog('ACK', ok, true, contactOf(ok), 2);
    alice.sign(ack);
    aliceForB.sign(ack);
    alice.ua.client.send(ack);
    await bob.ua.client.request('ACK');

    // Signed for A only: B refuses it.
    alice.ua.client.send(alice.sign(alice.ua.inDialog('BYE', ok, true, contactOf(ok), 3)));
    const refused = await alice.ua.client.response((s) => s >= 200, 'BYE');
    expect(refused.status).toBe(407);
    expect(parseChallenges(refused.getAll('Proxy-Authenticate'))[0]!.targetname).toBe('sip/b.keyhop.test');

    const bye = alice.ua.inDialog('BYE', ok, true, contactOf(ok), 4);
    alice.sign(bye);
    aliceForB.sign(bye);
    alice.ua.client.send(bye);
    const byeAtBob = await bob.ua.client.request('BYE');
    expect(bob.sa!.verify(byeAtBob)).toEqual({ ok: true });
    bob.ua.answer(byeAtBob, 200);
    const byeOk = await alice.ua.client.response(200, 'BYE');
    expect(alice.sa!.verify(byeOk)).toEqual({ ok: true });
    expect(saB.verify(byeOk)).toEqual({ ok: true });
  });
});

describe('startup', () => {
  it('refuses to start without the proxies\' keys when auth.kerberos is require', async () => {
    await expect(startFixture({ auth: { kerberos: 'require' }, kdc: { external: '127.0.0.1:1', keytab: '/nonexistent/proxies.keytab' } })).rejects.toThrow(/keytab .*sip\/a\.keyhop\.test@KEYHOP\.TEST/);
  });

  it('with offer and no keys, warns and challenges with Digest only', async () => {
    const f = await startFixture({ logLevel: 'silent', kdc: { external: '127.0.0.1:1', keytab: '/nonexistent/proxies.keytab' } });
    try {
      expect(f.k.proxies.a.proxy.kerberos).toBeNull();
      const client = shared.track(await RawSipClient.ws(f.k.proxies.a.wsUrl));
      const carol = new TestUa(client, 'carol@a.keyhop.test', 'carol-pass');
      client.send(carol.request('REGISTER', 'sip:a.keyhop.test', { to: 'sip:carol@a.keyhop.test' }));
      const r = await client.response(401, 'REGISTER');
      expect(r.has('Proxy-Authenticate')).toBe(false);
      expect(r.getAll('WWW-Authenticate')).toHaveLength(2);
    } finally {
      await f.stop();
    }
  });
});
