/** Hostile and broken input never escapes as anything but an EnvelopeError. */
import { describe, expect, it } from 'vitest';
import { EnvelopeError } from './errors.js';
import { inspectEnvelope, isAddressedTo } from './inspect.js';
import { openSdp, sealSdp } from './sdp-envelope.js';
import { makeCa, makeUser, SAMPLE_SDP } from './test-support.js';

const ca = await makeCa();
const alice = await makeUser(ca, 'alice@a.keyhop.test');
const bob = await makeUser(ca, 'bob@b.keyhop.test');
const trust = { caCerts: [ca.cert] };
const sealed = await sealSdp({ sdp: SAMPLE_SDP, signer: { key: alice.keys.signingKey, cert: alice.cert }, readers: [{ cert: bob.cert }] });

async function outcome(der: Uint8Array): Promise<string> {
  try {
    const opened = await openSdp(der, { recipient: { key: bob.keys.agreementKey, cert: bob.cert }, trust });
    return opened.sdp === SAMPLE_SDP ? 'opened' : 'opened-different';
  } catch (e) {
    if (e instanceof EnvelopeError) return e.code;
    return `untyped ${String(e)}`;
  }
}

/** A small deterministic generator, so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('garbage in, typed errors out', () => {
  it('empty, random, text and truncated inputs are malformed', async () => {
    const rand = rng(7);
    const inputs: Uint8Array[] = [
      new Uint8Array(0),
      new TextEncoder().encode(SAMPLE_SDP),
      Uint8Array.from({ length: 300 }, () => Math.floor(rand() * 256)),
      new Uint8Array([0x30, 0x80, 0, 0]),
      new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]),
      new Uint8Array(300 * 1024),
    ];
    for (let cut = 1; cut < sealed.der.length; cut += Math.max(1, Math.floor(sealed.der.length / 40))) inputs.push(sealed.der.slice(0, cut));
    for (const input of inputs) expect(await outcome(input)).toBe('malformed');
  });

  it('single-byte corruption anywhere gives a typed error (or, rarely, a still-valid envelope)', async () => {
    const rand = rng(42);
    const seen = new Map<string, number>();
    for (let i = 0; i < 120; i++) {
      const copy = sealed.der.slice();
      const at = Math.floor(rand() * copy.length);
      copy[at]! ^= 1 + Math.floor(rand() * 255);
      const result = await outcome(copy);
      expect(result, `corrupting byte ${at}`).not.toMatch(/^untyped|opened-different/);
      seen.set(result, (seen.get(result) ?? 0) + 1);
    }
    expect(seen.get('malformed') ?? 0).toBeGreaterThan(0);
    expect(seen.get('bad-ciphertext') ?? 0).toBeGreaterThan(0);
  });

  it('non-byte arguments are typed errors too', async () => {
    const bad = [undefined, null, 'text', 42, {}, [1, 2, 3]] as unknown[];
    for (const value of bad) {
      await expect(openSdp(value as Uint8Array, { recipient: { key: bob.keys.agreementKey, cert: bob.cert }, trust })).rejects.toBeInstanceOf(EnvelopeError);
      await expect(openSdp(sealed.der, { recipient: { key: value as CryptoKey, cert: bob.cert }, trust })).rejects.toBeInstanceOf(EnvelopeError);
      await expect(openSdp(sealed.der, { recipient: { key: bob.keys.agreementKey, cert: value as Uint8Array }, trust })).rejects.toBeInstanceOf(EnvelopeError);
      await expect(openSdp(sealed.der, value as never)).rejects.toBeInstanceOf(EnvelopeError);
      await expect(sealSdp(value as never)).rejects.toBeInstanceOf(EnvelopeError);
      expect(() => inspectEnvelope(value as Uint8Array)).toThrow(EnvelopeError);
    }
    await expect(openSdp(sealed.der, { trust })).rejects.toMatchObject({ code: 'invalid-argument' });
    expect(() => isAddressedTo(sealed.der, new Uint8Array([1, 2]))).toThrow(EnvelopeError);
  });
});
