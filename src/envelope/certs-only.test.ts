import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CERTS_ONLY_CONTENT_TYPE, decodeCertsOnly, encodeCertsOnly } from './certs-only.js';
import { EnvelopeError } from './errors.js';
import { toPem } from './pem.js';
import { errorCode, makeCa, makeProxy, makeUser } from './test-support.js';

const codeOf = (fn: () => unknown) => errorCode(fn, EnvelopeError);

describe('certs-only messages (seed 004 REGISTER answer)', async () => {
  const ca = await makeCa();
  const alice = await makeUser(ca, 'alice@a.keyhop.test');
  const proxyA = await makeProxy(ca, 'a.keyhop.test');
  const proxyB = await makeProxy(ca, 'b.keyhop.test');
  const certs = [alice.cert, ca.cert, proxyA.cert, proxyB.cert];

  it('round trip keeps every certificate, byte for byte and in order', () => {
    expect(decodeCertsOnly(encodeCertsOnly(certs))).toEqual(certs);
    expect(CERTS_ONLY_CONTENT_TYPE).toBe('application/pkcs7-mime; smime-type=certs-only');
  });

  it('OpenSSL reads it as a PKCS#7 with the same certificates', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyhop-certs-only-'));
    try {
      const file = join(dir, 'certs.p7');
      writeFileSync(file, encodeCertsOnly(certs));
      const out = execFileSync('openssl', ['pkcs7', '-inform', 'DER', '-in', file, '-print_certs'], { encoding: 'utf8' });
      const pems = out.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
      expect(pems.map((p) => p.replace(/\s/g, ''))).toEqual(certs.map((c) => toPem(c, 'CERTIFICATE').trim().replace(/\s/g, '')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('malformed input is refused as malformed, never with another exception', async () => {
    const good = encodeCertsOnly(certs);
    expect(await codeOf(() => decodeCertsOnly(new Uint8Array(0)))).toBe('malformed');
    expect(await codeOf(() => decodeCertsOnly(new TextEncoder().encode('not DER at all')))).toBe('malformed');
    expect(await codeOf(() => decodeCertsOnly(good.slice(0, good.length - 10)))).toBe('malformed');
    // A certificate where the message should be: a ContentInfo of the wrong shape.
    expect(await codeOf(() => decodeCertsOnly(alice.cert))).toBe('malformed');
    expect(await codeOf(() => decodeCertsOnly(encodeCertsOnly([])))).toBe('malformed');
  });

  it('refuses to encode something that is not a certificate', async () => {
    expect(await codeOf(() => encodeCertsOnly([new Uint8Array([1, 2, 3])]))).toBe('invalid-argument');
  });
});
