/**
 * The deployment CA and the proxies' certificates (P-256, ECDSA with SHA-256). Created in
 * `<dataDir>/pki` on first start unless the operator supplies them. Proxy certificates carry the
 * proxy's domain as a dNSName (the identity a peer proxy is known by) and its SIP address as an
 * iPAddress, and are good for both TLS server and client authentication.
 */
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
const YEAR_MS = 365 * 24 * 3600 * 1000;

export interface PemPair {
  cert: string;
  key: string;
}

export class PkiError extends Error {
  override readonly name = 'PkiError';
}

export async function ensureCa(dir: string, certPath: string | null, keyPath: string | null): Promise<{ cert: string; key: string | null; certPath: string }> {
  if (certPath) {
    return { cert: readPem(certPath, 'CA certificate'), key: keyPath ? readPem(keyPath, 'CA key') : null, certPath };
  }
  const cp = join(dir, 'ca.crt');
  const kp = join(dir, 'ca.key');
  if (existsSync(cp) && existsSync(kp)) return { cert: readFileSync(cp, 'utf8'), key: readFileSync(kp, 'utf8'), certPath: cp };
  mkdirSync(dir, { recursive: true });
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=Keyhop deployment CA',
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 10 * YEAR_MS),
    keys,
    signingAlgorithm: SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const key = await exportKeyPem(keys.privateKey);
  writeSecret(kp, key);
  writeFileSync(cp, cert.toString('pem') + '\n');
  return { cert: cert.toString('pem'), key, certPath: cp };
}

/** The proxy's certificate and key: the operator's files, or ones issued by the CA on first start. */
export async function ensureProxyCert(
  dir: string,
  ca: { cert: string; key: string | null },
  domain: string,
  sipHost: string,
  supplied: { cert: string | null; key: string | null },
): Promise<PemPair> {
  if (supplied.cert || supplied.key) {
    if (!supplied.cert || !supplied.key) throw new PkiError(`Proxy ${domain}: set both its TLS certificate and key, or neither`);
    return { cert: readPem(supplied.cert, `${domain} certificate`), key: readPem(supplied.key, `${domain} key`) };
  }
  const cp = join(dir, `${domain}.crt`);
  const kp = join(dir, `${domain}.key`);
  if (existsSync(cp) && existsSync(kp)) return { cert: readFileSync(cp, 'utf8'), key: readFileSync(kp, 'utf8') };
  if (!ca.key) throw new PkiError(`No certificate for ${domain} in ${dir} and no CA key to issue one (set pki.caKey or supply the proxy's certificate)`);
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKeyPem(ca.key);
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const names: x509.JsonGeneralName[] = [{ type: 'dns', value: domain }];
  if (isIP(sipHost)) names.push({ type: 'ip', value: sipHost });
  const cert = await x509.X509CertificateGenerator.create({
    subject: `CN=${domain}`,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 2 * YEAR_MS),
    publicKey: keys.publicKey,
    signingKey: caKey,
    signingAlgorithm: SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(names),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const key = await exportKeyPem(keys.privateKey);
  writeSecret(kp, key);
  writeFileSync(cp, cert.toString('pem') + '\n');
  return { cert: cert.toString('pem'), key };
}

/**
 * The CA as an issuer of user certificates (seed 004): its certificate in DER and its private key as
 * a non-extractable signing key. Null when the operator supplied the CA certificate without its key.
 */
export async function issuingCa(ca: { cert: string; key: string | null }): Promise<{ cert: Uint8Array; key: CryptoKey } | null> {
  if (!ca.key) return null;
  return { cert: pemToDer(ca.cert, 'CA certificate'), key: await importKeyPem(ca.key) };
}

/** The first PEM block of `pem` as DER (certificates handed to user agents travel as DER). */
export function pemToDer(pem: string, what: string): Uint8Array {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new PkiError(`${what} holds no PEM block`);
  return new Uint8Array(der);
}

async function exportKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY') + '\n';
}

async function importKeyPem(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new PkiError('CA key file holds no PEM block');
  return webcrypto.subtle.importKey('pkcs8', der, EC, false, ['sign']) as Promise<CryptoKey>;
}

function readPem(path: string, what: string): string {
  try {
    const text = readFileSync(path, 'utf8');
    if (!text.includes('-----BEGIN')) throw new PkiError(`${what} at ${path} is not PEM`);
    return text;
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError(`Cannot read ${what} at ${path}: ${(e as Error).message}`);
  }
}

function writeSecret(path: string, text: string): void {
  writeFileSync(path, text, { mode: 0o600 });
  chmodSync(path, 0o600);
}
