/**
 * The device's certificates (seed 004 §7.1): its own identity keys and the certificate the
 * registrar issued for them, the CA and proxy certificates that came with it, and lookups of other
 * users' certificates (OPTIONS with `Accept: application/pkix-cert`, docs/protocol.md
 * "Certificates (seed 004)"). The SDP envelope and Route-Security read their keys and certificates
 * here; `certificateStage` fills it from the REGISTER answers.
 */
import type { UA } from 'jssip';
import type { IncomingResponse } from 'jssip/lib/SIPMessage';
import {
  CERTIFICATE_CONTENT_TYPE,
  createCsr,
  readRegistrationCertificates,
  verifyUserCertificate,
  type IdentityKeys,
  type RegistrationCertificates,
} from '../../envelope/index.js';
import { fromBase64 } from '../auth/wire.js';
import { Emitter } from '../emitter.js';
import { defaultKeyStore, type KeyStore } from './key-store.js';

/** What the person may be shown about the device's own certificate. */
export interface CertificateStatus {
  /** The current certificate: serial number (hex) and end of validity (ms since the epoch). */
  readonly own: { readonly serial: string; readonly notAfter: number } | null;
  /** Why there is no certificate, when the registrar refused one or its answer did not check out. */
  readonly problem: string | null;
}

interface CertificateStoreEvents {
  change: CertificateStatus;
}

interface OptionsSender {
  sendOptions(
    target: string,
    body: string | null,
    options: { extraHeaders: string[]; eventHandlers: Record<string, (e: { response?: IncomingResponse | null }) => void> },
  ): void;
}

export class CertificateStore extends Emitter<CertificateStoreEvents> {
  readonly account: string;
  readonly #keyStore: KeyStore;
  #keys: IdentityKeys | null = null;
  #csr: Promise<Uint8Array> | null = null;
  #own: { cert: Uint8Array; serial: string; notAfter: number } | null = null;
  #caCerts: Uint8Array[] = [];
  #proxies = new Map<string, { cert: Uint8Array; publicKey: Uint8Array }>();
  #problem: string | null = null;
  #ua: OptionsSender | null = null;

  /** `account`: the AOR (`user@domain`) the keys and certificate belong to. */
  constructor(account: string, keyStore: KeyStore = defaultKeyStore()) {
    super();
    this.account = account;
    this.#keyStore = keyStore;
  }

  /** The device's own certificate and keys, while the registration that issued it lasts. */
  own(): { cert: Uint8Array; keys: IdentityKeys } | null {
    if (!this.#own || !this.#keys) return null;
    if (this.#own.notAfter <= Date.now()) return null;
    return { cert: this.#own.cert, keys: this.#keys };
  }

  /** The deployment CA certificates from the last REGISTER answer. */
  caCerts(): Uint8Array[] {
    return [...this.#caCerts];
  }

  /** The certificate of the proxy serving `domain`, from the REGISTER answer. */
  proxyCert(domain: string): Uint8Array | undefined {
    return this.#proxies.get(domain.toLowerCase())?.cert;
  }

  /** The raw 65-byte P-256 public key of the proxy serving `domain`. */
  proxyKey(domain: string): Uint8Array | undefined {
    return this.#proxies.get(domain.toLowerCase())?.publicKey;
  }

  /** The domains of the proxies whose certificates the registrar handed out. */
  proxies(): string[] {
    return [...this.#proxies.keys()];
  }

  status(): CertificateStatus {
    const own = this.own() && this.#own ? { serial: this.#own.serial, notAfter: this.#own.notAfter } : null;
    return { own, problem: this.#problem };
  }

  /**
   * The current certificate of `aor` from that user's home proxy, checked against the CA; null
   * when the proxy has none to give (or will not say), or it does not check out.
   */
  lookup(aor: string): Promise<Uint8Array | null> {
    const ua = this.#ua;
    if (!ua || this.#caCerts.length === 0) return Promise.resolve(null);
    return new Promise<Uint8Array | null>((resolve) => {
      const answered = async (res: IncomingResponse | null | undefined): Promise<Uint8Array | null> => {
        if (!res || res.status_code !== 200) return null;
        const type = (res.getHeader('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
        const der = type === CERTIFICATE_CONTENT_TYPE ? fromBase64(String(res.body ?? '')) : null;
        if (!der) return null;
        try {
          await verifyUserCertificate(der, { aor, caCerts: this.#caCerts });
          return der;
        } catch (error) {
          console.warn(`Keyhop: the certificate handed out for ${aor} does not check out`, error);
          return null;
        }
      };
      try {
        ua.sendOptions(`sip:${aor}`, null, {
          extraHeaders: [`Accept: ${CERTIFICATE_CONTENT_TYPE}`],
          eventHandlers: {
            succeeded: (e) => void answered(e.response).then(resolve),
            failed: () => resolve(null),
          },
        });
      } catch {
        resolve(null);
      }
    });
  }

  /** The UA lookups are sent with (null when signed out). */
  attach(ua: UA | null): void {
    this.#ua = ua as unknown as OptionsSender | null;
  }

  /** The device's identity keys for this account (created on first use). */
  async keys(): Promise<IdentityKeys> {
    if (!this.#keys) this.#keys = await this.#keyStore.keysFor(this.account);
    return this.#keys;
  }

  /** The PKCS#10 request for this device's key, made once. */
  csr(): Promise<Uint8Array> {
    if (!this.#csr) {
      this.#csr = this.keys().then((keys) => createCsr({ aor: this.account, keys }));
      this.#csr.catch(() => (this.#csr = null));
    }
    return this.#csr;
  }

  /** Takes in the certificates of a REGISTER answer (DER, from its certs-only body), after checking them. */
  async accept(certs: Uint8Array[]): Promise<RegistrationCertificates> {
    const keys = await this.keys();
    const answer = await readRegistrationCertificates(certs, { publicKey: keys.publicKey, aor: this.account });
    this.#own = { cert: answer.own, serial: answer.serial, notAfter: answer.notAfter.getTime() };
    this.#caCerts = answer.caCerts;
    this.#proxies = new Map(answer.proxies.map((p) => [p.domain, { cert: p.cert, publicKey: p.publicKey }]));
    this.#problem = null;
    this.emit('change', this.status());
    return answer;
  }

  /** The registration ended, or brought no certificate (`problem` says why, when it should have). */
  end(problem: string | null): void {
    if (!this.#own && this.#problem === problem) return;
    this.#own = null;
    this.#problem = problem;
    this.emit('change', this.status());
  }
}
