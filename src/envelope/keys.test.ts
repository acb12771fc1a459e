import { describe, expect, it } from 'vitest';
import { generateIdentityKeys, importIdentityKeys, isIdentityKeys } from './keys.js';

const P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;

async function sharedWith(agreementKey: CryptoKey, publicKey: CryptoKey) {
  const peer = (await crypto.subtle.generateKey(P256, true, ['deriveBits'])) as CryptoKeyPair;
  const spki = await crypto.subtle.exportKey('spki', publicKey);
  const ours = await crypto.subtle.importKey('spki', spki, P256, false, []);
  const a = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: peer.publicKey }, agreementKey, 256));
  const b = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: ours }, peer.privateKey, 256));
  return [a, b];
}

describe('identity keys: one P-256 key pair, two non-extractable handles', () => {
  it('generates an ECDSA handle and an ECDH handle over the same private key', async () => {
    const keys = await generateIdentityKeys();
    expect(isIdentityKeys(keys)).toBe(true);
    expect(keys.signingKey).toMatchObject({ type: 'private', extractable: false, usages: ['sign'] });
    expect(keys.signingKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(keys.agreementKey).toMatchObject({ type: 'private', extractable: false, usages: ['deriveBits'] });
    expect(keys.agreementKey.algorithm).toMatchObject({ name: 'ECDH', namedCurve: 'P-256' });
    await expect(crypto.subtle.exportKey('pkcs8', keys.signingKey)).rejects.toThrow();
    await expect(crypto.subtle.exportKey('jwk', keys.agreementKey)).rejects.toThrow();

    const data = new TextEncoder().encode('proof');
    const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.signingKey, data);
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, keys.publicKey, sig, data)).toBe(true);
    const [a, b] = await sharedWith(keys.agreementKey, keys.publicKey);
    expect(a).toEqual(b);
  });

  it('imports a PKCS#8 key the same way', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
    const keys = await importIdentityKeys(new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey)));
    expect(keys.signingKey.extractable).toBe(false);
    expect(keys.agreementKey.extractable).toBe(false);
    expect(new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey))).toEqual(new Uint8Array(await crypto.subtle.exportKey('spki', pair.publicKey)));
    const [a, b] = await sharedWith(keys.agreementKey, pair.publicKey);
    expect(a).toEqual(b);
    await expect(importIdentityKeys(new Uint8Array([1, 2, 3]))).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
