/**
 * Proxy-side security associations ([MS-SIPAE] §3.3; seed 000 §10.4 P3–P8): one per accepted
 * AP-REQ, named by `opaque`. Checks every request's signature (cnum strictly increasing) and signs
 * every message the proxy sends to that client with srand/snum.
 */
import type { SipMessage } from '../sip/message.js';
import { formatAuthInfo, parseCredentials, type Credentials } from './auth-headers.js';
import type { SignatureHead } from './signature-buffer.js';
import { checkMessage, randomHex32, ReplayWindow, signMessage, type MessageSigner } from './signing.js';
import { SA_MAX_LIFETIME_MS } from './security-association.js';

export type RequestCheck =
  | { ok: true; sa: ServerAssociation }
  /** `challenge`: answer 407 (unknown or expired association, bad or missing signature: P3). */
  | { ok: false; reason: string };

export class ServerAssociation {
  private snum = 0;
  private readonly cnums = new ReplayWindow();

  constructor(
    readonly opaque: string,
    readonly realm: string,
    readonly targetname: string,
    /** The authenticated identity (`user@domain`). */
    readonly identity: string,
    readonly expiresAt: number,
    private readonly signer: MessageSigner,
    private readonly random: () => string = randomHex32,
  ) {}

  /** Checks the signature in `cred` (from `msg`'s Proxy-Authorization). */
  check(msg: SipMessage, cred: Credentials): { ok: true } | { ok: false; reason: string } {
    if (cred.crand === undefined || cred.cnum === undefined || cred.response === undefined) return { ok: false, reason: 'unsigned request' };
    if (!this.cnums.accepts(cred.cnum)) return { ok: false, reason: `replayed or out-of-order cnum ${cred.cnum}` };
    const head: SignatureHead = { protocol: 'Kerberos', rand: cred.crand, num: cred.cnum, realm: cred.realm, targetname: cred.targetname };
    if (!checkMessage(this.signer, msg, head, cred.response)) return { ok: false, reason: 'signature does not verify' };
    this.cnums.accept(cred.cnum);
    return { ok: true };
  }

  /** Adds `Proxy-Authentication-Info` signing `msg`, which goes to this association's client. */
  sign(msg: SipMessage, gssapiData?: string): void {
    this.snum += 1;
    const head: SignatureHead = { protocol: 'Kerberos', rand: this.random(), num: String(this.snum), realm: this.realm, targetname: this.targetname };
    const rspauth = signMessage(this.signer, msg, head);
    msg.append('Proxy-Authentication-Info', formatAuthInfo({ realm: this.realm, targetname: this.targetname, opaque: this.opaque, rspauth, srand: head.rand, snum: head.num, ...(gssapiData ? { gssapiData } : {}) }));
  }
}

/** The associations of one proxy (one `targetname`), with expiry. */
export class ServerAssociations {
  private readonly byOpaque = new Map<string, ServerAssociation>();

  constructor(
    readonly realm: string,
    readonly targetname: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new association after an accepted AP-REQ; it lives until min(ticket end, 8 h). */
  create(identity: string, signer: MessageSigner, ticketEnd: number): ServerAssociation {
    this.sweep();
    let opaque: string;
    do opaque = randomHex32().toUpperCase();
    while (this.byOpaque.has(opaque));
    const sa = new ServerAssociation(opaque, this.realm, this.targetname, identity, Math.min(ticketEnd, this.now() + SA_MAX_LIFETIME_MS), signer);
    this.byOpaque.set(opaque, sa);
    return sa;
  }

  /**
   * Our credentials among a request's Proxy-Authorization values (others' are left alone, P7):
   * the association they name, if it exists, is unexpired and the signature checks.
   */
  checkRequest(msg: SipMessage): RequestCheck | null {
    const cred = this.ownCredentials(msg);
    if (!cred) return null;
    if (!cred.opaque) return { ok: false, reason: 'credentials name no association' };
    const sa = this.byOpaque.get(cred.opaque);
    if (!sa) return { ok: false, reason: 'unknown security association' };
    if (this.now() >= sa.expiresAt) {
      this.byOpaque.delete(sa.opaque);
      return { ok: false, reason: 'security association expired' };
    }
    const r = sa.check(msg, cred);
    return r.ok ? { ok: true, sa } : r;
  }

  /** Our credentials in `msg`, if any. */
  ownCredentials(msg: SipMessage): Credentials | null {
    for (const v of msg.getAll('Proxy-Authorization')) {
      let c: Credentials | null;
      try {
        c = parseCredentials(v);
      } catch {
        continue;
      }
      if (c && c.targetname === this.targetname && c.realm === this.realm) return c;
    }
    return null;
  }

  /** De-registration ends an identity's associations (seed 000 ¶0049). */
  removeIdentity(identity: string): void {
    for (const [k, sa] of this.byOpaque) if (sa.identity === identity) this.byOpaque.delete(k);
  }

  get size(): number {
    return this.byOpaque.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [k, sa] of this.byOpaque) if (t >= sa.expiresAt) this.byOpaque.delete(k);
  }
}
