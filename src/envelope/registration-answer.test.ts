import { describe, expect, it } from 'vitest';
import { CertificateError } from './errors.js';
import { generateIdentityKeys } from './keys.js';
import { readRegistrationCertificates, verifyUserCertificate } from './registration-answer.js';
import { errorCode, makeCa, makeProxy, makeUser } from './test-support.js';

const codeOf = (p: Promise<unknown>) => errorCode(p, CertificateError);

describe('the certificates of a REGISTER answer, as the user agent sorts them (seed 004 §7.1 UA-5)', async () => {
  const ca = await makeCa();
  const other = await makeCa('Some other CA');
  const alice = await makeUser(ca, 'alice@a.keyhop.test', 600);
  const proxyA = await makeProxy(ca, 'a.keyhop.test');
  const proxyB = await makeProxy(ca, 'b.keyhop.test');
  const stranger = await makeProxy(other, 'c.keyhop.test');

  it('tells them apart by content, in any order: own by key, CA by self-signature, proxies by dNSName', async () => {
    const got = await readRegistrationCertificates([proxyB.cert, ca.cert, alice.cert, proxyA.cert], { publicKey: alice.keys.publicKey, aor: 'alice@a.keyhop.test' });
    expect(got.own).toEqual(alice.cert);
    expect(got.caCerts).toEqual([ca.cert]);
    expect(got.proxies.map((p) => p.domain)).toEqual(['b.keyhop.test', 'a.keyhop.test']);
    expect(got.proxies[0]!.publicKey).toEqual(new Uint8Array(await crypto.subtle.exportKey('raw', proxyB.keys.publicKey)));
    expect(got.notAfter.getTime()).toBeGreaterThan(Date.now() + 590_000);
  });

  it('leaves out a proxy certificate from another CA', async () => {
    const got = await readRegistrationCertificates([alice.cert, ca.cert, stranger.cert], { publicKey: alice.keys.publicKey, aor: 'alice@a.keyhop.test' });
    expect(got.proxies).toEqual([]);
  });

  it('refuses an answer without the device’s certificate, for another AOR, without a CA, or from another CA', async () => {
    const keys = await generateIdentityKeys();
    expect(await codeOf(readRegistrationCertificates([alice.cert, ca.cert], { publicKey: keys.publicKey, aor: 'alice@a.keyhop.test' }))).toBe('identity-mismatch');
    expect(await codeOf(readRegistrationCertificates([alice.cert, ca.cert], { publicKey: alice.keys.publicKey, aor: 'carol@a.keyhop.test' }))).toBe('identity-mismatch');
    expect(await codeOf(readRegistrationCertificates([alice.cert, proxyA.cert], { publicKey: alice.keys.publicKey, aor: 'alice@a.keyhop.test' }))).toBe('malformed');
    expect(await codeOf(readRegistrationCertificates([alice.cert, other.cert], { publicKey: alice.keys.publicKey, aor: 'alice@a.keyhop.test' }))).toBe('bad-signature');
    expect(await codeOf(readRegistrationCertificates([new Uint8Array([48, 3, 1, 1, 0])], { publicKey: alice.keys.publicKey, aor: 'alice@a.keyhop.test' }))).toBe('malformed');
  });

  it('checks a looked-up certificate: the right user, chaining to the CA, not expired', async () => {
    expect((await verifyUserCertificate(alice.cert, { aor: 'alice@a.keyhop.test', caCerts: [ca.cert] })).notAfter.getTime()).toBeGreaterThan(Date.now());
    expect(await codeOf(verifyUserCertificate(alice.cert, { aor: 'bob@b.keyhop.test', caCerts: [ca.cert] }))).toBe('identity-mismatch');
    expect(await codeOf(verifyUserCertificate(alice.cert, { aor: 'alice@a.keyhop.test', caCerts: [other.cert] }))).toBe('bad-signature');
    expect(await codeOf(verifyUserCertificate(alice.cert, { aor: 'alice@a.keyhop.test', caCerts: [ca.cert], now: new Date(Date.now() + 3_600_000) }))).toBe('bad-signature');
  });
});
