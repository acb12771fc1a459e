import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { normalizeAor, sameAor } from './aor.js';
import { x509Lib } from './crypto.js';
import { createCsr } from './csr.js';
import { CertificateError } from './errors.js';
import { issueCertificate, issueUserCertificate, randomSerial } from './issue.js';
import { generateIdentityKeys } from './keys.js';
import { fromPem, fromPemOne, toPem } from './pem.js';
import { makeCa, makeProxy, makeUser } from './test-support.js';

x509Lib();

describe('issuing user certificates (seed 004 P-3)', async () => {
  const ca = await makeCa();
  const caCert = new x509.X509Certificate(ca.cert);
  const keys = await generateIdentityKeys();
  const csr = await createCsr({ aor: 'alice@a.keyhop.test', keys });
  const now = new Date('2026-03-01T12:00:00Z');

  it('has the identity, the registration lifetime, the usages and the CA as issuer', async () => {
    const der = await issueUserCertificate({ csr, aor: 'alice@a.keyhop.test', ca: { cert: ca.cert, key: ca.key }, lifetimeSeconds: 3600, now: new Date() });
    const cert = new x509.X509Certificate(der);
    expect(cert.subject).toBe('CN=alice@a.keyhop.test');
    expect(cert.issuer).toBe(caCert.subject);
    expect(await cert.verify({ publicKey: caCert.publicKey })).toBe(true);
    expect(cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([{ type: 'url', value: 'sip:alice@a.keyhop.test' }]);
    const ku = cert.getExtension(x509.KeyUsagesExtension)!;
    expect(ku.critical).toBe(true);
    expect(ku.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement);
    expect(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages).toEqual(['1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.2']);
    expect(cert.getExtension(x509.BasicConstraintsExtension)).toMatchObject({ ca: false, critical: true });
    expect(cert.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId).toBe(caCert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
    expect(new Uint8Array(cert.publicKey.rawData)).toEqual(new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey)));
    expect(cert.notAfter.getTime() - cert.notBefore.getTime()).toBe((3600 + 60) * 1000);
  });

  it('validity: notBefore a minute early for skew, notAfter = now + registration lifetime, capped at the CA', async () => {
    const longCa = await makeCa('Long CA', 10 * 365 * 86_400);
    const der = await issueUserCertificate({ csr, aor: 'alice@a.keyhop.test', ca: { cert: longCa.cert, key: longCa.key }, lifetimeSeconds: 7200, now });
    const cert = new x509.X509Certificate(der);
    expect(cert.notBefore.toISOString()).toBe('2026-03-01T11:59:00.000Z');
    expect(cert.notAfter.toISOString()).toBe('2026-03-01T14:00:00.000Z');
    const capped = new x509.X509Certificate(
      await issueUserCertificate({ csr, aor: 'alice@a.keyhop.test', ca: { cert: ca.cert, key: ca.key }, lifetimeSeconds: 10 * 86_400 }),
    );
    expect(capped.notAfter.getTime()).toBe(caCert.notAfter.getTime());
  });

  it('refuses a CSR for another AOR, a non-positive lifetime and a non-CA issuer', async () => {
    await expect(issueUserCertificate({ csr, aor: 'bob@b.keyhop.test', ca: { cert: ca.cert, key: ca.key }, lifetimeSeconds: 60 })).rejects.toMatchObject({
      code: 'identity-mismatch',
    });
    await expect(issueUserCertificate({ csr, aor: 'alice@a.keyhop.test', ca: { cert: ca.cert, key: ca.key }, lifetimeSeconds: 0 })).rejects.toMatchObject({
      code: 'invalid-argument',
    });
    const user = await makeUser(ca, 'bob@b.keyhop.test');
    await expect(
      issueUserCertificate({ csr, aor: 'alice@a.keyhop.test', ca: { cert: user.cert, key: user.keys.signingKey }, lifetimeSeconds: 60 }),
    ).rejects.toBeInstanceOf(CertificateError);
  });

  it('issues proxy certificates with a dNSName', async () => {
    const proxy = await makeProxy(ca, 'a.keyhop.test');
    const cert = new x509.X509Certificate(proxy.cert);
    expect(cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.toJSON()).toEqual([{ type: 'dns', value: 'a.keyhop.test' }]);
    const direct = await issueCertificate({
      ca: { cert: ca.cert, key: ca.key },
      publicKey: new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey)),
      commonName: 'b.keyhop.test',
      altNames: [{ type: 'dns', value: 'b.keyhop.test' }],
      lifetimeSeconds: 60,
    });
    expect(new x509.X509Certificate(direct).subject).toBe('CN=b.keyhop.test');
  });

  it('serial numbers are random, positive and 16 bytes', () => {
    const a = randomSerial();
    expect(a).toMatch(/^[0-7][0-9a-f]{31}$/);
    expect(a).not.toBe(randomSerial());
  });
});

describe('AOR and PEM helpers', () => {
  it('normalises addresses of record', () => {
    expect(normalizeAor('sip:alice@A.Keyhop.Test')).toBe('alice@a.keyhop.test');
    expect(sameAor('alice@a.keyhop.test', 'sip:alice@A.KEYHOP.TEST')).toBe(true);
    expect(sameAor('Alice@a.keyhop.test', 'alice@a.keyhop.test')).toBe(false);
    for (const bad of ['alice', '@a.keyhop.test', 'alice@', 'alice @a.test', 'sip:alice@a.test;transport=tcp']) {
      expect(() => normalizeAor(bad), bad).toThrow(CertificateError);
    }
  });

  it('PEM round trip, several blocks, and a clear error for missing blocks', async () => {
    const ca = await makeCa();
    const pem = toPem(ca.cert, 'CERTIFICATE');
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(fromPemOne(pem, 'CERTIFICATE')).toEqual(ca.cert);
    expect(fromPem(pem + pem, 'CERTIFICATE')).toHaveLength(2);
    expect(() => fromPemOne(pem + pem, 'CERTIFICATE')).toThrow(/Expected one/);
    expect(() => fromPem(pem, 'PRIVATE KEY')).toThrow(CertificateError);
    expect(() => fromPem('no pem here', 'CERTIFICATE')).toThrow(CertificateError);
  });
});
