import { ContentInfo } from '@peculiar/asn1-cms';
import { OctetString } from '@peculiar/asn1-schema';
import { describe, expect, it } from 'vitest';
import { toArrayBuffer, toBytes } from '../../envelope/bytes.js';
import { readCert } from '../../envelope/cert-id.js';
import { serialize } from '../../envelope/der.js';
import { envelop, readEnvelope } from '../../envelope/envelope.js';
import { ID_CT_AUTH_ENVELOPED_DATA, ID_SIGNED_DATA } from '../../envelope/oids.js';
import { readersAttribute } from '../../envelope/readers-attribute.js';
import { signContent } from '../../envelope/signed-data.js';
import { makeCa, makeProxy, makeUser, SAMPLE_SDP, type TestParty } from '../../envelope/test-support.js';
import { openSdp, SEALED_SDP_CONTENT_TYPE } from '../../envelope/index.js';
import type { SipMessage } from '../../sip/message.js';
import { fromBase64, parseRaw, toBase64 } from '../auth/wire.js';
import type { SdpProtectionView } from '../states.js';
import type { EnvelopeCertificates } from './certificates.js';
import { StageSocket } from '../stage-socket.js';
import { EnvelopeStage, type EnvelopeHooks } from './envelope-stage.js';
import type { KeyRenewal } from './dialog-key.js';
import { undecipherableOutcome } from './undecipherable.js';

const ca = await makeCa();
const alice = await makeUser(ca, 'alice@a.keyhop.test');
const bob = await makeUser(ca, 'bob@b.keyhop.test');
const proxyA = await makeProxy(ca, 'a.keyhop.test');
const proxyB = await makeProxy(ca, 'b.keyhop.test');
const proxies = [proxyA, proxyB];

function certificatesOf(party: TestParty): EnvelopeCertificates {
  return {
    own: () => ({ cert: party.cert, keys: party.keys }),
    caCerts: () => [ca.cert],
    proxyCert: (domain) => proxies.find((p) => p.name === domain)?.cert ?? null,
  };
}

/** One phone's stage, with everything it tells the Phone and the replies it sends recorded. */
function phone(
  party: TestParty,
  options: { withoutCertificate?: 'refuse' | 'ask'; renewal?: KeyRenewal; confirm?: boolean; now?: () => number } = {},
) {
  const views: SdpProtectionView[] = [];
  const failures: string[] = [];
  const replies: string[] = [];
  const asked: string[] = [];
  // Wakes a test waiting for the stage to send something of its own or to fail a call.
  const waiting: Array<() => void> = [];
  const wake = () => waiting.splice(0).forEach((resolve) => resolve());
  const hooks: EnvelopeHooks = {
    view: (_id, v) => void views.push(v),
    fail: (_id, reason) => void (failures.push(reason), wake()),
    confirmPlain: (peer) => (asked.push(peer), Promise.resolve(options.confirm ?? false)),
  };
  const stage = new EnvelopeStage({
    self: party.name.replace(/^sip:/, ''),
    certificates: certificatesOf(party),
    withoutCertificate: options.withoutCertificate ?? 'refuse',
    hooks,
    ...(options.renewal ? { renewal: options.renewal } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const context = { reply: (raw: string) => void (replies.push(raw), wake()) };
  /**
   * What goes out for `raw`. The first INVITE of a call leaves the queue at once (null) and comes
   * back through `context.reply` once sealed, unless the call fails first.
   */
  const send = async (raw: string): Promise<string | null> => {
    const [sent, failed] = [replies.length, failures.length];
    const done = new Promise<void>((resolve) => void waiting.push(resolve));
    const out = await stage.outgoing(raw, context);
    if (out !== null) return out;
    if (replies.length === sent && failures.length === failed) await done;
    return replies.length > sent ? replies.at(-1)! : null;
  };
  return {
    stage,
    views,
    failures,
    replies,
    asked,
    send,
    receive: async (raw: string) => stage.incoming(raw, context),
  };
}

const CALL_ID = 'f81d4fae7dec11d0a765@alice.invalid';

function invite(body = SAMPLE_SDP, contentType = 'application/sdp'): string {
  return [
    'INVITE sip:bob@b.keyhop.test SIP/2.0',
    'Via: SIP/2.0/WSS alice.invalid;branch=z9hG4bK776asdhds',
    'Max-Forwards: 70',
    'To: <sip:bob@b.keyhop.test>',
    'From: <sip:alice@a.keyhop.test>;tag=1928301774',
    `Call-ID: ${CALL_ID}`,
    'CSeq: 314159 INVITE',
    'Contact: <sip:alice@alice.invalid;transport=ws>',
    `Content-Type: ${contentType}`,
    `Content-Length: ${new TextEncoder().encode(body).length}`,
    '',
    body,
  ].join('\r\n');
}

function answer(body = SAMPLE_SDP): string {
  return [
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/WSS alice.invalid;branch=z9hG4bK776asdhds',
    'To: <sip:bob@b.keyhop.test>;tag=a6c85cf',
    'From: <sip:alice@a.keyhop.test>;tag=1928301774',
    `Call-ID: ${CALL_ID}`,
    'CSeq: 314159 INVITE',
    'Contact: <sip:bob@bob.invalid;transport=ws>',
    'Content-Type: application/sdp',
    `Content-Length: ${new TextEncoder().encode(body).length}`,
    '',
    body,
  ].join('\r\n');
}

function reInvite(cseq: number): string {
  return invite(SAMPLE_SDP.replace('a=setup:actpass', 'a=sendonly\r\na=setup:actpass'))
    .replace('To: <sip:bob@b.keyhop.test>', 'To: <sip:bob@b.keyhop.test>;tag=a6c85cf')
    .replace('CSeq: 314159 INVITE', `CSeq: ${cseq} INVITE`)
    .replace('branch=z9hG4bK776asdhds', `branch=z9hG4bKre${cseq}`);
}

function message(raw: string | null): SipMessage {
  expect(raw).toEqual(expect.any(String));
  const msg = parseRaw(raw!);
  expect(msg).not.toBeNull();
  return msg!;
}

function envelopeOf(raw: string | null): Uint8Array {
  const msg = message(raw);
  expect(msg.get('Content-Type')).toBe(SEALED_SDP_CONTENT_TYPE);
  expect(msg.get('Content-Transfer-Encoding')).toBe('base64');
  return fromBase64(msg.bodyText())!;
}

function openAs(der: Uint8Array, reader: TestParty) {
  return openSdp(der, { recipient: { key: reader.keys.agreementKey, cert: reader.cert }, trust: { caCerts: [ca.cert] } });
}

async function rawKey(key: CryptoKey): Promise<string> {
  return toBase64(new Uint8Array(await crypto.subtle.exportKey('raw', key)));
}

/** Alice calls Bob with `readers` chosen; returns both phones and the sealed INVITE. */
async function placeCall(readers: string[], aliceOptions: Parameters<typeof phone>[1] = {}) {
  const a = phone(alice, aliceOptions);
  const b = phone(bob);
  a.stage.prepareCall('bob@b.keyhop.test', { readers, peerCert: Promise.resolve(bob.cert) });
  const sealed = await a.send(invite());
  return { a, b, sealed };
}

/** Replaces the envelope of a sealed message by `der`. */
function withEnvelope(raw: string, der: Uint8Array): string {
  const msg = message(raw);
  msg.setBody(toBase64(der), msg.get('Content-Type'));
  return msg.toString();
}

function rewrite(der: Uint8Array, edit: (aed: ReturnType<typeof readEnvelope>) => void): Uint8Array {
  const aed = readEnvelope(der);
  edit(aed);
  return serialize(new ContentInfo({ contentType: ID_CT_AUTH_ENVELOPED_DATA, content: toArrayBuffer(serialize(aed)) }));
}

function flip(buf: ArrayBuffer, at: number): ArrayBuffer {
  const b = toBytes(buf).slice();
  b[at < 0 ? b.length + at : at]! ^= 0x01;
  return b.buffer;
}

/** Asserts the request was refused with 493 and a Warning from Bob, and never passed on; returns the Warning text. */
function refusedWith(b: ReturnType<typeof phone>, passed: string | null): string {
  expect(passed).toBeNull();
  expect(b.replies).toHaveLength(1);
  const reply = message(b.replies[0]!);
  expect(reply.toString()).toMatch(/^SIP\/2\.0 493 Undecipherable\r\n/);
  expect(reply.callId).toBe(CALL_ID);
  const warning = /^399 bob@b\.keyhop\.test "(.+)"$/.exec(reply.get('Warning') ?? '');
  expect(warning).not.toBeNull();
  return warning![1]!;
}

describe('the envelope stage, sealing and opening the offer', () => {
  it('seals the INVITE for the callee and the chosen proxy only, and Bob gets the plain SDP back', async () => {
    const { b, sealed } = await placeCall(['a.keyhop.test']);
    expect(sealed).not.toContain('v=0');
    expect(sealed).not.toContain('a=fingerprint');
    const msg = message(sealed);
    expect(msg.get('SDP-Readers')).toBe('a.keyhop.test');
    const der = envelopeOf(sealed);
    expect(new TextEncoder().encode(msg.bodyText()).length).toBe(Number(/Content-Length: (\d+)/.exec(sealed!)![1]));

    expect((await openAs(der, proxyA)).sdp).toBe(SAMPLE_SDP);
    await expect(openAs(der, proxyB)).rejects.toMatchObject({ code: 'not-a-recipient' });

    const opened = message(await b.receive(sealed!));
    expect(opened.get('Content-Type')).toBe('application/sdp');
    expect(opened.bodyText()).toBe(SAMPLE_SDP);
    expect(opened.has('Content-Transfer-Encoding')).toBe(false);
    expect(b.views.at(-1)).toEqual({ sealed: true, readers: ['a.keyhop.test'], peerSignature: 'verified', problem: null });
    expect(b.stage.viewFor(`${CALL_ID}1928301774`)).toEqual(b.views.at(-1));
  });

  it("lets other messages through the socket while the callee's certificate is being looked up", async () => {
    const a = phone(alice);
    const wire: string[] = [];
    let arrived = () => {};
    const inner = {
      via_transport: 'WSS',
      url: 'ws://a.keyhop.test/sip',
      sip_uri: 'sip:a.keyhop.test;transport=ws',
      connect() {},
      disconnect() {},
      send: (m: unknown) => (wire.push(String(m)), arrived(), true),
      isConnected: () => true,
      isConnecting: () => false,
      onconnect() {},
      ondisconnect() {},
      ondata() {},
    };
    const socket = new StageSocket(inner, [a.stage]);
    let lookedUp: (cert: Uint8Array | null) => void = () => {};
    a.stage.prepareCall('bob@b.keyhop.test', { readers: [], peerCert: new Promise((resolve) => (lookedUp = resolve)) });
    socket.send(invite());
    // The lookup itself (an OPTIONS, sent again after a challenge) must not queue behind the INVITE.
    const options = [
      'OPTIONS sip:bob@b.keyhop.test SIP/2.0',
      'Via: SIP/2.0/WSS alice.invalid;branch=z9hG4bKopt2',
      'Max-Forwards: 70',
      'To: <sip:bob@b.keyhop.test>',
      'From: <sip:alice@a.keyhop.test>;tag=77',
      'Call-ID: lookup@alice.invalid',
      'CSeq: 2 OPTIONS',
      'Accept: application/pkix-cert',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    socket.send(options);
    expect(wire).toEqual([options]);
    const sealed = new Promise<void>((resolve) => (arrived = resolve));
    lookedUp(bob.cert);
    await sealed;
    expect(wire).toHaveLength(2);
    expect((await openAs(envelopeOf(wire[1]!), bob)).sdp).toBe(SAMPLE_SDP);
  });

  it('with no proxy chosen, only the callee can open it and there is no SDP-Readers header', async () => {
    const { b, sealed } = await placeCall([]);
    expect(message(sealed).has('SDP-Readers')).toBe(false);
    await expect(openAs(envelopeOf(sealed), proxyA)).rejects.toMatchObject({ code: 'not-a-recipient' });
    expect(message(await b.receive(sealed!)).bodyText()).toBe(SAMPLE_SDP);
  });

  it("Bob's answer is sealed under the dialog's content key and opens for Alice", async () => {
    const { a, b, sealed } = await placeCall(['a.keyhop.test']);
    const offerKey = (await openAs(envelopeOf(sealed), proxyA)).contentKey;
    await b.receive(sealed!);
    const sealedAnswer = await b.send(answer());
    expect(sealedAnswer).not.toContain('v=0');
    const der = envelopeOf(sealedAnswer);
    expect(message(sealedAnswer).get('SDP-Readers')).toBe('a.keyhop.test');
    expect((await openSdp(der, { contentKey: offerKey, trust: { caCerts: [ca.cert] } })).sdp).toBe(SAMPLE_SDP);
    expect((await openAs(der, proxyA)).signerName).toBe('sip:bob@b.keyhop.test');

    const opened = message(await a.receive(sealedAnswer!));
    expect(opened.bodyText()).toBe(SAMPLE_SDP);
    expect(a.views.at(-1)).toEqual({ sealed: true, readers: ['a.keyhop.test'], peerSignature: 'verified', problem: null });
  });

  it('renews the content key after the configured number of uses', async () => {
    const { a, b, sealed } = await placeCall(['a.keyhop.test'], { renewal: { maxUses: 2, maxAgeMs: 3_600_000 } });
    await b.receive(sealed!);
    await a.receive((await b.send(answer()))!);
    // Offer and answer used the key twice; the hold re-INVITE gets a new one, which Bob adopts.
    const hold = await a.send(reInvite(314160));
    const first = await rawKey((await openAs(envelopeOf(sealed), proxyA)).contentKey);
    const renewed = await rawKey((await openAs(envelopeOf(hold), proxyA)).contentKey);
    expect(renewed).not.toBe(first);
    expect(message(await b.receive(hold!)).bodyText()).toContain('a=sendonly');
    const holdAnswer = envelopeOf(await b.send(answer().replace('CSeq: 314159', 'CSeq: 314160')));
    expect(await rawKey((await openAs(holdAnswer, proxyA)).contentKey)).toBe(renewed);
  });

  it('renews the content key once it is older than the configured age', async () => {
    let now = 1_000_000;
    const { a, sealed } = await placeCall([], { renewal: { maxUses: 1000, maxAgeMs: 60_000 }, now: () => now });
    const key = async (raw: string | null) => rawKey((await openAs(envelopeOf(raw), bob)).contentKey);
    const first = await key(sealed);
    now += 59_000;
    expect(await key(await a.send(reInvite(314160)))).toBe(first);
    now += 2_000;
    expect(await key(await a.send(reInvite(314161)))).not.toBe(first);
  });

  it('keeps one key for the dialog while under the limit', async () => {
    const { a, b, sealed } = await placeCall([]);
    await b.receive(sealed!);
    await a.receive((await b.send(answer()))!);
    const hold = await a.send(reInvite(314160));
    const key = (x: string | null) => openAs(envelopeOf(x), bob).then((o) => rawKey(o.contentKey));
    expect(await key(hold)).toBe(await key(sealed));
  });
});

describe('the envelope stage refusing what it cannot open or verify', () => {
  it('a flipped ciphertext byte: 493 saying the description was altered', async () => {
    const { b, sealed } = await placeCall(['a.keyhop.test']);
    const der = rewrite(envelopeOf(sealed), (aed) => {
      const enc = aed.authEncryptedContentInfo.encryptedContent!;
      enc.value = new OctetString(flip(enc.value!.buffer, 40));
    });
    const why = refusedWith(b, await b.receive(withEnvelope(sealed!, der)));
    expect(why).toBe("The call's media description was altered on the way (it no longer decrypts)");
  });

  it("a flipped byte in Bob's wrapped key: 493 saying the key was altered", async () => {
    const { b, sealed } = await placeCall(['a.keyhop.test']);
    const der = rewrite(envelopeOf(sealed), (aed) => {
      const rek = aed.recipientInfos[0]!.kari!.recipientEncryptedKeys[0]!;
      rek.encryptedKey = new OctetString(flip(rek.encryptedKey.buffer, 3));
    });
    const why = refusedWith(b, await b.receive(withEnvelope(sealed!, der)));
    expect(why).toBe("The key of the call's media description was altered on the way (it no longer unwraps)");
  });

  it('SDP rewritten by a reader under the original signature: 493 saying the signature does not match', async () => {
    const { b, sealed } = await placeCall(['a.keyhop.test']);
    // Proxy A can decrypt, so it could re-encrypt an altered SDP under the same key.
    const { contentKey } = await openAs(envelopeOf(sealed), proxyA);
    const readers = [bob, proxyA].map((r) => ({ name: r.name, id: readCert(r.cert, r.name).id }));
    const signed = await signContent({
      content: new TextEncoder().encode(SAMPLE_SDP),
      key: alice.keys.signingKey,
      cert: readCert(alice.cert, 'alice'),
      attributes: [readersAttribute(readers)],
    });
    const text = new TextDecoder('latin1').decode(signed);
    signed.set(new TextEncoder().encode('00:00'), text.indexOf('7B:8B'));
    const der = await envelop(signed, ID_SIGNED_DATA, [bob, proxyA].map((r) => readCert(r.cert, r.name)), contentKey);
    const why = refusedWith(b, await b.receive(withEnvelope(sealed!, der)));
    expect(why).toBe("The signature on the call's media description does not match: it was changed after signing");
  });

  it('an envelope signed by someone other than the caller: 493 naming the signer', async () => {
    const { b } = await placeCall([]);
    const forger = phone(proxyA);
    forger.stage.prepareCall('bob@b.keyhop.test', { readers: [], peerCert: Promise.resolve(bob.cert) });
    const forged = await forger.send(invite());
    const why = refusedWith(b, await b.receive(forged!));
    expect(why).toBe('The media description is signed by a.keyhop.test, not by alice@a.keyhop.test');
  });

  it('a reader dropped from the SDP-Readers header: 493 saying the reader list was altered', async () => {
    const { b, sealed } = await placeCall(['a.keyhop.test']);
    const why = refusedWith(b, await b.receive(sealed!.replace(/^SDP-Readers: a\.keyhop\.test\r\n/im, '')));
    expect(why).toBe('The SDP-Readers header was altered on the way: it no longer names the servers the media description was encrypted for');
  });

  it("a reader's recipient info removed from the envelope: 493 saying the list of readers was altered", async () => {
    const { b, sealed } = await placeCall(['a.keyhop.test']);
    const der = rewrite(envelopeOf(sealed), (aed) => {
      aed.recipientInfos.splice(1, 1);
    });
    const why = refusedWith(b, await b.receive(withEnvelope(sealed!, der)));
    expect(why).toBe('The list of servers allowed to read the media description was altered on the way');
  });

  it('plain SDP in a dialog that is sealed: the re-INVITE is refused, the call goes on', async () => {
    const { a, b, sealed } = await placeCall([]);
    await b.receive(sealed!);
    await a.receive((await b.send(answer()))!);
    const why = refusedWith(b, await b.receive(reInvite(314160)));
    expect(why).toBe('The media description arrived unencrypted although the peer has a certificate; it may have been replaced on the way');
    expect(b.failures).toEqual([]);
  });

  it('a plain answer to a sealed offer ends the call with the reason', async () => {
    const { a, sealed } = await placeCall([]);
    expect(sealed).not.toContain('v=0');
    expect(await a.receive(answer())).toBeNull();
    expect(a.failures).toEqual(['The media description arrived unencrypted although the peer has a certificate; it may have been replaced on the way']);
  });

  it('a plain INVITE is refused when unencrypted calls are refused', async () => {
    const b = phone(bob);
    const why = refusedWith(b, await b.receive(invite()));
    expect(why).toBe('This phone accepts only calls whose media description is encrypted, and this one was sent unencrypted');
  });

  it("the caller shows the callee's 493 reason", async () => {
    const { a, b, sealed } = await placeCall(['a.keyhop.test']);
    const der = rewrite(envelopeOf(sealed), (aed) => {
      aed.mac = new OctetString(flip(aed.mac.buffer, -1));
    });
    await b.receive(withEnvelope(sealed!, der));
    const refusal = message(await a.receive(b.replies[0]!));
    // What JsSIP ends the session with: the response, its headers read through getHeaders.
    const ended = { status_code: 493, getHeaders: (name: string) => refusal.getAll(name) };
    expect(undecipherableOutcome(ended)).toEqual({
      text: "bob@b.keyhop.test could not accept the call: The call's media description was altered on the way (it no longer decrypts)",
      alert: true,
      statusCode: 493,
    });
  });
});

describe('the envelope stage when the callee has no certificate', () => {
  it("'refuse': the INVITE is not sent and the call fails with the reason", async () => {
    const a = phone(alice);
    a.stage.prepareCall('bob@b.keyhop.test', { readers: ['a.keyhop.test'], peerCert: Promise.resolve(null) });
    expect(await a.send(invite())).toBeNull();
    expect(a.asked).toEqual([]);
    expect(a.failures).toEqual([
      'bob@b.keyhop.test is not available, or has no certificate to encrypt the call\'s media description for; the call was not placed ("Callee without certificate" is set to refuse)',
    ]);
  });

  it("'ask', declined: nothing is sent", async () => {
    const a = phone(alice, { withoutCertificate: 'ask', confirm: false });
    a.stage.prepareCall('bob@b.keyhop.test', { readers: [], peerCert: Promise.resolve(null) });
    expect(await a.send(invite())).toBeNull();
    expect(a.asked).toEqual(['bob@b.keyhop.test']);
    expect(a.failures[0]).toMatch(/^Call cancelled: no certificate could be found for bob@b\.keyhop\.test/);
  });

  it("'ask', accepted: the SDP goes out plain and the plain answer is taken", async () => {
    const a = phone(alice, { withoutCertificate: 'ask', confirm: true });
    a.stage.prepareCall('bob@b.keyhop.test', { readers: [], peerCert: Promise.resolve(null) });
    expect(await a.send(invite())).toBe(invite());
    expect(await a.receive(answer())).toBe(answer());
    expect(a.views.at(-1)).toMatchObject({ sealed: false, peerSignature: 'none', problem: expect.stringMatching(/unencrypted/) });
  });
});
