/**
 * Fixtures for the tests of this folder: a deployment CA, users and proxies with certificates
 * issued the way Keyhop issues them. Pure like the rest of the folder (no Node modules).
 */
import { createCaCertificate, issueCertificate, issueUserCertificate } from './issue.js';
import { createCsr } from './csr.js';
import { generateIdentityKeys, type IdentityKeys } from './keys.js';
import { P256_ECDSA, subtle } from './crypto.js';
import { CertificateError, EnvelopeError } from './errors.js';

export interface TestCa {
  cert: Uint8Array<ArrayBuffer>;
  key: CryptoKey;
  keys: CryptoKeyPair;
}

export interface TestParty {
  name: string;
  cert: Uint8Array<ArrayBuffer>;
  keys: IdentityKeys;
}

export async function makeCa(commonName = 'Keyhop test CA', lifetimeSeconds = 86_400): Promise<TestCa> {
  const keys = (await subtle().generateKey(P256_ECDSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await createCaCertificate({ commonName, keys, lifetimeSeconds });
  return { cert, key: keys.privateKey, keys };
}

export async function makeUser(ca: TestCa, aor: string, lifetimeSeconds = 3600, now?: Date): Promise<TestParty> {
  const keys = await generateIdentityKeys();
  const csr = await createCsr({ aor, keys });
  const cert = await issueUserCertificate({ csr, aor, ca: { cert: ca.cert, key: ca.key }, lifetimeSeconds, ...(now ? { now } : {}) });
  return { name: `sip:${aor}`, cert, keys };
}

export async function makeProxy(ca: TestCa, domain: string): Promise<TestParty> {
  const keys = await generateIdentityKeys();
  const cert = await issueCertificate({
    ca: { cert: ca.cert, key: ca.key },
    publicKey: keys.publicKey,
    commonName: domain,
    altNames: [{ type: 'dns', value: domain }],
    lifetimeSeconds: 86_400,
    extendedKeyUsages: ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'],
  });
  return { name: domain, cert, keys };
}

/**
 * The `code` of the `type` error that `work` (a promise, or a function to call) fails with, or
 * 'no error' when it succeeds. Any other exception is thrown on, and so is a `type` error without a
 * readable message: every refusal must say in words what went wrong.
 */
export async function errorCode(work: Promise<unknown> | (() => unknown), type: typeof EnvelopeError | typeof CertificateError): Promise<string> {
  try {
    await (typeof work === 'function' ? work() : work);
    return 'no error';
  } catch (e) {
    if (!(e instanceof type)) throw e;
    if (!/\w{3,}/.test(e.message)) throw new Error(`${e.name} "${e.code}" has no readable message`, { cause: e });
    return e.code;
  }
}

export const SAMPLE_SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:Ab3d',
  'a=ice-pwd:0123456789abcdefghijklmn',
  'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
  'a=setup:actpass',
  'a=mid:0',
  'a=rtpmap:111 opus/48000/2',
  'a=candidate:1 1 udp 2113937151 192.0.2.10 54400 typ host',
  '',
].join('\r\n');
