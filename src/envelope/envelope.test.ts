import { describe, expect, it } from 'vitest';
import { inspectEnvelope, isAddressedTo, addressedToExactly } from './inspect.js';
import { EnvelopeError } from './errors.js';
import { newContentKey } from './content-key.js';
import { openSdp, sealSdp } from './sdp-envelope.js';
import { errorCode, makeCa, makeProxy, makeUser, SAMPLE_SDP, type TestParty } from './test-support.js';
import { ID_AES256_GCM, ID_SIGNED_DATA } from './oids.js';

const ca = await makeCa();
const alice = await makeUser(ca, 'alice@a.keyhop.test');
const bob = await makeUser(ca, 'bob@b.keyhop.test');
const carol = await makeUser(ca, 'carol@a.keyhop.test');
const proxyA = await makeProxy(ca, 'a.keyhop.test');
const proxyB = await makeProxy(ca, 'b.keyhop.test');
const proxyC = await makeProxy(ca, 'c.keyhop.test');
const trust = { caCerts: [ca.cert] };

function seal(readers: TestParty[], extra: Partial<Parameters<typeof sealSdp>[0]> = {}) {
  return sealSdp({
    sdp: SAMPLE_SDP,
    signer: { key: alice.keys.signingKey, cert: alice.cert },
    readers: readers.map((r) => ({ cert: r.cert })),
    ...extra,
  });
}

function openAs(der: Uint8Array, reader: TestParty, extra: Partial<Parameters<typeof openSdp>[1]> = {}) {
  return openSdp(der, { recipient: { key: reader.keys.agreementKey, cert: reader.cert }, trust, ...extra });
}

const codeOf = (p: Promise<unknown>) => errorCode(p, EnvelopeError);

describe('sealSdp / openSdp round trips', () => {
  for (const readers of [[bob], [bob, proxyA], [bob, proxyA, proxyB, proxyC]]) {
    it(`${readers.length} reader(s): every reader opens with its own key and sees the same SDP and reader list`, async () => {
      const sealed = await seal(readers);
      expect(sealed.readers.map((r) => r.name)).toEqual(readers.map((r) => r.name));
      const summary = inspectEnvelope(sealed.der);
      expect(summary.recipients).toHaveLength(readers.length);
      expect(summary.contentType).toBe(ID_SIGNED_DATA);
      expect(summary.contentEncryption).toBe(ID_AES256_GCM);
      for (const reader of readers) {
        const opened = await openAs(sealed.der, reader);
        expect(opened.sdp).toBe(SAMPLE_SDP);
        expect(opened.signerName).toBe('sip:alice@a.keyhop.test');
        expect(opened.signerCert).toEqual(alice.cert);
        expect(opened.readersSigned).toBe(true);
        expect(opened.readers.map((r) => r.name)).toEqual(readers.map((r) => r.name));
        expect(opened.readers.map((r) => r.kind)).toEqual(readers.map((r) => (r.name.startsWith('sip:') ? 'user' : 'proxy')));
        expect(opened.signingTime).toBeInstanceOf(Date);
        expect(isAddressedTo(sealed.der, reader.cert)).toBe(true);
      }
      expect(addressedToExactly(sealed.der, readers.map((r) => r.cert))).toBe(true);
    });
  }

  it('a party that is not a reader cannot open: not-a-recipient', async () => {
    const sealed = await seal([bob, proxyA]);
    expect(await codeOf(openAs(sealed.der, carol))).toBe('not-a-recipient');
    expect(await codeOf(openAs(sealed.der, proxyB))).toBe('not-a-recipient');
    expect(isAddressedTo(sealed.der, proxyB.cert)).toBe(false);
  });

  it('a reader certificate paired with another reader key fails the key wrap check', async () => {
    const sealed = await seal([bob, proxyA]);
    const code = await codeOf(openSdp(sealed.der, { recipient: { key: carol.keys.agreementKey, cert: bob.cert }, trust }));
    expect(code).toBe('bad-wrapped-key');
  });

  it('one content key per dialog: a later SDP sealed with the kept key opens with that key alone', async () => {
    const offer = await seal([bob, proxyA]);
    const atBob = await openAs(offer.der, bob);
    const answer = await sealSdp({
      sdp: SAMPLE_SDP.replace('192.0.2.10', '198.51.100.7'),
      signer: { key: bob.keys.signingKey, cert: bob.cert },
      readers: [{ cert: alice.cert }, { cert: proxyA.cert }],
      contentKey: atBob.contentKey,
    });
    expect(answer.contentKey).toBe(atBob.contentKey);
    const atAlice = await openSdp(answer.der, { contentKey: offer.contentKey, trust });
    expect(atAlice.sdp).toContain('198.51.100.7');
    expect(atAlice.signerName).toBe('sip:bob@b.keyhop.test');
    const atProxy = await openAs(answer.der, proxyA);
    expect(atProxy.sdp).toContain('198.51.100.7');
    const other = await newContentKey();
    expect(await codeOf(openSdp(answer.der, { contentKey: other, trust }))).toBe('bad-ciphertext');
  });

  it('a fresh content key for each new dialog', async () => {
    const a = await seal([bob]);
    const b = await seal([bob]);
    const raw = async (k: CryptoKey) => new Uint8Array(await crypto.subtle.exportKey('raw', k));
    expect(await raw(a.contentKey)).not.toEqual(await raw(b.contentKey));
  });

  it('binds an optional dialog context and refuses it in another dialog', async () => {
    const sealed = await seal([bob], { context: 'call-1@a.keyhop.test' });
    expect((await openAs(sealed.der, bob, { context: 'call-1@a.keyhop.test' })).context).toBe('call-1@a.keyhop.test');
    expect(await codeOf(openAs(sealed.der, bob, { context: 'call-2@a.keyhop.test' }))).toBe('context-mismatch');
    const unbound = await seal([bob]);
    expect(await codeOf(openAs(unbound.der, bob, { context: 'call-1@a.keyhop.test' }))).toBe('context-mismatch');
  });

  it('can carry the readers\' certificates for display', async () => {
    const sealed = await seal([bob, proxyA], { includeReaderCerts: true });
    const opened = await openAs(sealed.der, proxyA);
    expect(opened.readers.map((r) => r.cert)).toEqual([bob.cert, proxyA.cert]);
  });

  it('accepts sdp as bytes and keeps non-ASCII text', async () => {
    const sdp = SAMPLE_SDP.replace('s=-', 's=Café ☎');
    const sealed = await sealSdp({ sdp: new TextEncoder().encode(sdp), signer: { key: alice.keys.signingKey, cert: alice.cert }, readers: [{ cert: bob.cert }] });
    expect((await openAs(sealed.der, bob)).sdp).toBe(sdp);
  });
});

describe('sealSdp argument checks', () => {
  it('refuses no readers, a duplicate reader, an ECDH key as signer, a garbage certificate', async () => {
    expect(await codeOf(seal([]))).toBe('invalid-argument');
    expect(await codeOf(seal([bob, bob]))).toBe('invalid-argument');
    expect(
      await codeOf(sealSdp({ sdp: SAMPLE_SDP, signer: { key: alice.keys.agreementKey, cert: alice.cert }, readers: [{ cert: bob.cert }] })),
    ).toBe('invalid-argument');
    expect(
      await codeOf(sealSdp({ sdp: SAMPLE_SDP, signer: { key: alice.keys.signingKey, cert: new Uint8Array([1, 2, 3]) }, readers: [{ cert: bob.cert }] })),
    ).toBe('invalid-argument');
    expect(await codeOf(seal([bob], { readers: [{ cert: bob.cert, name: 'not a name' }] }))).toBe('invalid-argument');
  });

  it('with trust, refuses a reader certified by another CA (untrusted-reader); always refuses a certificate without keyAgreement', async () => {
    const otherCa = await makeCa('Other CA');
    const stranger = await makeUser(otherCa, 'bob@b.keyhop.test');
    expect(await codeOf(seal([stranger], { trust }))).toBe('untrusted-reader');
    expect((await seal([bob, proxyA], { trust })).readers).toHaveLength(2);
    expect(await codeOf(seal([bob], { readers: [{ cert: ca.cert, name: 'ca.keyhop.test' }] }))).toBe('invalid-argument');
  });

  it('refuses an ECDSA key where the recipient ECDH key belongs', async () => {
    const sealed = await seal([bob]);
    expect(await codeOf(openSdp(sealed.der, { recipient: { key: bob.keys.signingKey, cert: bob.cert }, trust }))).toBe('invalid-argument');
  });
});
