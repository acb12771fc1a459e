import { ContentInfo, RecipientInfos, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { describe, expect, it } from 'vitest';
import { AuthEnvelopedData } from './auth-enveloped-data.js';
import { readCert } from './cert-id.js';
import { toArrayBuffer, toBytes } from './bytes.js';
import { serialize } from './der.js';
import { envelop, readEnvelope } from './envelope.js';
import { EnvelopeError } from './errors.js';
import { recipientInfoFor } from './key-agreement.js';
import { ID_CT_AUTH_ENVELOPED_DATA, ID_SIGNED_DATA } from './oids.js';
import { readersAttribute } from './readers-attribute.js';
import { openSdp, sealSdp } from './sdp-envelope.js';
import { signContent } from './signed-data.js';
import { errorCode, makeCa, makeProxy, makeUser, SAMPLE_SDP, type TestParty } from './test-support.js';

const ca = await makeCa();
const otherCa = await makeCa('Some other CA');
const alice = await makeUser(ca, 'alice@a.keyhop.test');
const bob = await makeUser(ca, 'bob@b.keyhop.test');
const eve = await makeUser(ca, 'eve@b.keyhop.test');
const mallory = await makeUser(otherCa, 'alice@a.keyhop.test');
const proxyA = await makeProxy(ca, 'a.keyhop.test');
const trust = { caCerts: [ca.cert] };

const codeOf = (p: Promise<unknown>) => errorCode(p, EnvelopeError);

function openAs(der: Uint8Array, reader: TestParty, now?: Date) {
  return openSdp(der, { recipient: { key: reader.keys.agreementKey, cert: reader.cert }, trust, ...(now ? { now } : {}) });
}

/** Parses, lets `edit` change the AuthEnvelopedData, and re-encodes. */
function rewrite(der: Uint8Array, edit: (aed: AuthEnvelopedData) => void): Uint8Array {
  const aed = readEnvelope(der);
  edit(aed);
  return serialize(new ContentInfo({ contentType: ID_CT_AUTH_ENVELOPED_DATA, content: toArrayBuffer(serialize(aed)) }));
}

function flip(buf: ArrayBuffer, at = 0): ArrayBuffer {
  const b = toBytes(buf);
  b[at < 0 ? b.length + at : at]! ^= 0x01;
  return b.buffer;
}

const sealed = await sealSdp({
  sdp: SAMPLE_SDP,
  signer: { key: alice.keys.signingKey, cert: alice.cert },
  readers: [{ cert: bob.cert }, { cert: proxyA.cert }],
});

describe('tampering with the envelope', () => {
  it('the untouched envelope opens (control)', async () => {
    expect((await openAs(sealed.der, bob)).sdp).toBe(SAMPLE_SDP);
  });

  it('a flipped ciphertext byte: bad-ciphertext', async () => {
    const der = rewrite(sealed.der, (aed) => {
      const enc = aed.authEncryptedContentInfo.encryptedContent!;
      enc.value = new OctetString(flip(enc.value!.buffer, 40));
    });
    expect(await codeOf(openAs(der, bob))).toBe('bad-ciphertext');
    expect(await codeOf(openAs(der, proxyA))).toBe('bad-ciphertext');
  });

  it('a flipped GCM tag byte: bad-ciphertext', async () => {
    const der = rewrite(sealed.der, (aed) => {
      aed.mac = new OctetString(flip(aed.mac.buffer, -1));
    });
    expect(await codeOf(openAs(der, bob))).toBe('bad-ciphertext');
  });

  it("a flipped byte in the reader's wrapped key: bad-wrapped-key; the other reader is unaffected", async () => {
    const der = rewrite(sealed.der, (aed) => {
      const rek = aed.recipientInfos[0]!.kari!.recipientEncryptedKeys[0]!;
      rek.encryptedKey = new OctetString(flip(rek.encryptedKey.buffer, 3));
    });
    expect(await codeOf(openAs(der, bob))).toBe('bad-wrapped-key');
    expect((await openAs(der, proxyA)).sdp).toBe(SAMPLE_SDP);
  });

  it('a replaced ephemeral key: bad-wrapped-key (or malformed when not on the curve)', async () => {
    const der = rewrite(sealed.der, (aed) => {
      const src = aed.recipientInfos[1]!.kari!.originator.originatorKey!;
      aed.recipientInfos[0]!.kari!.originator.originatorKey!.publicKey = src.publicKey;
    });
    expect(await codeOf(openAs(der, bob))).toBe('bad-wrapped-key');
    const offCurve = rewrite(sealed.der, (aed) => {
      const key = aed.recipientInfos[0]!.kari!.originator.originatorKey!;
      key.publicKey = flip(key.publicKey, -1);
    });
    expect(['bad-wrapped-key', 'malformed']).toContain(await codeOf(openAs(offCurve, bob)));
  });

  it("a dropped reader's recipient info: reader-mismatch for the remaining readers", async () => {
    const der = rewrite(sealed.der, (aed) => {
      aed.recipientInfos = new RecipientInfos([aed.recipientInfos[0]!]);
    });
    const code = await codeOf(openAs(der, bob));
    expect(code).toBe('reader-mismatch');
    await expect(openAs(der, bob)).rejects.toThrow(/a\.keyhop\.test \(signed, but has no recipient info\)/);
  });

  it('a recipient info added by a reader who knows the content key: reader-mismatch', async () => {
    const atProxy = await openAs(sealed.der, proxyA);
    const extra = await recipientInfoFor(readCert(eve.cert, 'eve'), atProxy.contentKey, 'eve');
    const der = rewrite(sealed.der, (aed) => {
      aed.recipientInfos = new RecipientInfos([...aed.recipientInfos, extra]);
    });
    expect(await codeOf(openAs(der, bob))).toBe('reader-mismatch');
    expect(await codeOf(openAs(der, eve))).toBe('reader-mismatch');
  });

  it('not an AuthEnvelopedData: malformed', async () => {
    const der = serialize(new ContentInfo({ contentType: ID_SIGNED_DATA, content: toArrayBuffer(new Uint8Array([0x30, 0])) }));
    expect(await codeOf(openAs(der, bob))).toBe('malformed');
  });
});

describe('tampering with the signed content', () => {
  async function envelopeOf(signedData: Uint8Array, readers: TestParty[]) {
    const key = sealed.contentKey;
    return envelop(signedData, ID_SIGNED_DATA, readers.map((r) => readCert(r.cert, r.name)), key);
  }

  async function signed(signer: TestParty, readers: TestParty[]) {
    return signContent({
      content: new TextEncoder().encode(SAMPLE_SDP),
      key: signer.keys.signingKey,
      cert: readCert(signer.cert, 'signer'),
      attributes: readers.length ? [readersAttribute(readers.map((r) => ({ name: r.name, id: readCert(r.cert, r.name).id })))] : [],
    });
  }

  it('control: a hand-assembled envelope opens', async () => {
    const der = await envelopeOf(await signed(alice, [bob]), [bob]);
    expect((await openAs(der, bob)).sdp).toBe(SAMPLE_SDP);
  });

  // The edits below patch bytes in place: re-encoding a parsed SignedData through asn1js would
  // also rewrite the UUID-arc OID of the readers attribute (see oid-match.ts).
  it('a flipped signature byte: bad-signature', async () => {
    const sd = await signed(alice, [bob]);
    sd[sd.length - 2]! ^= 0x01; // inside s, the last INTEGER of the last field (signature)
    const err = await openAs(await envelopeOf(sd, [bob]), bob).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bad-signature', message: expect.stringMatching(/does not verify/) });
  });

  it('SDP changed under an intact signature (a reader rewriting fingerprints): bad-signature', async () => {
    const sd = await signed(alice, [bob]);
    const text = new TextDecoder('latin1').decode(sd);
    const at = text.indexOf('7B:8B');
    expect(at).toBeGreaterThan(0);
    sd.set(new TextEncoder().encode('00:00'), at);
    const err = await openAs(await envelopeOf(sd, [bob]), bob).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'bad-signature', message: expect.stringMatching(/message digest does not match/) });
  });

  it("the signer's certificate replaced by another: untrusted-signer (signer not found)", async () => {
    const sd = AsnConvert.parse(await signed(alice, []), SignedData);
    const evil = AsnConvert.parse(await signed(eve, []), SignedData);
    sd.certificates = evil.certificates;
    expect(await codeOf(openAs(await envelopeOf(serialize(sd), [bob]), bob))).toBe('untrusted-signer');
  });

  it('a signer certified by another CA: untrusted-signer', async () => {
    const der = await envelopeOf(await signed(mallory, [bob]), [bob]);
    expect(await codeOf(openAs(der, bob))).toBe('untrusted-signer');
    await expect(openAs(der, bob)).rejects.toThrow(/does not chain to a trusted CA/);
  });

  it('a signer whose certificate expired (registration lapsed): untrusted-signer', async () => {
    const later = new Date(Date.now() + 2 * 3600 * 1000);
    expect(await codeOf(openAs(sealed.der, bob, later))).toBe('untrusted-signer');
    await expect(openAs(sealed.der, bob, later)).rejects.toThrow(/expired/);
  });

  it('no trusted CAs configured: untrusted-signer', async () => {
    const code = await codeOf(openSdp(sealed.der, { recipient: { key: bob.keys.agreementKey, cert: bob.cert }, trust: { caCerts: [] } }));
    expect(code).toBe('untrusted-signer');
  });
});
