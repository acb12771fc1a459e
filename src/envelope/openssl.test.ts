/**
 * Interoperability with OpenSSL's `cms`, `verify` and `req` commands (Debian's /usr/bin/openssl).
 * Keys are created extractable here only so they can be handed to OpenSSL as PEM files.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentInfo } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr, verifyCsr } from './csr.js';
import { EnvelopeError } from './errors.js';
import { inspectEnvelope } from './inspect.js';
import { issueCertificate, issueUserCertificate } from './issue.js';
import { importIdentityKeys, type IdentityKeys } from './keys.js';
import { ID_SIGNED_DATA } from './oids.js';
import { toPem } from './pem.js';
import { openSdp, sealSdp } from './sdp-envelope.js';
import { makeCa, SAMPLE_SDP, type TestCa } from './test-support.js';

const OPENSSL = process.env.OPENSSL ?? '/usr/bin/openssl';
const probe = spawnSync(OPENSSL, ['version'], { encoding: 'utf8' });
const haveOpenssl = probe.status === 0;

function openssl(args: string[], input?: Uint8Array): { status: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(OPENSSL, args, { input, maxBuffer: 1 << 24 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

function ok(args: string[], input?: Uint8Array): Buffer {
  const r = openssl(args, input);
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

interface Party {
  name: string;
  cert: Uint8Array;
  keys: IdentityKeys;
  certPath: string;
  keyPath: string;
}

let dir: string;
let ca: TestCa;
let caPath: string;
let alice: Party;
let bob: Party;
let proxyA: Party;
let proxyB: Party;

async function pkcs8Pair(): Promise<{ pkcs8: Uint8Array; keys: IdentityKeys; publicKey: CryptoKey }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  return { pkcs8, keys: await importIdentityKeys(pkcs8), publicKey: pair.publicKey };
}

async function user(aor: string): Promise<Party> {
  const { pkcs8, keys } = await pkcs8Pair();
  const csr = await createCsr({ aor, keys });
  const cert = await issueUserCertificate({ csr, aor, ca: { cert: ca.cert, key: ca.key }, lifetimeSeconds: 3600 });
  return save(`sip:${aor}`, cert, keys, pkcs8);
}

async function proxy(domain: string): Promise<Party> {
  const { pkcs8, keys } = await pkcs8Pair();
  const cert = await issueCertificate({
    ca: { cert: ca.cert, key: ca.key },
    publicKey: keys.publicKey,
    commonName: domain,
    altNames: [{ type: 'dns', value: domain }],
    lifetimeSeconds: 86_400,
    extendedKeyUsages: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
  });
  return save(domain, cert, keys, pkcs8);
}

function save(name: string, cert: Uint8Array, keys: IdentityKeys, pkcs8: Uint8Array): Party {
  const base = join(dir, name.replace(/[^a-z0-9.]/gi, '_'));
  writeFileSync(`${base}.pem`, toPem(cert, 'CERTIFICATE'));
  writeFileSync(`${base}.key`, toPem(pkcs8, 'PRIVATE KEY'));
  return { name, cert, keys, certPath: `${base}.pem`, keyPath: `${base}.key` };
}

function path(name: string): string {
  return join(dir, name);
}

function wrapSignedData(bare: Uint8Array): Uint8Array {
  const ab = bare.buffer.slice(bare.byteOffset, bare.byteOffset + bare.byteLength) as ArrayBuffer;
  return new Uint8Array(AsnConvert.serialize(new ContentInfo({ contentType: ID_SIGNED_DATA, content: ab })));
}

describe.skipIf(!haveOpenssl)(`OpenSSL interoperability (${probe.stdout?.trim()})`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyhop-envelope-'));
    ca = await makeCa('Keyhop interop CA');
    caPath = path('ca.pem');
    writeFileSync(caPath, toPem(ca.cert, 'CERTIFICATE'));
    alice = await user('alice@a.keyhop.test');
    bob = await user('bob@b.keyhop.test');
    proxyA = await proxy('a.keyhop.test');
    proxyB = await proxy('b.keyhop.test');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('Keyhop seals, OpenSSL opens', () => {
    it('every recipient decrypts with openssl cms -decrypt, and the inner SignedData verifies with openssl cms -verify', async () => {
      const sealed = await sealSdp({
        sdp: SAMPLE_SDP,
        signer: { key: alice.keys.signingKey, cert: alice.cert },
        readers: [bob, proxyA, proxyB].map((r) => ({ cert: r.cert })),
      });
      writeFileSync(path('keyhop.der'), sealed.der);
      const printed = ok(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path('keyhop.der')]).toString();
      expect(printed).toContain('id-smime-ct-authEnvelopedData');
      expect(printed).toContain('dhSinglePass-stdDH-sha256kdf-scheme');
      expect(printed).toContain('id-aes256-wrap');
      expect(printed).toContain('aes-256-gcm');
      for (const r of [bob, proxyA, proxyB]) {
        const inner = ok(['cms', '-decrypt', '-inform', 'DER', '-in', path('keyhop.der'), '-recip', r.certPath, '-inkey', r.keyPath]);
        // The decrypted content is the bare SignedData (content type id-signedData); -verify wants a ContentInfo.
        writeFileSync(path('inner.der'), wrapSignedData(inner));
        const sdp = ok(['cms', '-verify', '-inform', 'DER', '-in', path('inner.der'), '-CAfile', caPath]);
        expect(sdp.toString('utf8')).toBe(SAMPLE_SDP);
      }
    });

    it('OpenSSL refuses a recipient that is not in the envelope', async () => {
      const sealed = await sealSdp({ sdp: SAMPLE_SDP, signer: { key: alice.keys.signingKey, cert: alice.cert }, readers: [{ cert: bob.cert }] });
      writeFileSync(path('bob-only.der'), sealed.der);
      const r = openssl(['cms', '-decrypt', '-inform', 'DER', '-in', path('bob-only.der'), '-recip', proxyA.certPath, '-inkey', proxyA.keyPath, '-debug_decrypt']);
      expect(r.status).not.toBe(0);
      // OpenSSL 3.0 reports only "Error decrypting CMS using private key" here.
      expect(r.stderr).toMatch(/Error decrypting CMS/);
    });
  });

  describe('OpenSSL seals, Keyhop opens', () => {
    function openSslEnvelope(file: string, recips: Party[], extra: string[] = []): Uint8Array {
      ok(['cms', '-sign', '-binary', '-nodetach', '-md', 'sha256', '-in', path('sdp.txt'), '-signer', alice.certPath, '-inkey', alice.keyPath, '-outform', 'DER', '-out', path('openssl-signed.der')]);
      // -keyopt applies to the -recip before it.
      const args = ['cms', '-encrypt', '-binary', '-aes-256-gcm', '-in', path('openssl-signed.der'), '-outform', 'DER', '-out', path(file)];
      for (const r of recips) args.push('-recip', r.certPath, ...extra);
      ok(args);
      return readFileSync(path(file));
    }

    beforeAll(() => writeFileSync(path('sdp.txt'), SAMPLE_SDP));

    const variants: Array<[string, string[], string]> = [
      ['default options (SHA-1 KDF, AES-256 wrap)', [], 'dhSinglePass-stdDH-sha1kdf-scheme'],
      ['-keyopt ecdh_kdf_md:sha256', ['-keyopt', 'ecdh_kdf_md:sha256'], 'dhSinglePass-stdDH-sha256kdf-scheme'],
      ['-keyopt ecdh_kdf_md:sha384', ['-keyopt', 'ecdh_kdf_md:sha384'], 'dhSinglePass-stdDH-sha384kdf-scheme'],
      ['-keyopt ecdh_kdf_md:sha512', ['-keyopt', 'ecdh_kdf_md:sha512'], 'dhSinglePass-stdDH-sha512kdf-scheme'],
      ['-keyopt ecdh_cofactor_mode:1', ['-keyopt', 'ecdh_cofactor_mode:1'], 'dhSinglePass-cofactorDH-sha1kdf-scheme'],
      ['-keyid (recipient named by subject key identifier)', ['-keyid'], 'dhSinglePass-stdDH-sha1kdf-scheme'],
    ];
    for (const [label, extra, scheme] of variants) {
      it(`opens openssl cms -encrypt -aes-256-gcm with ${label}`, async () => {
        const der = openSslEnvelope('openssl.der', [bob], extra);
        expect(ok(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path('openssl.der')]).toString()).toContain(scheme);
        const opened = await openSdp(der, { recipient: { key: bob.keys.agreementKey, cert: bob.cert }, trust: { caCerts: [ca.cert] } });
        expect(opened.sdp).toBe(SAMPLE_SDP);
        expect(opened.signerName).toBe('sip:alice@a.keyhop.test');
        expect(opened.readersSigned).toBe(false);
        expect(opened.readers).toHaveLength(1);
      });
    }

    it('opens an OpenSSL envelope with several recipients as each of them, AES-128-GCM included', async () => {
      for (const cipher of ['-aes-256-gcm', '-aes-128-gcm']) {
        ok(['cms', '-sign', '-binary', '-nodetach', '-in', path('sdp.txt'), '-signer', alice.certPath, '-inkey', alice.keyPath, '-outform', 'DER', '-out', path('s2.der')]);
        ok(['cms', '-encrypt', '-binary', cipher, '-in', path('s2.der'), '-outform', 'DER', '-out', path('multi.der'), '-recip', bob.certPath, '-recip', proxyA.certPath, '-recip', proxyB.certPath]);
        const der = readFileSync(path('multi.der'));
        expect(inspectEnvelope(der).recipients).toHaveLength(3);
        const printed = ok(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', path('multi.der')]).toString();
        expect(printed).toContain(cipher === '-aes-128-gcm' ? 'id-aes128-wrap' : 'id-aes256-wrap');
        for (const r of [bob, proxyA, proxyB]) {
          const opened = await openSdp(der, { recipient: { key: r.keys.agreementKey, cert: r.cert }, trust: { caCerts: [ca.cert] } });
          expect(opened.sdp).toBe(SAMPLE_SDP);
        }
      }
    });

    it('refuses OpenSSL EnvelopedData without authentication (-aes-256-cbc) as unsupported-algorithm', async () => {
      ok(['cms', '-encrypt', '-binary', '-aes-256-cbc', '-in', path('sdp.txt'), '-outform', 'DER', '-out', path('cbc.der'), '-recip', bob.certPath]);
      const err = await openSdp(readFileSync(path('cbc.der')), { recipient: { key: bob.keys.agreementKey, cert: bob.cert }, trust: { caCerts: [ca.cert] } }).catch((e) => e);
      expect(err).toBeInstanceOf(EnvelopeError);
      expect((err as EnvelopeError).code).toBe('unsupported-algorithm');
    });

    it('refuses an OpenSSL envelope whose content is not signed', async () => {
      ok(['cms', '-encrypt', '-binary', '-aes-256-gcm', '-in', path('sdp.txt'), '-outform', 'DER', '-out', path('unsigned.der'), '-recip', bob.certPath]);
      const err = await openSdp(readFileSync(path('unsigned.der')), { recipient: { key: bob.keys.agreementKey, cert: bob.cert }, trust: { caCerts: [ca.cert] } }).catch((e) => e);
      expect(err).toBeInstanceOf(EnvelopeError);
      expect((err as EnvelopeError).code).toBe('malformed');
    });
  });

  describe('certificates and requests', () => {
    it('certificates Keyhop issues pass openssl verify -CAfile, with the profile OpenSSL expects', () => {
      for (const p of [alice, bob, proxyA, proxyB]) {
        const out = ok(['verify', '-CAfile', caPath, p.certPath]).toString();
        expect(out).toContain(': OK');
      }
      const text = ok(['x509', '-in', alice.certPath, '-noout', '-text']).toString();
      expect(text).toContain('URI:sip:alice@a.keyhop.test');
      expect(text).toContain('Digital Signature, Key Agreement');
      expect(text).toContain('E-mail Protection');
      expect(text).toContain('Subject: CN = alice@a.keyhop.test');
      const purpose = ok(['verify', '-CAfile', caPath, '-purpose', 'smimesign', alice.certPath]).toString();
      expect(purpose).toContain(': OK');
    });

    it('a Keyhop CSR passes openssl req -verify; an OpenSSL CSR passes verifyCsr and is issued', async () => {
      const { keys } = await pkcs8Pair();
      writeFileSync(path('k.csr'), toPem(await createCsr({ aor: 'carol@a.keyhop.test', keys }), 'CERTIFICATE REQUEST'));
      const r = openssl(['req', '-verify', '-noout', '-in', path('k.csr')]);
      expect(r.status).toBe(0);
      expect(r.stderr + r.stdout.toString()).toMatch(/verify OK|self-signature ok/i);

      ok(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', path('o.key')]);
      ok(['req', '-new', '-key', path('o.key'), '-subj', '/CN=dave@b.keyhop.test', '-addext', 'subjectAltName=URI:sip:dave@b.keyhop.test', '-outform', 'DER', '-out', path('o.csr')]);
      const csr = readFileSync(path('o.csr'));
      expect((await verifyCsr(csr, { aor: 'dave@b.keyhop.test' })).aor).toBe('dave@b.keyhop.test');
      const cert = await issueUserCertificate({ csr, aor: 'dave@b.keyhop.test', ca: { cert: ca.cert, key: ca.key }, lifetimeSeconds: 600 });
      writeFileSync(path('dave.pem'), toPem(cert, 'CERTIFICATE'));
      expect(ok(['verify', '-CAfile', caPath, path('dave.pem')]).toString()).toContain(': OK');
    });
  });
});
