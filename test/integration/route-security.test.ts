/**
 * Route-Security through proxies A and B (seeds 001/002 R21–R26), over real sockets: raw
 * WebSocket user agents that authenticate with Digest add their own entry and check the chain
 * with the proxies' certificate keys, as a browser would.
 *
 * Levels expected with Digest over plain WebSocket: the user agents' links (alice→A, B→bob) are
 * level 1, authenticated but neither signed nor encrypted; A→B is mutual TLS, level 3. When A
 * reaches B over TCP as a trusted peer, A→B is level 0: nobody proved who is at either end.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HEADER, parseChain, type Level } from '../../src/hopsec/index.js';
import type { DeepPartial, KeyhopConfig } from '../../src/server/config.js';
import type { SipRequest, SipResponse } from '../../src/sip/message.js';
import { startFixture, type Fixture } from '../support/keyhop-fixture.js';
import { checkChain, contactOf, proxyKeys, RawSipClient, SDP, TestUa } from '../support/sip-client.js';
import { KerberosUa } from '../support/kerberos-ua.js';
import { freePort } from '../support/sipp.js';

const A = 'a.keyhop.test';
const B = 'b.keyhop.test';
const ALICE = `alice@${A}`;
const BOB = `bob@${B}`;

/** One Keyhop for a describe block, and the user agents each test opens on it. */
function deployment(overrides: () => Promise<DeepPartial<KeyhopConfig>>) {
  const d = { fx: undefined as unknown as Fixture, open: [] as RawSipClient[], keys: (_: string): Uint8Array | undefined => undefined };
  beforeAll(async () => {
    d.fx = await startFixture(await overrides());
    d.keys = proxyKeys(d.fx.k.config.dataDir, [A, B]);
  });
  afterEach(async () => {
    const clients = d.open.splice(0);
    for (const c of clients) c.close();
    await Promise.all(clients.map((c) => c.closedPromise));
  });
  afterAll(async () => {
    await d.fx.stop();
  });
  return {
    get keys() {
      return d.keys;
    },
    /** A user agent registered with Digest over WebSocket; `level` set = it adds its own entry. */
    async ua(aor: string, level: Level | null): Promise<TestUa> {
      const proxy = aor.endsWith(A) ? d.fx.k.proxies.a : d.fx.k.proxies.b;
      const client = await RawSipClient.ws(proxy.wsUrl);
      d.open.push(client);
      const u = new TestUa(client, aor, `${aor.split('@')[0]}-pass`);
      const res = await u.register();
      expect(res.status, res.toString()).toBe(200);
      u.routeSecurityLevel = level;
      return u;
    },
    /** A user agent registered with Kerberos over WebSocket, adding its own entry at `level`. */
    async kerberosUa(aor: string, level: Level): Promise<KerberosUa> {
      const client = await RawSipClient.ws(aor.endsWith(A) ? d.fx.k.proxies.a.wsUrl : d.fx.k.proxies.b.wsUrl);
      d.open.push(client);
      const k = new KerberosUa(new TestUa(client, aor, `${aor.split('@')[0]}-pass`), d.fx.k.httpUrl);
      const res = await k.register();
      expect(res.status, res.toString()).toBe(200);
      k.ua.routeSecurityLevel = level;
      return k;
    },
  };
}

/** Over TCP, with loopback a trusted peer: A reaches B at a fixed port without mutual TLS. */
async function aToBOverTcp(more: DeepPartial<KeyhopConfig>): Promise<DeepPartial<KeyhopConfig>> {
  const bTcp = await freePort();
  return { trustedPeers: ['127.0.0.1'], routes: { [B]: `tcp:127.0.0.1:${bTcp}` }, proxies: { a: { tcpPort: 0, tlsPort: 0 }, b: { tcpPort: bTcp, tlsPort: 0 } }, ...more };
}

/** Entries of a message in path order, as node/level/transport/signed. */
function hops(m: SipRequest | SipResponse) {
  return parseChain(m).map((e) => ({ node: e.node, level: e.level, tr: e.transport, signed: e.sig !== undefined, unattested: e.unattested }));
}

async function inviteArriving(alice: TestUa, bob: TestUa): Promise<{ inv: SipRequest; got: SipRequest }> {
  const inv = alice.request('INVITE', `sip:${BOB}`, { body: SDP });
  alice.client.send(inv);
  const got = await bob.client.request('INVITE');
  return { inv, got };
}

describe('lenient proxies (the default), every hop adding its entry', () => {
  const dep = deployment(async () => ({}));

  it('shows the whole path to the callee and, copied, to the caller; ACK and BYE carry chains too', async () => {
    const alice = await dep.ua(ALICE, 1);
    const bob = await dep.ua(BOB, 1);
    const { got } = await inviteArriving(alice, bob);
    expect(hops(got)).toEqual([
      { node: ALICE, level: 1, tr: 'ws', signed: false, unattested: false },
      { node: A, level: 3, tr: 'tls', signed: true, unattested: false },
      { node: B, level: 1, tr: 'ws', signed: true, unattested: false },
    ]);
    expect(got.getAll('Warning')).toEqual([]);
    const atBob = checkChain(got, dep.keys, { minLevel: 1 });
    expect(atBob.failures).toEqual([]);
    expect(atBob.hops.map((h) => h.attested)).toEqual([true, true, true]);

    bob.answer(got, 200, SDP);
    const ok = await alice.client.response(200, 'INVITE');
    expect(ok.getAll(HEADER)).toEqual(got.getAll(HEADER));
    expect(ok.getAll('Warning')).toEqual([]);
    expect(checkChain(ok, dep.keys, { minLevel: 1, own: ALICE }).failures).toEqual([]);

    alice.client.send(alice.inDialog('ACK', ok, true, contactOf(ok), 1));
    const ack = await bob.client.request('ACK');
    expect(hops(ack).map((h) => h.node)).toEqual([ALICE, A, B]);
    expect(checkChain(ack, dep.keys, { minLevel: 1 }).ok).toBe(true);

    bob.client.send(bob.inDialog('BYE', got, false, contactOf(got), 1));
    const bye = await alice.client.request('BYE');
    expect(hops(bye)).toEqual([
      { node: BOB, level: 1, tr: 'ws', signed: false, unattested: false },
      { node: B, level: 3, tr: 'tls', signed: true, unattested: false },
      { node: A, level: 1, tr: 'ws', signed: true, unattested: false },
    ]);
    expect(checkChain(bye, dep.keys, { minLevel: 1 }).ok).toBe(true);
    alice.answer(bye, 200);
    const byeOk = await bob.client.response(200, 'BYE');
    expect(checkChain(byeOk, dep.keys, { minLevel: 1, own: BOB }).ok).toBe(true);
  });

  it('with Kerberos the user agents’ links are level 2: authenticated, every message signed, not encrypted', async () => {
    const alice = await dep.kerberosUa(ALICE, 2);
    const bob = await dep.kerberosUa(BOB, 2);
    alice.ua.client.send(alice.sign(alice.ua.request('INVITE', `sip:${BOB}`, { body: SDP })));
    const got = await bob.ua.client.request('INVITE');
    expect(bob.verifies(got)).toBe(true);
    expect(hops(got)).toEqual([
      { node: ALICE, level: 2, tr: 'ws', signed: false, unattested: false },
      { node: A, level: 3, tr: 'tls', signed: true, unattested: false },
      { node: B, level: 2, tr: 'ws', signed: true, unattested: false },
    ]);
    expect(got.getAll('Warning')).toEqual([]);
    expect(checkChain(got, dep.keys, { minLevel: 2 }).failures).toEqual([]);
    expect(checkChain(got, dep.keys, { minLevel: 3 }).reason).toBe('below-minimum');

    bob.ua.answer(got, 200, SDP);
    const ok = await alice.ua.client.response(200, 'INVITE');
    expect(alice.verifies(ok)).toBe(true);
    expect(ok.getAll(HEADER)).toEqual(got.getAll(HEADER));
    expect(checkChain(ok, dep.keys, { minLevel: 2, own: ALICE }).failures).toEqual([]);
  });

  it('records a caller that adds no entry as an unattested level-0 hop, and says so', async () => {
    const alice = await dep.ua(ALICE, null);
    const bob = await dep.ua(BOB, 1);
    const { got } = await inviteArriving(alice, bob);
    expect(hops(got)).toEqual([
      { node: ALICE, level: 0, tr: 'ws', signed: false, unattested: true },
      { node: A, level: 3, tr: 'tls', signed: true, unattested: false },
      { node: B, level: 1, tr: 'ws', signed: true, unattested: false },
    ]);
    expect(got.getAll('Warning').join()).toMatch(/^399 a\.keyhop\.test "Route-Security: missing/);
    expect(checkChain(got, dep.keys, { minLevel: 1 }).reason).toBe('unattested');
    expect(checkChain(got, dep.keys, { minLevel: 0, allowUnattested: true }).ok).toBe(true);
  });

  it('records a caller whose entry names another address as unattested, below its claim', async () => {
    const alice = await dep.ua(ALICE, null);
    const bob = await dep.ua(BOB, 1);
    const inv = alice.request('INVITE', `sip:${BOB}`, { body: SDP });
    alice.routeSecurityLevel = 1;
    alice.withOwnEntry(inv);
    const forged = inv.getAll(HEADER)[0]!.replace(/addr=[^;]+/, 'addr=203.0.113.7:5060');
    inv.remove(HEADER);
    inv.append(HEADER, forged);
    alice.client.send(inv);
    const got = await bob.client.request('INVITE');
    expect(hops(got).map((h) => [h.node, h.unattested])).toEqual([[ALICE, false], [ALICE, true], [A, false], [B, false]]);
    expect(got.getAll('Warning').join()).toContain('wrong-address');
    expect(checkChain(got, dep.keys, { minLevel: 0 }).reason).toBe('unattested');
  });

  it('copies the chain into a response the proxy makes itself', async () => {
    const alice = await dep.ua(ALICE, 1);
    alice.client.send(alice.request('INVITE', 'sip:carol@c.keyhop.test', { body: SDP }));
    const res = await alice.client.response(404, 'INVITE');
    expect(hops(res).map((h) => h.node)).toEqual([ALICE]);
    expect(checkChain(res, dep.keys, { minLevel: 1, own: ALICE }).ok).toBe(true);
  });
});

describe('a proxy that lies about its level, A→B over TCP', () => {
  describe('next proxy lenient', () => {
    const dep = deployment(() => aToBOverTcp({ faults: { lieAboutLevel: [A] } }));

    it('is flagged by B, and the callee and the caller see the raised level', async () => {
      const alice = await dep.ua(ALICE, 1);
      const bob = await dep.ua(BOB, 1);
      const { got } = await inviteArriving(alice, bob);
      expect(hops(got)[1]).toEqual({ node: A, level: 3, tr: 'tcp', signed: true, unattested: false });
      expect(got.getAll('Warning').join()).toMatch(/399 b\.keyhop\.test "Route-Security: level-above-link \(entry claims level 3, link is level 0\)"/);
      const atBob = checkChain(got, dep.keys, { minLevel: 0 });
      expect(atBob.reason).toBe('raised-level');
      expect(atBob.hops[1]).toMatchObject({ node: A, level: 3, signedLevel: 0 });

      bob.answer(got, 200, SDP);
      const ok = await alice.client.response(200, 'INVITE');
      expect(checkChain(ok, dep.keys, { minLevel: 0, own: ALICE }).reason).toBe('raised-level');
    });
  });

  describe('next proxy strict', () => {
    const dep = deployment(() => aToBOverTcp({ faults: { lieAboutLevel: [A] }, routeSecurity: { mode: 'strict' } }));

    it('is refused by B with the reason; the refusal carries the chain B received', async () => {
      const alice = await dep.ua(ALICE, 1);
      const bob = await dep.ua(BOB, 1);
      alice.client.send(alice.request('INVITE', `sip:${BOB}`, { body: SDP }));
      const res = await alice.client.response((s) => s >= 200, 'INVITE');
      expect(`${res.status} ${res.reason}`).toBe('403 Route-Security Check Failed');
      expect(res.get('Warning')).toMatch(/^399 b\.keyhop\.test "Route-Security: level-above-link/);
      expect(hops(res).map((h) => h.node)).toEqual([ALICE, A]);
      expect(checkChain(res, dep.keys, { minLevel: 0, own: ALICE }).reason).toBe('raised-level');
      await bob.client.nothingFor(200);
    });
  });
});

describe('a proxy that strips the entry below its own', () => {
  describe('B strips A’s entry; proxies lenient', () => {
    const dep = deployment(async () => ({ faults: { stripEntryBelow: [B] } }));

    it('the callee and the caller find an entry removed; A flags its own entry missing from the response', async () => {
      const alice = await dep.ua(ALICE, 1);
      const bob = await dep.ua(BOB, 1);
      const { got } = await inviteArriving(alice, bob);
      expect(hops(got).map((h) => h.node)).toEqual([ALICE, B]);
      expect(checkChain(got, dep.keys, { minLevel: 1 }).reason).toBe('removed');

      bob.answer(got, 200, SDP);
      const ok = await alice.client.response(200, 'INVITE');
      expect(checkChain(ok, dep.keys, { minLevel: 1, own: ALICE }).reason).toBe('removed');
      expect(ok.getAll('Warning').join()).toMatch(/399 a\.keyhop\.test "Route-Security: own-entry-misplaced/);
    });
  });

  describe('A strips the caller’s entry; B strict', () => {
    const dep = deployment(async () => ({ faults: { stripEntryBelow: [A] }, routeSecurity: { mode: 'strict' } }));

    it('is refused by B as removed (and A, strict too, no longer finds its own entry where it put it)', async () => {
      const alice = await dep.ua(ALICE, 1);
      const bob = await dep.ua(BOB, 1);
      alice.client.send(alice.request('INVITE', `sip:${BOB}`, { body: SDP }));
      const res = await alice.client.response((s) => s >= 200, 'INVITE');
      expect(`${res.status} ${res.reason}`).toBe('502 Route-Security Check Failed');
      expect(res.getAll('Warning')).toEqual([
        expect.stringMatching(/^399 b\.keyhop\.test "Route-Security: removed/),
        expect.stringMatching(/^399 a\.keyhop\.test "Route-Security: own-entry-misplaced/),
      ]);
      await bob.client.nothingFor(200);
    });
  });
});

describe('strict proxies, honest hops', () => {
  const dep = deployment(async () => ({ routeSecurity: { mode: 'strict' } }));

  it('let a call with a sound chain through', async () => {
    const alice = await dep.ua(ALICE, 1);
    const bob = await dep.ua(BOB, 1);
    const { got } = await inviteArriving(alice, bob);
    expect(checkChain(got, dep.keys, { minLevel: 1 }).ok).toBe(true);
    bob.answer(got, 200, SDP);
    const ok = await alice.client.response(200, 'INVITE');
    expect(checkChain(ok, dep.keys, { minLevel: 1, own: ALICE }).ok).toBe(true);
  });

  it('refuse a caller that adds no entry, and one that claims more than its link gives', async () => {
    const alice = await dep.ua(ALICE, null);
    const bob = await dep.ua(BOB, 1);
    alice.client.send(alice.request('INVITE', `sip:${BOB}`, { body: SDP }));
    const missing = await alice.client.response((s) => s >= 200, 'INVITE');
    expect(`${missing.status} ${missing.reason}`).toBe('403 Route-Security Check Failed');
    expect(missing.get('Warning')).toMatch(/^399 a\.keyhop\.test "Route-Security: missing/);

    alice.routeSecurityLevel = 3;
    alice.client.send(alice.request('INVITE', `sip:${BOB}`, { body: SDP }));
    const raised = await alice.client.response((s) => s >= 200, 'INVITE');
    expect(raised.status).toBe(403);
    expect(raised.get('Warning')).toMatch(/^399 a\.keyhop\.test "Route-Security: level-above-link \(entry claims level 3, link is level 1\)"/);
    await bob.client.nothingFor(200);
  });

  it('turn a final response whose chain lost the proxy’s entry into 502', async () => {
    const alice = await dep.ua(ALICE, 1);
    const bob = await dep.ua(BOB, 1);
    const { got } = await inviteArriving(alice, bob);
    const tampered = got.clone();
    const [top, , ...rest] = tampered.getAll(HEADER);
    tampered.remove(HEADER);
    for (const v of [top!, ...rest]) tampered.append(HEADER, v);
    bob.answer(tampered, 200, SDP);
    const bad = await alice.client.response((s) => s >= 200, 'INVITE');
    expect(`${bad.status} ${bad.reason}`).toBe('502 Route-Security Check Failed');
    expect(bad.getAll('Warning').join()).toMatch(/Route-Security: own-entry-misplaced/);
  });
});
