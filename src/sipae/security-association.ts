/**
 * Client-side security associations (seed 000 Fig. 4, §6; [MS-SIPAE] §3.2.2): one per proxy,
 * keyed by `targetname`. Tracks the state, the client's cnum, the highest snum seen (a replay
 * window: strictly increasing), expiry (min(ticket end, 8 h)), and the back-off after a proxy
 * refuses fresh credentials. Signing itself is delegated to a `MessageSigner` (RFC 4121 MIC).
 */
import type { SipMessage } from '../sip/message.js';
import { parseAuthInfo, type Challenge } from './auth-headers.js';
import type { SignatureHead } from './signature-buffer.js';
import { checkMessage, randomHex32, ReplayWindow, signMessage, type MessageSigner } from './signing.js';

export type SaState = 'none' | 'acquiring' | 'established' | 'dropped' | 'backing-off';

export const SA_MAX_LIFETIME_MS = 8 * 3600_000;
export const DEFAULT_BACKOFF_MS = 5 * 60_000;

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export class SecurityAssociation {
  state: SaState = 'none';
  opaque: string | null = null;
  expiresAt = 0;
  backoffUntil = 0;
  private cnum = 0;
  private readonly snums = new ReplayWindow();
  private signer: MessageSigner | null = null;

  constructor(
    readonly challenge: Challenge,
    private readonly now: () => number = Date.now,
    private readonly random: () => string = randomHex32,
  ) {}

  get targetname(): string {
    return this.challenge.targetname;
  }

  /** Credentials for this proxy are being fetched (a ticket) and will be sent. */
  acquiring(): void {
    this.state = 'acquiring';
  }

  /** The proxy's first signed response verified: the association is usable until `ticketEnd` (capped at 8 h). */
  established(signer: MessageSigner, opaque: string, ticketEnd: number): void {
    this.signer = signer;
    this.opaque = opaque;
    this.state = 'established';
    this.expiresAt = Math.min(ticketEnd, this.now() + SA_MAX_LIFETIME_MS);
  }

  /** Keys are known (the AP-REQ was built) but the proxy has not answered yet. */
  pending(signer: MessageSigner): void {
    this.signer = signer;
  }

  get usable(): boolean {
    return this.state === 'established' && this.now() < this.expiresAt;
  }

  /**
   * A 407 for this target arrived. While acquiring, the proxy refused fresh credentials: back off.
   * While established, the proxy dropped the association: start again at once.
   * Returns whether the request may be retried now.
   */
  onChallenge(backoffMs = DEFAULT_BACKOFF_MS): 'retry-now' | 'back-off' {
    if (this.state === 'acquiring') {
      this.state = 'backing-off';
      this.backoffUntil = this.now() + backoffMs;
      this.signer = null;
      return 'back-off';
    }
    if (this.state === 'backing-off' && this.now() < this.backoffUntil) return 'back-off';
    this.state = 'dropped';
    this.signer = null;
    this.opaque = null;
    return 'retry-now';
  }

  /** The head for signing the next outgoing message: fresh crand, cnum + 1. */
  nextHead(): SignatureHead {
    this.cnum += 1;
    return { protocol: 'Kerberos', rand: this.random(), num: String(this.cnum), realm: this.challenge.realm, targetname: this.challenge.targetname };
  }

  /** Signs `msg` with a fresh head; returns the head and the MIC in upper-case hex. */
  sign(msg: SipMessage): { head: SignatureHead; response: string } {
    if (!this.signer) throw new Error(`No keys for ${this.targetname}`);
    const head = this.nextHead();
    return { head, response: signMessage(this.signer, msg, head) };
  }

  /** Checks the `Proxy-Authentication-Info` of a response from this proxy. */
  verify(msg: SipMessage): VerifyResult {
    if (!this.signer) return { ok: false, reason: `no security association with ${this.targetname}` };
    const info = msg.getAll('Proxy-Authentication-Info').map((v) => parseAuthInfoSafe(v)).find((i) => i?.targetname === this.targetname);
    if (!info) return { ok: false, reason: `the message from ${this.targetname} is not signed` };
    if (this.opaque !== null && info.opaque !== this.opaque) return { ok: false, reason: `the signature from ${this.targetname} names another association` };
    if (!this.snums.accepts(info.snum)) return { ok: false, reason: `replayed or out-of-order signature from ${this.targetname} (snum ${info.snum})` };
    const head: SignatureHead = { protocol: 'Kerberos', rand: info.srand, num: info.snum, realm: info.realm, targetname: info.targetname };
    if (!checkMessage(this.signer, msg, head, info.rspauth)) {
      return { ok: false, reason: `the signature from ${this.targetname} does not verify: the message was altered or the proxy is not who it claims` };
    }
    this.snums.accept(info.snum);
    return { ok: true };
  }
}

function parseAuthInfoSafe(v: string) {
  try {
    return parseAuthInfo(v);
  } catch {
    return null;
  }
}
