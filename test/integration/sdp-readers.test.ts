/**
 * Seed 003 at the proxies: a proxy chosen as an SDP reader opens the envelope and records the
 * media addresses as pinholes of the dialog (embodiment 2), which close on BYE; a proxy not
 * chosen never opens it; a tampered envelope or reader header is refused with its reason while the
 * body goes on byte-identical; `faults.alterBody` breaks the body for the peer. Real Keyhop, raw
 * SIP clients, certificates issued with the fixture's deployment CA.
 */
import { ContentInfo, RecipientInfos } from '@peculiar/asn1-cms';
import { OctetString } from '@peculiar/asn1-schema';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { toArrayBuffer, toBytes } from '../../src/envelope/bytes.js';
import { readCert } from '../../src/envelope/cert-id.js';
import { contextAttribute } from '../../src/envelope/context-attribute.js';
import { serialize } from '../../src/envelope/der.js';
import { envelop, readEnvelope } from '../../src/envelope/envelope.js';
import {
  createCsr,
  fromPemOne,
  generateIdentityKeys,
  issueUserCertificate,
  newContentKey,
  openSdp,
  sealSdp,
  SDP_READERS_HEADER,
  SEALED_SDP_CONTENT_TYPE,
  type IdentityKeys,
} from '../../src/envelope/index.js';
import { ID_CT_AUTH_ENVELOPED_DATA, ID_SIGNED_DATA } from '../../src/envelope/oids.js';
import { readersAttribute } from '../../src/envelope/readers-attribute.js';
import { signContent } from '../../src/envelope/signed-data.js';
import type { DialogPinholes, PinholeEvent } from '../../src/server/pinholes/pinhole-table.js';
import type { SipMessage, SipRequest, SipResponse } from '../../src/sip/message.js';
import { startFixture, type Fixture } from '../support/keyhop-fixture.js';
import { contactOf, RawSipClient, TestUa } from '../support/sip-client.js';

const A = 'a.keyhop.test';
const B = 'b.keyhop.test';

/** Alice's offer: session-level address for audio, a stream-level one for video. */
const OFFER = [
  'v=0',
  'o=alice 2890844526 2890844526 IN IP4 192.0.2.10',
  's=-',
  'c=IN IP4 192.0.2.10',
  't=0 0',
  'm=audio 49170 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
  'm=video 51372 RTP/AVP 31',
  'c=IN IP4 192.0.2.11',
  'a=rtpmap:31 H261/90000',
  '',
].join('\r\n');

const ANSWER = ['v=0', 'o=bob 2808844564 2808844564 IN IP4 198.51.100.5', 's=-', 'c=IN IP4 198.51.100.5', 't=0 0', 'm=audio 5004 RTP/AVP 0', 'm=video 0 RTP/AVP 31', ''].join('\r\n');

interface User {
  aor: string;
  password: string;
  cert: Uint8Array;
  keys: IdentityKeys;
}

/** A deployment as the tests see it: certificates of its CA, users with certificates, the admin token. */
class Deployment {
  private constructor(
    readonly fx: Fixture,
    readonly caCert: Uint8Array,
    readonly proxyCert: Record<string, Uint8Array>,
    readonly users: Record<string, User>,
    readonly token: string,
  ) {}

  static async start(overrides: Parameters<typeof startFixture>[0] = {}): Promise<Deployment> {
    const fx = await startFixture(overrides);
    const pki = join(fx.k.config.dataDir, 'pki');
    const caCert = fromPemOne(readFileSync(join(pki, 'ca.crt'), 'utf8'), 'CERTIFICATE');
    const caKey = await crypto.subtle.importKey('pkcs8', fromPemOne(readFileSync(join(pki, 'ca.key'), 'utf8'), 'PRIVATE KEY'), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
    const proxyCert = Object.fromEntries([A, B].map((d) => [d, fromPemOne(readFileSync(join(pki, `${d}.crt`), 'utf8'), 'CERTIFICATE')]));
    const users: Record<string, User> = {};
    for (const [aor, password] of [['alice@a.keyhop.test', 'alice-pass'], ['bob@b.keyhop.test', 'bob-pass']] as const) {
      const keys = await generateIdentityKeys();
      const cert = await issueUserCertificate({ csr: await createCsr({ aor, keys }), aor, ca: { cert: caCert, key: caKey }, lifetimeSeconds: 3600 });
      users[aor.split('@')[0]!] = { aor, password, cert, keys };
    }
    const token = readFileSync(fx.k.admin.tokenFile!, 'utf8').trim();
    return new Deployment(fx, caCert, proxyCert, users, token);
  }

  async ua(name: 'alice' | 'bob'): Promise<TestUa> {
    const u = this.users[name]!;
    const proxy = u.aor.endsWith(A) ? this.fx.k.proxies.a : this.fx.k.proxies.b;
    const client = await RawSipClient.ws(proxy.wsUrl);
    clients.push(client);
    const ua = new TestUa(client, u.aor, u.password);
    expect((await ua.register()).status).toBe(200);
    return ua;
  }

  async admin(token: string | null = this.token): Promise<Response> {
    return fetch(`${this.fx.k.httpUrl}/admin/pinholes`, token === null ? {} : { headers: { Authorization: `Bearer ${token}` } });
  }

  async pinholes(): Promise<Record<string, { pinholes: DialogPinholes[]; events: PinholeEvent[] }>> {
    const res = await this.admin();
    expect(res.status).toBe(200);
    return ((await res.json()) as { proxies: Record<string, { pinholes: DialogPinholes[]; events: PinholeEvent[] }> }).proxies;
  }

  /** Waits (bounded) until the admin endpoint shows what `ready` looks for: proxies read in the background. */
  async until<T>(ready: (p: Awaited<ReturnType<Deployment['pinholes']>>) => T | undefined, what: string): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const found = ready(await this.pinholes());
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`The admin endpoint never showed ${what}: ${JSON.stringify(await this.pinholes())}`);
  }

  /** Seals `sdp` from `from` for `to` and the chosen proxies, bound to the Call-ID. */
  seal(from: 'alice' | 'bob', to: 'alice' | 'bob', proxies: string[], sdp: string, callId: string, contentKey?: CryptoKey) {
    const signer = this.users[from]!;
    return sealSdp({
      sdp,
      signer: { key: signer.keys.signingKey, cert: signer.cert },
      readers: [{ cert: this.users[to]!.cert }, ...proxies.map((d) => ({ cert: this.proxyCert[d]! }))],
      context: callId,
      ...(contentKey ? { contentKey } : {}),
    });
  }

  open(der: Uint8Array, as: 'alice' | 'bob', callId: string) {
    const u = this.users[as]!;
    return openSdp(der, { recipient: { key: u.keys.agreementKey, cert: u.cert }, trust: { caCerts: [this.caCert] }, context: callId });
  }
}

const clients: RawSipClient[] = [];

function seal(msg: SipMessage, der: Uint8Array, readersHeader: string | null): void {
  msg.setBody(Buffer.from(der).toString('base64'), SEALED_SDP_CONTENT_TYPE);
  msg.set('Content-Transfer-Encoding', 'base64');
  if (readersHeader !== null) msg.set(SDP_READERS_HEADER, readersHeader);
}

function bodyDer(msg: SipMessage): Uint8Array {
  return new Uint8Array(Buffer.from(msg.bodyText(), 'base64'));
}

function callEvents(p: Awaited<ReturnType<Deployment['pinholes']>>, domain: string, callId: string): PinholeEvent[] {
  return p[domain]!.events.filter((e) => e.callId === callId);
}

/** Re-encodes the envelope after `edit` changes its AuthEnvelopedData. */
function rewrite(der: Uint8Array, edit: (aed: ReturnType<typeof readEnvelope>) => void): Uint8Array {
  const aed = readEnvelope(der);
  edit(aed);
  return serialize(new ContentInfo({ contentType: ID_CT_AUTH_ENVELOPED_DATA, content: toArrayBuffer(serialize(aed)) }));
}

afterEach(async () => {
  const open = clients.splice(0);
  for (const c of open) c.close();
  await Promise.all(open.map((c) => c.closedPromise));
  // The proxies drop the closed connections' bindings before the next test registers again.
  await new Promise((r) => setTimeout(r, 20));
});

describe('a reader proxy (seed 003 embodiment 2)', () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await Deployment.start();
  });
  afterAll(async () => {
    await d.fx.stop();
  });

  /** Alice INVITEs Bob with `body`; Bob receives it. */
  async function invite(alice: TestUa, bob: TestUa, callId: string, der: Uint8Array, header: string | null): Promise<{ inv: SipRequest; got: SipRequest }> {
    const inv = alice.request('INVITE', `sip:${bob.aor}`, { callId });
    seal(inv, der, header);
    alice.client.send(inv);
    const got = await bob.client.request('INVITE');
    return { inv, got };
  }

  /** `by` hangs up with `bye`, `other` answers; then `proxy` holds no pinhole for the call and has logged it closed by the BYE. */
  async function hangUp(by: TestUa, other: TestUa, bye: SipRequest, proxy: string, callId: string): Promise<void> {
    by.client.send(bye);
    other.answer(await other.client.request('BYE'), 200);
    await by.client.response(200, 'BYE');
    const after = await d.pinholes();
    expect(after[proxy]!.pinholes.filter((x) => x.callId === callId)).toEqual([]);
    expect(callEvents(after, proxy, callId).at(-1)).toMatchObject({ event: 'closed', detail: 'BYE' });
  }

  it('opens exactly the call it was chosen for, records both sides as pinholes, and closes them on BYE', async () => {
    const alice = await d.ua('alice');
    const bob = await d.ua('bob');
    const callId = `chosen-a-${Date.now()}@test`;
    const offer = await d.seal('alice', 'bob', [A], OFFER, callId);
    const { inv, got } = await invite(alice, bob, callId, offer.der, A);
    expect(got.bodyText()).toBe(inv.bodyText());
    expect((await d.open(bodyDer(got), 'bob', callId)).sdp).toBe(OFFER);

    const answer = await d.seal('bob', 'alice', [A], ANSWER, callId, offer.contentKey);
    bob.answer(got, 200, undefined, (res) => seal(res, answer.der, A));
    const ok = await alice.client.response(200, 'INVITE');
    expect((await d.open(bodyDer(ok), 'alice', callId)).sdp).toBe(ANSWER);
    alice.client.send(alice.inDialog('ACK', ok, true, contactOf(ok), 1));
    await bob.client.request('ACK');

    const dialog = await d.until((p) => p[A]!.pinholes.find((x) => x.callId === callId && x.pinholes.some((h) => h.side === 'callee')), 'both sides at A');
    expect(dialog).toMatchObject({ caller: 'alice@a.keyhop.test', callee: 'bob@b.keyhop.test', fromTag: alice.tag, toTag: bob.tag });
    expect(Date.parse(dialog.openedAt)).not.toBeNaN();
    const holes = dialog.pinholes.map((h) => `${h.side} ${h.media} ${h.address}:${h.port} ${h.proto}`).sort();
    // The answer's video stream is refused (port 0): nothing to open for it.
    expect(holes).toEqual(['callee audio 198.51.100.5:5004 RTP/AVP', 'caller audio 192.0.2.10:49170 RTP/AVP', 'caller video 192.0.2.11:51372 RTP/AVP']);

    const now = await d.pinholes();
    expect(now[B]!.pinholes.filter((x) => x.callId === callId)).toEqual([]);
    expect(callEvents(now, B, callId)).toEqual([]);
    expect(callEvents(now, A, callId).map((e) => e.event)).toEqual(['opened', 'opened']);

    await hangUp(alice, bob, alice.inDialog('BYE', ok, true, contactOf(ok), 2), A, callId);
  });

  it("lets the callee's proxy be the reader, and closes on the callee's BYE", async () => {
    const alice = await d.ua('alice');
    const bob = await d.ua('bob');
    const callId = `chosen-b-${Date.now()}@test`;
    const offer = await d.seal('alice', 'bob', [B], OFFER, callId);
    const { got } = await invite(alice, bob, callId, offer.der, B);
    const answer = await d.seal('bob', 'alice', [B], ANSWER, callId, offer.contentKey);
    bob.answer(got, 200, undefined, (res) => seal(res, answer.der, B));
    const ok = await alice.client.response(200, 'INVITE');
    alice.client.send(alice.inDialog('ACK', ok, true, contactOf(ok), 1));
    await bob.client.request('ACK');
    const dialog = await d.until((p) => p[B]!.pinholes.find((x) => x.callId === callId && x.pinholes.length === 3), 'both sides at B');
    expect(dialog.pinholes.find((h) => h.side === 'callee')).toMatchObject({ address: '198.51.100.5', port: 5004 });
    expect(callEvents(await d.pinholes(), A, callId)).toEqual([]);

    await hangUp(bob, alice, bob.inDialog('BYE', got, false, contactOf(got), 1), B, callId);
  });

  it('closes the pinholes of a call the callee refuses', async () => {
    const alice = await d.ua('alice');
    const bob = await d.ua('bob');
    const callId = `refused-call-${Date.now()}@test`;
    const offer = await d.seal('alice', 'bob', [A], OFFER, callId);
    const { got } = await invite(alice, bob, callId, offer.der, A);
    await d.until((p) => p[A]!.pinholes.find((x) => x.callId === callId), 'the offer at A');
    bob.answer(got, 486);
    await alice.client.response(486, 'INVITE');
    const closed = await d.until((p) => callEvents(p, A, callId).find((e) => e.event === 'closed'), 'the close at A');
    expect(closed).toMatchObject({ message: '486 INVITE', detail: expect.stringContaining('486 Busy Here') });
    expect((await d.pinholes())[A]!.pinholes.filter((x) => x.callId === callId)).toEqual([]);
  });

  /** Alice calls Bob, registered on two devices, with an offer sealed for proxy B: proxy B forks it to both. */
  async function forkedCall(name: string) {
    const alice = await d.ua('alice');
    const desk = await d.ua('bob');
    const phone = await d.ua('bob');
    const callId = `${name}-${Date.now()}@test`;
    const offer = await d.seal('alice', 'bob', [B], OFFER, callId);
    const inv = alice.request('INVITE', `sip:${desk.aor}`, { callId });
    seal(inv, offer.der, B);
    alice.client.send(inv);
    const atDesk = await desk.client.request('INVITE');
    const atPhone = await phone.client.request('INVITE');
    /** The phone answers with a sealed answer; Alice gets the 200 and ACKs it. */
    const phoneAnswers = async (): Promise<SipResponse> => {
      const answer = await d.seal('bob', 'alice', [B], ANSWER, callId, offer.contentKey);
      phone.answer(atPhone, 200, undefined, (res) => seal(res, answer.der, B));
      const ok = await alice.client.response((s) => s >= 200, 'INVITE');
      expect(ok.status).toBe(200);
      alice.client.send(alice.inDialog('ACK', ok, true, contactOf(ok), 1));
      await phone.client.request('ACK');
      return ok;
    };
    /** Proxy B holds both sides' pinholes and has closed nothing, until Alice's BYE. */
    const openUntilBye = async (ok: SipResponse): Promise<void> => {
      const dialog = await d.until((p) => p[B]!.pinholes.find((x) => x.callId === callId && x.pinholes.some((h) => h.side === 'callee')), 'the answer at B');
      expect(dialog.pinholes.map((h) => `${h.side} ${h.address}:${h.port}`).sort()).toEqual(['callee 198.51.100.5:5004', 'caller 192.0.2.10:49170', 'caller 192.0.2.11:51372']);
      expect(callEvents(await d.pinholes(), B, callId).filter((e) => e.event === 'closed')).toEqual([]);
      await hangUp(alice, phone, alice.inDialog('BYE', ok, true, contactOf(ok), 2), B, callId);
    };
    return { alice, desk, callId, atDesk, phoneAnswers, openUntilBye };
  }

  it('keeps the pinholes of a forked call that one device refuses and another answers, until the BYE', async () => {
    const call = await forkedCall('forked-refused');
    await d.until((p) => p[B]!.pinholes.find((x) => x.callId === call.callId), 'the offer at B');
    call.desk.answer(call.atDesk, 486);
    await call.desk.client.request('ACK');
    await call.openUntilBye(await call.phoneAnswers());
  });

  it('keeps the pinholes of a forked call when the device that did not answer is cancelled', async () => {
    const call = await forkedCall('forked-cancelled');
    call.desk.answer(call.atDesk, 180);
    await call.alice.client.response(180, 'INVITE');
    const ok = await call.phoneAnswers();
    // Proxy B cancels the desk's branch; the desk ends it with 487.
    call.desk.answer(await call.desk.client.request('CANCEL'), 200);
    call.desk.answer(call.atDesk, 487);
    await call.desk.client.request('ACK');
    await call.openUntilBye(ok);
  });

  it('records nothing anywhere for a call that chooses no proxy', async () => {
    const alice = await d.ua('alice');
    const bob = await d.ua('bob');
    const callId = `chosen-none-${Date.now()}@test`;
    const offer = await d.seal('alice', 'bob', [], OFFER, callId);
    const { inv, got } = await invite(alice, bob, callId, offer.der, null);
    expect(got.bodyText()).toBe(inv.bodyText());
    expect(got.has(SDP_READERS_HEADER)).toBe(false);
    // A control call choosing B, sent after it, shows the proxies have had time to read.
    const control = `control-${Date.now()}@test`;
    const second = await d.seal('alice', 'bob', [B], OFFER, control);
    await invite(alice, bob, control, second.der, B);
    await d.until((p) => p[B]!.pinholes.find((x) => x.callId === control), 'the control call at B');
    const p = await d.pinholes();
    for (const domain of [A, B]) {
      expect(p[domain]!.pinholes.filter((x) => x.callId === callId)).toEqual([]);
      expect(callEvents(p, domain, callId)).toEqual([]);
    }
    expect(callEvents(p, A, control)).toEqual([]);
  });

  describe('refuses a tampered envelope with its reason and forwards the body byte-identical', () => {
    async function refusedAt(domain: string, callId: string, der: Uint8Array, header: string | null): Promise<PinholeEvent> {
      const alice = await d.ua('alice');
      const bob = await d.ua('bob');
      const { inv, got } = await invite(alice, bob, callId, der, header);
      expect(got.bodyText()).toBe(inv.bodyText());
      expect(got.getAll(SDP_READERS_HEADER)).toEqual(inv.getAll(SDP_READERS_HEADER));
      bob.answer(got, 488);
      const event = await d.until((p) => callEvents(p, domain, callId).find((e) => e.event === 'refused'), `a refusal at ${domain}`);
      const p = await d.pinholes();
      for (const dom of [A, B]) expect(p[dom]!.pinholes.filter((x) => x.callId === callId)).toEqual([]);
      expect(callEvents(p, domain, callId).some((e) => e.event === 'opened')).toBe(false);
      expect(event.message).toBe('INVITE');
      expect(event.detail).toMatch(/\w{3,}/);
      return event;
    }

    it('a flipped ciphertext byte: bad-ciphertext', async () => {
      const callId = `tamper-ct-${Date.now()}@test`;
      const offer = await d.seal('alice', 'bob', [A], OFFER, callId);
      const der = rewrite(offer.der, (aed) => {
        const enc = aed.authEncryptedContentInfo.encryptedContent!;
        const bytes = toBytes(enc.value!);
        bytes[20]! ^= 1;
        enc.value = new OctetString(bytes);
      });
      expect((await refusedAt(A, callId, der, A)).code).toBe('bad-ciphertext');
    });

    it("a flipped byte in the proxy's wrapped key: bad-wrapped-key, while the callee still opens it", async () => {
      const callId = `tamper-key-${Date.now()}@test`;
      const offer = await d.seal('alice', 'bob', [A], OFFER, callId);
      const der = rewrite(offer.der, (aed) => {
        const rek = aed.recipientInfos[1]!.kari!.recipientEncryptedKeys[0]!;
        const bytes = toBytes(rek.encryptedKey);
        bytes[3]! ^= 1;
        rek.encryptedKey = new OctetString(bytes);
      });
      expect((await d.open(der, 'bob', callId)).sdp).toBe(OFFER);
      expect((await refusedAt(A, callId, der, A)).code).toBe('bad-wrapped-key');
    });

    it('a flipped byte of the inner signature: bad-signature', async () => {
      const callId = `tamper-sig-${Date.now()}@test`;
      const alice = d.users.alice!;
      const readers = [d.users.bob!.cert, d.proxyCert[A]!].map((c) => readCert(c, 'reader'));
      const signed = await signContent({
        content: new TextEncoder().encode(OFFER),
        key: alice.keys.signingKey,
        cert: readCert(alice.cert, 'signer'),
        attributes: [readersAttribute([{ name: 'sip:bob@b.keyhop.test', id: readers[0]!.id }, { name: A, id: readers[1]!.id }]), contextAttribute(callId)],
      });
      signed[signed.length - 2]! ^= 1; // inside s, the last field of the SignerInfo
      const der = await envelop(signed, ID_SIGNED_DATA, readers, await newContentKey());
      expect((await refusedAt(A, callId, der, A)).code).toBe('bad-signature');
    });

    it("a reader's recipient info dropped from the list: reader-mismatch at the remaining reader, and the dropped one cannot open", async () => {
      const callId = `tamper-list-${Date.now()}@test`;
      const offer = await d.seal('alice', 'bob', [A, B], OFFER, callId);
      const der = rewrite(offer.der, (aed) => {
        aed.recipientInfos = new RecipientInfos([aed.recipientInfos[0]!, aed.recipientInfos[1]!]);
      });
      expect((await refusedAt(A, callId, der, `${A}, ${B}`)).code).toBe('reader-mismatch');
      const atB = await d.until((p) => callEvents(p, B, callId)[0], 'the event at B');
      expect(atB).toMatchObject({ event: 'refused', code: 'not-a-recipient' });
    });

    it('an SDP-Readers header that leaves out a sealed reader: reader-header, and the proxy left out never opens', async () => {
      const callId = `tamper-header-${Date.now()}@test`;
      const offer = await d.seal('alice', 'bob', [A, B], OFFER, callId);
      const event = await refusedAt(A, callId, offer.der, A);
      expect(event.code).toBe('reader-header');
      expect(event.detail).toContain(B);
      expect(callEvents(await d.pinholes(), B, callId)).toEqual([]);
    });

    it('an SDP-Readers header that names a proxy not sealed for: reader-header at the reader, not-a-recipient at the other', async () => {
      const callId = `tamper-header2-${Date.now()}@test`;
      const offer = await d.seal('alice', 'bob', [A], OFFER, callId);
      expect((await refusedAt(A, callId, offer.der, `${A}, ${B}`)).code).toBe('reader-header');
      expect(await d.until((p) => callEvents(p, B, callId)[0], 'the event at B')).toMatchObject({ code: 'not-a-recipient' });
    });
  });

  describe('the admin endpoint', () => {
    it('refuses a request without the token, or with a wrong one (401)', async () => {
      const none = await d.admin(null);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await none.text()).not.toContain('pinholes"');
      expect((await d.admin('not-the-token')).status).toBe(401);
      expect((await d.admin()).status).toBe(200);
    });

    it('keeps its generated token in the data directory, readable by the owner only', () => {
      expect(d.fx.k.admin.tokenFile).toBe(join(d.fx.k.config.dataDir, 'admin-token'));
      expect(statSync(d.fx.k.admin.tokenFile!).mode & 0o777).toBe(0o600);
    });
  });
});

describe('faults.alterBody, and a short idle limit', () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await Deployment.start({ faults: { alterBody: [A] }, pinholes: { maxIdleSeconds: 1 } });
  });
  afterAll(async () => {
    await d.fx.stop();
  });

  it('changes the sealed body the peer receives, both ways, so opening it fails with bad-ciphertext', async () => {
    const alice = await d.ua('alice');
    const bob = await d.ua('bob');
    const callId = `alter-${Date.now()}@test`;
    const offer = await d.seal('alice', 'bob', [], OFFER, callId);
    const inv = alice.request('INVITE', `sip:${bob.aor}`, { callId });
    seal(inv, offer.der, null);
    alice.client.send(inv);
    const got = await bob.client.request('INVITE');
    expect(got.bodyText()).not.toBe(inv.bodyText());
    expect(bodyDer(got).length).toBe(offer.der.length);
    await expect(d.open(bodyDer(got), 'bob', callId)).rejects.toMatchObject({ code: 'bad-ciphertext' });

    const answer = await d.seal('bob', 'alice', [], ANSWER, callId);
    const res = bob.answer(got, 200, undefined, (r) => seal(r, answer.der, null));
    const ok = await alice.client.response(200, 'INVITE');
    expect(ok.bodyText()).not.toBe(res.bodyText());
    await expect(d.open(bodyDer(ok), 'alice', callId)).rejects.toMatchObject({ code: 'bad-ciphertext' });
  });

  it('the reader still opens what it received, and closes pinholes of a dialog that goes quiet', async () => {
    const alice = await d.ua('alice');
    const bob = await d.ua('bob');
    const callId = `idle-${Date.now()}@test`;
    const offer = await d.seal('alice', 'bob', [A], OFFER, callId);
    const inv = alice.request('INVITE', `sip:${bob.aor}`, { callId });
    seal(inv, offer.der, A);
    alice.client.send(inv);
    await bob.client.request('INVITE');
    await d.until((p) => p[A]!.pinholes.find((x) => x.callId === callId), 'the offer at A');
    const closed = await d.until((p) => callEvents(p, A, callId).find((e) => e.event === 'closed'), 'the idle close at A');
    expect(closed.detail).toBe('no message for 1 s');
    expect((await d.pinholes())[A]!.pinholes.filter((x) => x.callId === callId)).toEqual([]);
  });
});
