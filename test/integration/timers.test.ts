import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startFixture, type Fixture } from '../support/keyhop-fixture.js';
import { RawSipClient, SDP, TestUa } from '../support/sip-client.js';

let fx: Fixture;
const open: RawSipClient[] = [];

beforeAll(async () => {
  fx = await startFixture({ timers: { transactionMs: 600, inviteMs: 1200 } });
});
afterEach(async () => {
  const clients = open.splice(0);
  for (const c of clients) c.close();
  await Promise.all(clients.map((c) => c.closedPromise));
});
afterAll(async () => fx.stop());

async function registered(aor: string, password: string, wsUrl: string): Promise<TestUa> {
  const client = await RawSipClient.ws(wsUrl);
  open.push(client);
  const u = new TestUa(client, aor, password);
  expect((await u.register()).status).toBe(200);
  return u;
}

it('answers 408 when the callee never responds at all (Timer B)', async () => {
  const alice = await registered('alice@a.keyhop.test', 'alice-pass', fx.k.proxies.a.wsUrl);
  const bob = await registered('bob@b.keyhop.test', 'bob-pass', fx.k.proxies.b.wsUrl);
  alice.client.send(alice.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP }));
  await bob.client.request('INVITE');
  const res = await alice.client.response((s) => s >= 200, 'INVITE', 5000);
  expect(res.status).toBe(408);
});

it('cancels a call that rings unanswered and tells the caller 408 (Timer C)', async () => {
  const alice = await registered('alice@a.keyhop.test', 'alice-pass', fx.k.proxies.a.wsUrl);
  const bob = await registered('bob@b.keyhop.test', 'bob-pass', fx.k.proxies.b.wsUrl);
  alice.client.send(alice.request('INVITE', 'sip:bob@b.keyhop.test', { body: SDP }));
  const inv = await bob.client.request('INVITE');
  bob.answer(inv, 180);
  const cancel = await bob.client.request('CANCEL', 5000);
  bob.answer(cancel, 200);
  bob.answer(inv, 487);
  const res = await alice.client.response((s) => s >= 200, 'INVITE', 5000);
  expect(res.status).toBe(408);
});
