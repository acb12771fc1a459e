import { UA } from 'jssip';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeCertsOnly, issueUserCertificate, verifyCsr } from '../../envelope/index.js';
import { makeCa, makeProxy, makeUser, type TestCa, type TestParty } from '../../envelope/test-support.js';
import { SipRequest } from '../../sip/message.js';
import { parseMessage } from '../../sip/parser.js';
import { createResponse, randomToken } from '../../sip/response.js';
import { InMemorySocket } from '../auth/fake-proxy.testkit.js';
import { fromBase64, toBase64 } from '../auth/wire.js';
import { StageSocket } from '../stage-socket.js';
import { CertificateStore } from './certificate-store.js';
import { certificateStage } from './certificate-stage.js';
import { MemoryKeyStore } from './key-store.js';

const AOR = 'alice@a.keyhop.test';

/**
 * A JsSIP Socket whose far end is an in-memory registrar doing what Keyhop's does for seed 004:
 * it issues a certificate for a REGISTER's PKCS#10 request and answers certificate lookups.
 */
class RegistrarSocket extends InMemorySocket {
  readonly received: SipRequest[] = [];
  /** What the registrar does with a certificate request: issue (default) or refuse with a Warning. */
  refuse: string | null = null;
  /** Issue for this AOR instead of the registering one (a registrar gone wrong). */
  issueFor: string | null = null;
  lookups = new Map<string, Uint8Array>();

  constructor(
    private readonly ca: TestCa,
    private readonly proxies: TestParty[],
  ) {
    super();
  }

  protected handle(raw: string): void {
    void this.#handle(raw);
  }

  async #handle(raw: string): Promise<void> {
    const req = parseMessage(new TextEncoder().encode(raw));
    if (!(req instanceof SipRequest)) return;
    this.received.push(req);
    const res = createResponse(req, 200, undefined, randomToken(4));
    if (req.method === 'REGISTER') {
      const expires = Number(req.get('Expires') ?? 600);
      if (expires > 0) res.append('Contact', `${req.get('Contact')!.replace(/;expires=\d+/, '')};expires=${expires}`);
      if (expires > 0 && req.get('Content-Type') === 'application/pkcs10') {
        if (this.refuse) res.append('Warning', `399 a.keyhop.test "${this.refuse}"`);
        else {
          const csr = fromBase64(req.bodyText())!;
          const aor = this.issueFor ?? AOR;
          const cert = this.issueFor
            ? (await makeUser(this.ca, aor)).cert
            : await issueUserCertificate({ csr, aor, ca: { cert: this.ca.cert, key: this.ca.key }, lifetimeSeconds: expires });
          this.lookups.set(AOR, cert);
          res.setBody(toBase64(encodeCertsOnly([cert, this.ca.cert, ...this.proxies.map((p) => p.cert)])), 'application/pkcs7-mime; smime-type=certs-only');
          res.set('Content-Transfer-Encoding', 'base64');
        }
      }
    } else if (req.method === 'OPTIONS') {
      const cert = this.lookups.get(/sip:([^>;]+)/.exec(req.uri)![1]!);
      if (!cert) return this.deliver(createResponse(req, 480, 'Temporarily Unavailable', randomToken(4)).toString());
      res.setBody(toBase64(cert), 'application/pkix-cert');
      res.set('Content-Transfer-Encoding', 'base64');
    }
    this.deliver(res.toString());
  }

}

const uas: UA[] = [];
afterEach(() => {
  for (const ua of uas.splice(0)) ua.stop();
});

async function setup() {
  const ca = await makeCa();
  const proxies = [await makeProxy(ca, 'a.keyhop.test'), await makeProxy(ca, 'b.keyhop.test')];
  const far = new RegistrarSocket(ca, proxies);
  const store = new CertificateStore(AOR, new MemoryKeyStore());
  const ua = new UA({ sockets: [new StageSocket(far, [certificateStage(store)])], uri: `sip:${AOR}`, password: 'x', register: false, user_agent: 'Keyhop-test' });
  uas.push(ua);
  const changes: unknown[] = [];
  store.on('change', (s) => changes.push(s));
  store.attach(ua);
  return { ca, proxies, far, store, ua, changes };
}

/** Registers (or unregisters) and resolves with the 200 as JsSIP saw it. */
function registered(ua: UA, action: 'register' | 'unregister' = 'register'): Promise<{ body: unknown; contentType: unknown }> {
  return new Promise((resolve, reject) => {
    const done = (e: { response?: { body?: unknown; getHeader(n: string): unknown } }) =>
      resolve({ body: e.response?.body, contentType: e.response?.getHeader('Content-Type') });
    ua.once(action === 'register' ? 'registered' : 'unregistered', done);
    ua.once('registrationFailed', (e: { cause?: unknown }) => reject(new Error(String(e.cause))));
    const go = () => (action === 'register' ? ua.register() : ua.unregister());
    if (!ua.isConnected()) {
      ua.once('connected', go);
      ua.start();
    } else go();
  });
}

describe('certificates at REGISTER through JsSIP (seed 004 §7.1)', () => {
  it('puts the request in every REGISTER that registers, keeps the issued certificate and hides the body from JsSIP', async () => {
    const { ca, far, store, ua, changes } = await setup();
    expect(store.own()).toBeNull();
    const seen = await registered(ua);
    const reg = far.received.find((r) => r.method === 'REGISTER')!;
    expect(reg.get('Content-Type')).toBe('application/pkcs10');
    expect(reg.get('Content-Transfer-Encoding')).toBe('base64');
    const keys = await store.keys();
    const checked = await verifyCsr(fromBase64(reg.bodyText())!, { aor: AOR });
    expect(checked.spki).toEqual(new Uint8Array(await crypto.subtle.exportKey('spki', keys.publicKey)));

    // JsSIP saw a 200 without the certificates.
    expect(seen.body ?? '').toBe('');
    expect(seen.contentType ?? null).toBeNull();
    const own = store.own()!;
    expect(own.keys).toBe(keys);
    expect(own.keys.signingKey.extractable).toBe(false);
    expect(store.caCerts()).toEqual([ca.cert]);
    expect(store.proxies().sort()).toEqual(['a.keyhop.test', 'b.keyhop.test']);
    expect(store.proxyKey('a.keyhop.test')!.length).toBe(65);
    expect(store.proxyKey('A.keyhop.test')![0]).toBe(0x04);
    expect(store.proxyCert('b.keyhop.test')).toBeDefined();
    expect(store.status().own!.notAfter).toBeGreaterThan(Date.now());
    expect(changes).toHaveLength(1);

    // A refresh renews it: a new serial for the same key.
    const first = store.status().own!.serial;
    // JsSIP reports only the first registration; the store reports each renewal.
    const renewed = new Promise((resolve) => store.on('change', resolve));
    ua.register();
    await renewed;
    expect(far.received.filter((r) => r.method === 'REGISTER' && r.get('Content-Type') === 'application/pkcs10')).toHaveLength(2);
    expect(store.status().own!.serial).not.toBe(first);
  });

  it('de-registration goes without a request and ends the certificate', async () => {
    const { far, store, ua } = await setup();
    await registered(ua);
    expect(store.own()).not.toBeNull();
    await registered(ua, 'unregister');
    const last = far.received.filter((r) => r.method === 'REGISTER').at(-1)!;
    expect(last.get('Expires')).toBe('0');
    expect(last.body.length).toBe(0);
    expect(store.own()).toBeNull();
    expect(store.status()).toEqual({ own: null, problem: null });
  });

  it('the certificate ends with the connection, as the registrar\'s does', async () => {
    const { far, store, ua } = await setup();
    await registered(ua);
    expect(store.own()).not.toBeNull();
    far.drop();
    expect(store.own()).toBeNull();
  });

  it('a refused request leaves the phone registered, without a certificate, saying why', async () => {
    const { far, store, ua } = await setup();
    far.refuse = 'Certificate request refused: the request names bob@b.keyhop.test, expected alice@a.keyhop.test';
    await registered(ua);
    expect(store.own()).toBeNull();
    expect(store.status().problem).toBe(far.refuse);
  });

  it('a certificate for someone else is not taken, and JsSIP still sees a plain 200', async () => {
    const { far, store, ua } = await setup();
    far.issueFor = 'bob@b.keyhop.test';
    const seen = await registered(ua);
    expect(seen.body ?? '').toBe('');
    expect(store.own()).toBeNull();
    expect(store.status().problem).toMatch(/no certificate for this device's key/);
  });

  it('looks up a user’s certificate with OPTIONS, and gets null for a 480', async () => {
    const { far, store, ua } = await setup();
    await registered(ua);
    expect(await store.lookup(AOR)).toEqual(far.lookups.get(AOR));
    const options = far.received.filter((r) => r.method === 'OPTIONS').at(-1)!;
    expect(options.uri).toBe(`sip:${AOR}`);
    expect(options.get('Accept')).toBe('application/pkix-cert');
    expect(await store.lookup('bob@b.keyhop.test')).toBeNull();
  });
});
