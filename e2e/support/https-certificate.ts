/**
 * A web server certificate for `localhost` / `127.0.0.1`, issued by a throwaway CA in a temporary
 * directory with the same code Keyhop uses for its proxies' certificates, and the SPKI hash Chromium
 * is told to trust (`--ignore-certificate-errors-spki-list`): only this key is accepted, the page is a
 * secure context, and every other certificate check stays as strict as for a real user.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCa, ensureProxyCert } from '../../src/server/pki.js';

export interface HttpsCertificate {
  /** PEM files for `http.tlsCert` / `http.tlsKey`. */
  certPath: string;
  keyPath: string;
  /** base64 SHA-256 of the certificate's SubjectPublicKeyInfo. */
  spkiHash: string;
  remove(): void;
}

export async function makeHttpsCertificate(): Promise<HttpsCertificate> {
  const dir = mkdtempSync(join(tmpdir(), 'keyhop-https-'));
  const ca = await ensureCa(dir, null, null);
  const pair = await ensureProxyCert(dir, ca, 'localhost', '127.0.0.1', { cert: null, key: null });
  const spki = new X509Certificate(pair.cert).publicKey.export({ type: 'spki', format: 'der' });
  return {
    certPath: join(dir, 'localhost.crt'),
    keyPath: join(dir, 'localhost.key'),
    spkiHash: createHash('sha256').update(spki).digest('base64'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
