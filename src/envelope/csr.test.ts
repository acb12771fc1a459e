import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { createCsr, verifyCsr } from './csr.js';
import { CertificateError } from './errors.js';
import { generateIdentityKeys } from './keys.js';
import { x509Lib } from './crypto.js';
import { errorCode } from './test-support.js';

x509Lib();

const codeOf = (p: Promise<unknown>) => errorCode(p, CertificateError);

describe('certificate requests (seed 004)', async () => {
  const keys = await generateIdentityKeys();

  it('round trip: CN=<aor>, SAN URI sip:<aor>, signed by the key it certifies', async () => {
    const der = await createCsr({ aor: 'alice@a.keyhop.test', keys });
    const csr = new x509.Pkcs10CertificateRequest(der);
    expect(csr.subject).toBe('CN=alice@a.keyhop.test');
    const san = new x509.SubjectAlternativeNameExtension(csr.getExtension('2.5.29.17')!.rawData);
    expect(san.names.toJSON()).toEqual([{ type: 'url', value: 'sip:alice@a.keyhop.test' }]);
    const checked = await verifyCsr(der, { aor: 'sip:alice@A.KEYHOP.TEST' });
    expect(checked.aor).toBe('alice@a.keyhop.test');
    expect(checked.spki).toEqual(new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey)));
  });

  it('a request for another identity: identity-mismatch', async () => {
    const der = await createCsr({ aor: 'alice@a.keyhop.test', keys });
    expect(await codeOf(verifyCsr(der, { aor: 'carol@a.keyhop.test' }))).toBe('identity-mismatch');
    expect(await codeOf(verifyCsr(der, { aor: 'Alice@a.keyhop.test' }))).toBe('identity-mismatch');
  });

  it('a request asking for extra names: identity-mismatch', async () => {
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: [{ CN: ['alice@a.keyhop.test'] }],
      keys: { privateKey: keys.signingKey, publicKey: keys.publicKey },
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'url', value: 'sip:alice@a.keyhop.test' },
          { type: 'dns', value: 'a.keyhop.test' },
        ]),
      ],
    });
    expect(await codeOf(verifyCsr(new Uint8Array(csr.rawData), { aor: 'alice@a.keyhop.test' }))).toBe('identity-mismatch');
  });

  it('a request whose signature does not verify: bad-signature', async () => {
    const der = await createCsr({ aor: 'alice@a.keyhop.test', keys });
    const bad = der.slice();
    bad[bad.length - 2]! ^= 0x01;
    expect(await codeOf(verifyCsr(bad, { aor: 'alice@a.keyhop.test' }))).toBe('bad-signature');
  });

  it('a request for a P-384 key: unsupported-algorithm', async () => {
    const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, false, ['sign', 'verify'])) as CryptoKeyPair;
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: [{ CN: ['alice@a.keyhop.test'] }],
      keys: pair,
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams,
    });
    expect(await codeOf(verifyCsr(new Uint8Array(csr.rawData), { aor: 'alice@a.keyhop.test' }))).toBe('unsupported-algorithm');
  });

  it('garbage and bad arguments are typed errors', async () => {
    expect(await codeOf(verifyCsr(new Uint8Array([0x30, 0x03, 1, 2, 3]), { aor: 'alice@a.keyhop.test' }))).toBe('malformed');
    expect(await codeOf(verifyCsr(new Uint8Array(0), { aor: 'alice@a.keyhop.test' }))).toBe('malformed');
    expect(await codeOf(createCsr({ aor: 'not an aor', keys }))).toBe('invalid-argument');
    expect(await codeOf(createCsr({ aor: 'alice@a.keyhop.test', keys: { signingKey: keys.agreementKey, publicKey: keys.publicKey } }))).toBe('invalid-argument');
  });
});
