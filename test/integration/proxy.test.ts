import { describe, expect, it } from 'vitest';
import type { SipRequest, SipResponse } from '../../src/sip/message.js';
import { fixturePerFile } from '../support/fixture-per-file.js';
import { startFixture } from '../support/keyhop-fixture.js';
import { contactOf, RawSipClient, SDP, TestUa } from '../support/sip-client.js';

const session = fixturePerFile({ registrar: { minExpires: 1 } }, [{ aor: 'dave@b.keyhop.test', password: 'dave-pass' }]);

async function ua(aor: string, password: string, via: 'ws' | 'tcp' = 'ws'): Promise<TestUa> {
  const domain = aor.split('@')[1]!;
  const proxy = domain === 'a.keyhop.test' ? session.fx.k.proxies.a : session.fx.k.proxies.b;
  // TCP user agents connect from 127.0.0.2 so that nothing mistakes them for a trusted peer.
  const client = session.track(via === 'ws' ? await RawSipClient.ws(proxy.wsUrl) : await RawSipClient.tcp(proxy.tcp.host, proxy.tcp.port, '127.0.0.2'));
  return new TestUa(client, aor, password);
}

async function registered(aor: string, password: string, via: 'ws' | 'tcp' = 'ws'): Promise<TestUa> {
  const u = await ua(aor, password, via);
  const res = await u.register();
  expect(res.status, res.toString()).toBe(200);
  return u;
}

/** Caller INVITEs callee; callee receives it. */
async function invite(caller: TestUa, callee: TestUa, headers: Array<[string, string]> = []): Promise<{ inv: SipRequest; got: SipRequest }> {
  const inv = caller.request('INVITE', `sip:${callee.aor}`, { body: SDP, headers });
  caller.client.send(inv);
  await caller.client.response(100, 'INVITE');
  const got = await callee.client.request('INVITE');
  return { inv, got };
}

describe('registrar', () => {
  it('challenges REGISTER with SHA-256 and MD5 Digest and binds the contact after authentication', async () => {
    const u = await ua('alice@a.keyhop.test', 'alice-pass');
    u.client.send(u.request('REGISTER', 'sip:a.keyhop.test', { to: 'sip:alice@a.keyhop.test' }));
    const challenge = await u.client.response(401, 'REGISTER');
    const algs = challenge.getAll('WWW-Authenticate').map((v) => /algorithm=([\w-]+)/.exec(v)?.[1]);
    expect(algs).toEqual(['SHA-256', 'MD5']);
    for (const alg of ['SHA-256', 'MD5'] as const) {
      const res = await u.register({ algorithm: alg });
      expect(res.status).toBe(200);
      expect(res.get('Contact')).toContain(u.contact);
      expect(res.get('Contact')).toMatch(/expires=\d+/);
    }
  });

  it('refuses a wrong password with a new challenge and creates no binding', async () => {
    const u = await ua('bob@b.keyhop.test', 'nope');
    const res = await u.register();
    expect(res.status).toBe(401);
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    alice.client.send(alice.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP }));
    expect((await alice.client.response((s) => s >= 200, 'INVITE')).status).toBe(480);
    await u.client.nothingFor(200);
  });

  it('refuses to register someone else’s address (403)', async () => {
    const u = await ua('alice@a.keyhop.test', 'alice-pass');
    expect((await u.register()).status).toBe(200);
    u.client.send(u.request('REGISTER', 'sip:a.keyhop.test', { to: 'sip:carol@a.keyhop.test', from: 'carol@a.keyhop.test' }));
    const res = await u.client.response((s) => s >= 200, 'REGISTER');
    expect(res.status).toBe(403);
  });

  it('registers over TCP too', async () => {
    await registered('alice@a.keyhop.test', 'alice-pass', 'tcp');
  });

  it('lets a binding expire', async () => {
    const bob = await ua('bob@b.keyhop.test', 'bob-pass');
    expect((await bob.register({ expires: 1 })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1300));
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    alice.client.send(alice.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP }));
    expect((await alice.client.response((s) => s >= 200, 'INVITE')).status).toBe(480);
    await bob.client.nothingFor(100);
  });

  it('removes the binding when its connection closes', async () => {
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    bob.client.close();
    await bob.client.closedPromise;
    await new Promise((r) => setTimeout(r, 50));
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    alice.client.send(alice.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP }));
    expect((await alice.client.response((s) => s >= 200, 'INVITE')).status).toBe(480);
  });
});

describe('calls through proxy A and proxy B', () => {
  it('sets up a call, routes ACK and BYE through both proxies, and carries the SDP untouched', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    const { got } = await invite(alice, bob);
    expect(got.bodyText()).toBe(SDP);
    expect(got.getAll('Via')).toHaveLength(3);
    expect(got.getAll('Record-Route').length).toBeGreaterThanOrEqual(2);
    expect(Number(got.get('Max-Forwards'))).toBe(68);

    bob.answer(got, 180);
    expect((await alice.client.response(180, 'INVITE')).status).toBe(180);
    bob.answer(got, 200, SDP);
    const ok = await alice.client.response(200, 'INVITE');
    expect(ok.bodyText()).toBe(SDP);

    alice.client.send(alice.inDialog('ACK', ok, true, contactOf(ok), 1));
    const ack = await bob.client.request('ACK');
    expect(ack.callId).toBe(got.callId);

    const bye = bob.inDialog('BYE', got, false, contactOf(got), 1);
    bob.client.send(bye);
    const byeAtAlice = await alice.client.request('BYE');
    expect(byeAtAlice.uri).toBe(alice.contact);
    alice.answer(byeAtAlice, 200);
    expect((await bob.client.response(200, 'BYE')).status).toBe(200);
  });

  it('cancels a ringing call: CANCEL reaches the callee and the caller gets 487', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    const { inv, got } = await invite(alice, bob);
    bob.answer(got, 180);
    await alice.client.response(180, 'INVITE');
    const cancel = alice.request('CANCEL', inv.uri, { callId: inv.callId, cseq: inv.cseq.seq });
    cancel.set('Via', inv.getAll('Via')[0]!);
    alice.client.send(cancel);
    expect((await alice.client.response(200, 'CANCEL')).status).toBe(200);
    const cancelAtBob = await bob.client.request('CANCEL');
    bob.answer(cancelAtBob, 200);
    bob.answer(got, 487);
    expect((await alice.client.response(487, 'INVITE')).status).toBe(487);
    // The proxy acknowledges the 487 to the callee hop by hop.
    expect((await bob.client.request('ACK')).cseq.method).toBe('ACK');
  });

  it('forks to every registration of the callee and cancels the others when one answers', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const bob1 = await registered('bob@b.keyhop.test', 'bob-pass');
    const bob2 = await registered('bob@b.keyhop.test', 'bob-pass');
    alice.client.send(alice.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP }));
    const got1 = await bob1.client.request('INVITE');
    const got2 = await bob2.client.request('INVITE');
    expect(got1.callId).toBe(got2.callId);
    bob1.answer(got1, 180);
    bob2.answer(got2, 180);
    bob1.answer(got1, 200, SDP);
    expect((await alice.client.response(200, 'INVITE')).status).toBe(200);
    const cancel = await bob2.client.request('CANCEL');
    bob2.answer(cancel, 200);
    bob2.answer(got2, 487);
    await new Promise((r) => setTimeout(r, 200));
    const finals = alice.client.received.filter((m) => !m.isRequest && m.status >= 300);
    expect(finals.map((m) => m.startLine()), 'the cancelled fork’s 487 must not reach the caller').toEqual([]);
  });

  it('passes a busy callee’s 486 to the caller', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    const { got } = await invite(alice, bob);
    bob.answer(got, 486);
    expect((await alice.client.response((s) => s >= 200, 'INVITE')).status).toBe(486);
  });
});

describe('seeds 001/002: identity and policy', () => {
  it('answers a forged From with 403 and forwards nothing', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    alice.client.send(alice.request('INVITE', 'sip:bob@b.keyhop.test', { from: 'carol@a.keyhop.test', body: SDP }));
    const res = await alice.client.response((s) => s >= 200, 'INVITE');
    expect(res.status).toBe(403);
    await bob.client.nothingFor(300);
  });

  it('challenges a request on a connection that never authenticated', async () => {
    const mallory = await ua('alice@a.keyhop.test', 'wrong');
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    mallory.client.send(mallory.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP }));
    expect((await mallory.client.response((s) => s >= 200, 'INVITE')).status).toBe(407);
    await bob.client.nothingFor(200);
  });

  it('gives a denied, an offline and a nonexistent callee the same answer, and the denied callee sees nothing', async () => {
    const carol = await registered('carol@a.keyhop.test', 'carol-pass');
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    const answers: string[] = [];
    for (const callee of ['bob@b.keyhop.test', 'dave@b.keyhop.test', 'nobody@b.keyhop.test']) {
      const inv = carol.request('INVITE', `sip:${callee}`, { body: SDP });
      carol.client.send(inv);
      const res = await carol.client.response((s) => s >= 200, 'INVITE');
      answers.push(normalize(res, inv));
    }
    expect(answers[0]).toMatch(/^SIP\/2\.0 480 Temporarily Unavailable\r\n/);
    expect(answers[1]).toBe(answers[0]);
    expect(answers[2]).toBe(answers[0]);
    await bob.client.nothingFor(300);
  });
});

describe('hop limits', () => {
  it('answers Max-Forwards 0 with 483, and a request that runs out of hops at proxy B too', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass');
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    const zero = alice.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP });
    zero.set('Max-Forwards', '0');
    alice.client.send(zero);
    expect((await alice.client.response((s) => s >= 200, 'INVITE')).status).toBe(483);
    const one = alice.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP });
    one.set('Max-Forwards', '1');
    alice.client.send(one);
    expect((await alice.client.response((s) => s >= 200, 'INVITE')).status).toBe(483);
    await bob.client.nothingFor(200);
  });
});

/**
 * The response with everything that may legitimately differ between two calls replaced by the
 * request's own values: Via, tags, and the echoed From/To/Call-ID/CSeq.
 */
function normalize(res: SipResponse, req: SipRequest): string {
  const r = res.clone();
  r.remove('Via');
  const echo = (name: string, value: string | undefined) => {
    const v = r.get(name);
    if (v !== undefined && value !== undefined && v.replace(/;tag=[^;]+/, '') === value.replace(/;tag=[^;]+/, '')) r.set(name, `<${name}>`);
  };
  echo('From', req.get('From'));
  echo('To', req.get('To'));
  echo('Call-ID', req.get('Call-ID'));
  echo('CSeq', req.get('CSeq'));
  return r.toString();
}

describe('transports', () => {
  it('carries a call from a TCP user to a WebSocket user, with a Record-Route for each side', async () => {
    const alice = await registered('alice@a.keyhop.test', 'alice-pass', 'tcp');
    const carol = await registered('carol@a.keyhop.test', 'carol-pass');
    const { got } = await invite(alice, carol);
    const rr = got.getAll('Record-Route');
    expect(rr).toHaveLength(2);
    expect(rr[0]).toContain('transport=tls');
    expect(rr[1]).toContain('transport=tcp');
    carol.answer(got, 200, SDP);
    const ok = await alice.client.response(200, 'INVITE');
    alice.client.send(alice.inDialog('BYE', ok, true, contactOf(ok), 2));
    const bye = await carol.client.request('BYE');
    carol.answer(bye, 200);
    expect((await alice.client.response(200, 'BYE')).status).toBe(200);
  });

  it('treats a TLS client without a deployment certificate as a user agent, not as a proxy', async () => {
    const bob = await registered('bob@b.keyhop.test', 'bob-pass');
    const client = session.track(await RawSipClient.tls(session.fx.k.proxies.b.tls.host, session.fx.k.proxies.b.tls.port));
    const impostor = new TestUa(client, 'alice@a.keyhop.test', 'x');
    impostor.client.send(impostor.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP }));
    expect((await client.response((s) => s >= 200, 'INVITE')).status).toBe(407);
    await bob.client.nothingFor(200);
  });
});

describe('registrar scope', () => {
  it('refuses REGISTER from a trusted trunk and from another proxy', async () => {
    const trunkFx = await startFixture({ trustedPeers: ['127.0.0.1'] });
    try {
      const trunk = await RawSipClient.tcp(trunkFx.k.proxies.a.tcp.host, trunkFx.k.proxies.a.tcp.port);
      const u = new TestUa(trunk, 'alice@a.keyhop.test', 'alice-pass');
      trunk.send(u.request('REGISTER', 'sip:a.keyhop.test', { to: 'sip:alice@a.keyhop.test' }));
      const res = await trunk.response((s) => s >= 200, 'REGISTER');
      expect(res.status).toBe(403);
      expect(res.reason).toBe('Only user agents register here');
      trunk.close();
    } finally {
      await trunkFx.stop();
    }
  });

  it('refuses to bind an address of another domain', async () => {
    const carol = await ua('carol@a.keyhop.test', 'carol-pass');
    expect((await carol.register()).status).toBe(200);
    carol.client.send(carol.request('REGISTER', 'sip:b.keyhop.test', { to: 'sip:carol@a.keyhop.test' }));
    const res = await carol.client.response((s) => s >= 200, 'REGISTER');
    expect(res.status).not.toBe(200);
  });
});
