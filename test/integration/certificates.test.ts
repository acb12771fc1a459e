/**
 * Seed 004 over real sockets: certificates issued in the 200 OK to REGISTER, renewed and ended with
 * the registration, and certificate lookup by OPTIONS that reveals nothing the policy hides.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import {
  CERTS_ONLY_CONTENT_TYPE,
  createCsr,
  decodeCertsOnly,
  generateIdentityKeys,
  readRegistrationCertificates,
  toPem,
  type IdentityKeys,
} from '../../src/envelope/index.js';
import type { SipResponse } from '../../src/sip/message.js';
import { pemToDer } from '../../src/server/pki.js';
import { fixturePerFile } from '../support/fixture-per-file.js';
import { RawSipClient, TestUa } from '../support/sip-client.js';

const session = fixturePerFile({ registrar: { minExpires: 1 } }, [{ aor: 'dave@b.keyhop.test', password: 'dave-pass' }]);

const PASSWORDS: Record<string, string> = {
  'alice@a.keyhop.test': 'alice-pass',
  'carol@a.keyhop.test': 'carol-pass',
  'bob@b.keyhop.test': 'bob-pass',
  'dave@b.keyhop.test': 'dave-pass',
};

async function ua(aor: string): Promise<TestUa> {
  const proxy = aor.endsWith('@a.keyhop.test') ? session.fx.k.proxies.a : session.fx.k.proxies.b;
  const client = session.track(await RawSipClient.ws(proxy.wsUrl));
  return new TestUa(client, aor, PASSWORDS[aor]!);
}

async function csrBody(aor: string, keys: IdentityKeys): Promise<{ text: string; contentType: string }> {
  return { text: Buffer.from(await createCsr({ aor, keys })).toString('base64'), contentType: 'application/pkcs10' };
}

function caCert(): Uint8Array {
  return pemToDer(readFileSync(join(session.fx.dir, 'data', 'pki', 'ca.crt'), 'utf8'), 'CA certificate');
}

function certsOf(res: SipResponse): Uint8Array[] {
  expect(res.get('Content-Type')).toBe(CERTS_ONLY_CONTENT_TYPE);
  expect(res.get('Content-Transfer-Encoding')).toBe('base64');
  return decodeCertsOnly(Buffer.from(res.bodyText(), 'base64'));
}

/** The lifetime the 200 grants the UA's own Contact. */
function grantedSeconds(res: SipResponse, u: TestUa): number {
  const mine = res.getAll('Contact').find((c) => c.includes(u.contact))!;
  return Number(/expires=(\d+)/.exec(mine)![1]);
}

/** Registers `aor` with a certificate request for fresh keys; returns the UA, its keys and the checked answer. */
async function enrolled(aor: string, expires = 300) {
  const u = await ua(aor);
  const keys = await generateIdentityKeys();
  const res = await u.register({ expires, body: await csrBody(aor, keys) });
  expect(res.status, res.toString()).toBe(200);
  const answer = await readRegistrationCertificates(certsOf(res), { publicKey: keys.publicKey, aor });
  return { u, keys, res, answer };
}

async function lookup(from: TestUa, aor: string): Promise<SipResponse> {
  from.client.send(from.request('OPTIONS', `sip:${aor}`, { headers: [['Accept', 'application/pkix-cert']] }));
  return from.client.response((s) => s >= 200, 'OPTIONS');
}

describe('certificates issued at REGISTER (seed 004)', () => {
  it('a REGISTER with a request gets a certificate for exactly that AOR, valid until the registration ends, with the CA and both proxies', async () => {
    const before = Date.now();
    const { u, res, answer } = await enrolled('alice@a.keyhop.test', 300);
    const cert = new x509.X509Certificate(answer.own);
    expect(cert.subject).toBe('CN=alice@a.keyhop.test');
    const san = cert.getExtension(x509.SubjectAlternativeNameExtension)!;
    expect(san.names.toJSON()).toEqual([{ type: 'url', value: 'sip:alice@a.keyhop.test' }]);
    const granted = grantedSeconds(res, u);
    expect(granted).toBe(300);
    // notAfter is the binding's expiry (seconds precision, allowing for the exchange itself).
    expect(cert.notAfter.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + granted * 1000 - 1000);
    expect(cert.notAfter.getTime()).toBeLessThanOrEqual(Date.now() + granted * 1000 + 1000);
    expect(answer.caCerts).toEqual([caCert()]);
    expect(answer.proxies.map((p) => p.domain).sort()).toEqual(['a.keyhop.test', 'b.keyhop.test']);
    for (const p of answer.proxies) expect(p.publicKey.length).toBe(65);
  });

  it('openssl verify accepts a certificate issued through a real REGISTER', async () => {
    const { answer } = await enrolled('carol@a.keyhop.test');
    const dir = mkdtempSync(join(tmpdir(), 'keyhop-verify-'));
    try {
      writeFileSync(join(dir, 'ca.pem'), toPem(caCert(), 'CERTIFICATE'));
      writeFileSync(join(dir, 'user.pem'), toPem(answer.own, 'CERTIFICATE'));
      const out = execFileSync('openssl', ['verify', '-CAfile', join(dir, 'ca.pem'), join(dir, 'user.pem')], { encoding: 'utf8' });
      expect(out.trim()).toBe(`${join(dir, 'user.pem')}: OK`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a request naming someone else is refused with its reason; the registration itself stands', async () => {
    const u = await ua('alice@a.keyhop.test');
    const keys = await generateIdentityKeys();
    const res = await u.register({ body: await csrBody('bob@b.keyhop.test', keys) });
    expect(res.status).toBe(200);
    expect(res.body.length).toBe(0);
    expect(res.get('Warning')).toMatch(/^399 a\.keyhop\.test "Certificate request refused: .*bob@b\.keyhop\.test.*alice@a\.keyhop\.test/);
    // Registered, but without a certificate to hand out.
    const bob = await ua('bob@b.keyhop.test');
    expect((await bob.register()).status).toBe(200);
    expect((await lookup(bob, 'alice@a.keyhop.test')).status).toBe(480);

    const garbage = await u.register({ body: { text: Buffer.from('not a request').toString('base64'), contentType: 'application/pkcs10' } });
    expect(garbage.status).toBe(200);
    expect(garbage.get('Warning')).toMatch(/Certificate request refused: Not a DER PKCS#10 certificate request/);
  });

  it('re-registration renews the certificate (new serial, later expiry); a REGISTER without a request changes nothing', async () => {
    const u = await ua('alice@a.keyhop.test');
    const keys = await generateIdentityKeys();
    const body = await csrBody('alice@a.keyhop.test', keys);
    const first = await readRegistrationCertificates(certsOf(await u.register({ expires: 120, body })), { publicKey: keys.publicKey, aor: u.aor });
    // Line breaks in the base64 are accepted too.
    const wrapped = { ...body, text: body.text.replace(/(.{64})/g, '$1\r\n') };
    const second = await readRegistrationCertificates(certsOf(await u.register({ expires: 600, body: wrapped })), { publicKey: keys.publicKey, aor: u.aor });
    expect(second.serial).not.toBe(first.serial);
    expect(second.notAfter.getTime() - first.notAfter.getTime()).toBeGreaterThanOrEqual(470_000);

    const plain = await u.register({ expires: 600 });
    expect(plain.status).toBe(200);
    expect(plain.body.length).toBe(0);
    expect(plain.has('Warning')).toBe(false);
    const bob = await ua('bob@b.keyhop.test');
    expect((await bob.register()).status).toBe(200);
    const found = await lookup(bob, 'alice@a.keyhop.test');
    expect(found.status).toBe(200);
    expect(new Uint8Array(Buffer.from(found.bodyText(), 'base64'))).toEqual(second.own);
  });
});

describe('certificate lookup by OPTIONS (seed 004 §2.6)', () => {
  it('alice (A) gets bob’s (B) current certificate through the proxy link; de-registration ends it', async () => {
    const bob = await enrolled('bob@b.keyhop.test');
    const alice = await ua('alice@a.keyhop.test');
    expect((await alice.register()).status).toBe(200);
    const res = await lookup(alice, 'bob@b.keyhop.test');
    expect(res.status).toBe(200);
    expect(res.get('Content-Type')).toBe('application/pkix-cert');
    expect(res.get('Content-Transfer-Encoding')).toBe('base64');
    expect(new Uint8Array(Buffer.from(res.bodyText(), 'base64'))).toEqual(bob.answer.own);

    const off = await bob.u.register({ expires: 0 });
    expect(off.status).toBe(200);
    expect((await lookup(alice, 'bob@b.keyhop.test')).status).toBe(480);
  });

  it('the certificate ends when its connection closes', async () => {
    const bob = await enrolled('bob@b.keyhop.test');
    const alice = await ua('alice@a.keyhop.test');
    expect((await alice.register()).status).toBe(200);
    expect((await lookup(alice, 'bob@b.keyhop.test')).status).toBe(200);
    bob.u.client.close();
    await bob.u.client.closedPromise;
    await new Promise((r) => setTimeout(r, 50));
    expect((await lookup(alice, 'bob@b.keyhop.test')).status).toBe(480);
  });

  it('denied, unknown, offline and certificate-less callees all get the same 480, byte for byte', async () => {
    await enrolled('bob@b.keyhop.test');
    const carol = await ua('carol@a.keyhop.test');
    expect((await carol.register()).status).toBe(200);
    const alice = await ua('alice@a.keyhop.test');
    expect((await alice.register()).status).toBe(200);
    expect((await lookup(alice, 'bob@b.keyhop.test')).status).toBe(200);

    const denied = await lookup(carol, 'bob@b.keyhop.test');
    const unknown = await lookup(carol, 'nobody@b.keyhop.test');
    const offline = await lookup(carol, 'dave@b.keyhop.test');
    const dave = await ua('dave@b.keyhop.test');
    expect((await dave.register()).status).toBe(200);
    const withoutCertificate = await lookup(carol, 'dave@b.keyhop.test');

    // Everything but what differs per request anyway: Via, Call-ID, CSeq number, tags, the callee's name.
    const shape = (res: SipResponse) =>
      res
        .toString()
        .split('\r\n')
        .filter((line) => !/^(Via|Call-ID|CSeq):/i.test(line))
        .map((line) => line.replace(/;tag=[^;>\s]+/g, ';tag=X').replace(/sip:(bob|nobody|dave)@/g, 'sip:CALLEE@'))
        .join('\r\n');
    expect(denied.status).toBe(480);
    expect(denied.reason).toBe('Temporarily Unavailable');
    expect(shape(unknown)).toBe(shape(denied));
    expect(shape(offline)).toBe(shape(denied));
    expect(shape(withoutCertificate)).toBe(shape(denied));
    expect(denied.body.length).toBe(0);
  });
});
