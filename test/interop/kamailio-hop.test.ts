/**
 * Route-Security across a third-party hop: Kamailio (the Debian package, with a configuration this
 * test writes) relays between proxy A and proxy B. Kamailio knows nothing of Route-Security, so it
 * adds no entry; B, which takes Kamailio as a trusted peer over TCP, records that link with an
 * unattested level-0 entry. The callee then accepts or refuses by its own minimum level.
 *
 * Levels: alice→A 1 (Digest over plain WebSocket), A→Kamailio 0 (TCP, nobody authenticated),
 * Kamailio→B 0 (unattested), B→bob 1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { copyChain, parseChain, type Level } from '../../src/hopsec/index.js';
import type { SipRequest } from '../../src/sip/message.js';
import { createResponse } from '../../src/sip/response.js';
import { startKamailio, type KamailioInstance } from '../support/kamailio.js';
import { startFixture, type Fixture } from '../support/keyhop-fixture.js';
import { checkChain, contactOf, proxyKeys, RawSipClient, SDP, TestUa } from '../support/sip-client.js';
import { freePort } from '../support/sipp.js';

const A = 'a.keyhop.test';
const B = 'b.keyhop.test';
const HOST = '127.0.0.1';

let kamailio: KamailioInstance;
let fx: Fixture;
let keys: (node: string) => Uint8Array | undefined;
const open: RawSipClient[] = [];

beforeAll(async () => {
  const bTcp = await freePort(HOST);
  kamailio = await startKamailio({ host: HOST, forwardTo: { host: HOST, port: bTcp } });
  fx = await startFixture({
    trustedPeers: [HOST],
    routes: { [B]: `tcp:${HOST}:${kamailio.port}` },
    proxies: { a: { tcpPort: 0, tlsPort: 0 }, b: { tcpPort: bTcp, tlsPort: 0 } },
  });
  keys = proxyKeys(fx.k.config.dataDir, [A, B]);
}, 60_000);
afterEach(async () => {
  const clients = open.splice(0);
  for (const c of clients) c.close();
  await Promise.all(clients.map((c) => c.closedPromise));
});
afterAll(async () => {
  await fx?.stop();
  await kamailio?.stop();
});

async function registered(aor: string): Promise<TestUa> {
  const client = await RawSipClient.ws(aor.endsWith(A) ? fx.k.proxies.a.wsUrl : fx.k.proxies.b.wsUrl);
  open.push(client);
  const u = new TestUa(client, aor, `${aor.split('@')[0]}-pass`);
  expect((await u.register()).status).toBe(200);
  u.routeSecurityLevel = 1;
  return u;
}

/** What a callee with minimum level `minLevel` that accepts unattested hops does with an INVITE. */
function answerByPolicy(bob: TestUa, inv: SipRequest, minLevel: Level): void {
  const report = checkChain(inv, keys, { minLevel, allowUnattested: true });
  if (report.ok) {
    bob.answer(inv, 200, SDP);
    return;
  }
  const refusal = createResponse(inv, 403, 'Route-Security Check Failed', bob.tag);
  copyChain(inv, refusal);
  refusal.append('Warning', `399 bob@${B} "Route-Security: ${report.reason}"`);
  bob.client.send(refusal);
}

describe('a Kamailio hop between proxy A and proxy B', () => {
  it('shows up as an unattested level-0 hop, and a callee accepting level 0 takes the call', async () => {
    const alice = await registered(`alice@${A}`);
    const bob = await registered(`bob@${B}`);
    alice.client.send(alice.request('INVITE', `sip:bob@${B}`, { body: SDP }));
    const inv = await bob.client.request('INVITE', 10_000);

    expect(inv.getAll('Via').some((v) => v.includes(`${HOST}:${kamailio.port}`))).toBe(true);
    const chain = parseChain(inv);
    expect(chain.map((e) => ({ node: e.node, level: e.level, tr: e.transport, signed: e.sig !== undefined, unattested: e.unattested }))).toEqual([
      { node: `alice@${A}`, level: 1, tr: 'ws', signed: false, unattested: false },
      { node: A, level: 0, tr: 'tcp', signed: true, unattested: false },
      { node: chain[2]!.addr, level: 0, tr: 'tcp', signed: false, unattested: true },
      { node: B, level: 1, tr: 'ws', signed: true, unattested: false },
    ]);
    expect(chain[2]!.addr).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(inv.getAll('Warning').join()).toMatch(/399 b\.keyhop\.test "Route-Security: wrong-address/);

    expect(checkChain(inv, keys, { minLevel: 0, allowUnattested: true }).ok).toBe(true);
    const strict = checkChain(inv, keys, { minLevel: 1 });
    expect(strict.reason).toBe('unattested');
    expect(strict.failures.map((f) => [f.index, f.reason])).toEqual([[2, 'unattested'], [1, 'below-minimum']]);

    answerByPolicy(bob, inv, 0);
    const ok = await alice.client.response(200, 'INVITE', 10_000);
    expect(ok.getAll('Route-Security')).toEqual(inv.getAll('Route-Security'));
    expect(checkChain(ok, keys, { minLevel: 0, allowUnattested: true, own: `alice@${A}` }).ok).toBe(true);
    alice.client.send(alice.inDialog('ACK', ok, true, contactOf(ok), 1));
    expect((await bob.client.request('ACK', 10_000)).callId).toBe(inv.callId);
  });

  it('makes a callee requiring level 1 refuse the call, with the reason', async () => {
    const alice = await registered(`alice@${A}`);
    const bob = await registered(`bob@${B}`);
    alice.client.send(alice.request('INVITE', `sip:bob@${B}`, { body: SDP }));
    const inv = await bob.client.request('INVITE', 10_000);
    expect(checkChain(inv, keys, { minLevel: 1, allowUnattested: true }).reason).toBe('below-minimum');

    answerByPolicy(bob, inv, 1);
    const refused = await alice.client.response((s) => s >= 200, 'INVITE', 10_000);
    expect(refused.status).toBe(403);
    expect(refused.get('Warning')).toBe(`399 bob@${B} "Route-Security: below-minimum"`);
  });
});
