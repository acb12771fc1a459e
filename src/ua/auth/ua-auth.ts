/**
 * The user agent's side of MS-SIPAE v4 Kerberos authentication (seed 000 §10.3 C1–C13): one
 * security association (SA) per proxy `targetname`, the AP-REQ for a challenge, the signature of
 * every message sent while an SA exists, and the check of every message received from a proxy
 * with an SA. It works on raw SIP text: the Kerberos stage of `StageSocket` feeds it every frame in both directions,
 * and the `RequestSender` patch (`challenge-patch.ts`) hands it the 407s.
 *
 * Key use (v4): the message that carries the AP-REQ is already signed, with the initiator subkey
 * (the acceptor can check it as soon as it has decrypted the authenticator). The proxy's first
 * signed response carries the AP-REP in `gssapi-data`; it completes the context (mutual
 * authentication), and from then on both directions use the completed context's keys (the
 * acceptor subkey when the AP-REP brings one).
 */
import { formatCredentials, parseAuthInfo, parseCredentials, type AuthInfo, type Challenge, type Credentials as SaCredentials } from '../../sipae/auth-headers.js';
import { DEFAULT_BACKOFF_MS, SecurityAssociation } from '../../sipae/security-association.js';
import { completeSecContext, initSecContext, micSigner, type Credentials, type PendingInitiatorContext } from '../../krb/client/index.js';
import type { SipMessage } from '../../sip/message.js';
import { Emitter } from '../emitter.js';
import { fromBase64, parseRaw, toBase64, transactionKey } from './wire.js';

/** The MS-SIPAE version Keyhop speaks. */
export const SIPAE_VERSION = 4;

/** Re-authenticate this long before an SA expires ([MS-SIPAE] §3.2.2: at least 5 minutes). */
export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

/** Where one proxy stands, for the status line. */
export interface ProxySecurity {
  /** `sip/<proxy fqdn>` for Kerberos, the realm for Digest. */
  readonly proxy: string;
  readonly scheme: 'Kerberos' | 'Digest';
  readonly state: 'acquiring' | 'established' | 'backing-off' | 'failed';
  /** The proxy proved its identity (AP-REP checked). */
  readonly mutual: boolean;
  /** Signed messages from this proxy that verified. */
  readonly verified: number;
  /** SA end, in milliseconds since the epoch. */
  readonly expiresAt: number | null;
  /** Why it is not established, in words. */
  readonly problem: string | null;
}

/** A message the plugin refused, or an SA that could not be set up. */
export interface AuthFailure {
  readonly proxy: string | null;
  readonly reason: string;
  /** The SIP method concerned (CSeq method for responses). */
  readonly method: string;
  readonly callId: string;
  readonly status: number | null;
  /** The message was dropped (JsSIP never sees it); otherwise JsSIP gets it and reports the failure too. */
  readonly dropped: boolean;
}

interface AuthEvents {
  change: readonly ProxySecurity[];
  failure: AuthFailure;
}

export interface UaAuthOptions {
  /** A service ticket for `targetname` (`sip/<fqdn>`), from the TGT of sign-in. */
  getTicket(targetname: string): Promise<Credentials>;
  /** Wait after a proxy refuses fresh credentials (seed 000 Fig. 4, 148); default 5 minutes. */
  backoffMs?: number;
  refreshMarginMs?: number;
  now?: () => number;
}

interface Entry {
  sa: SecurityAssociation;
  /** Waiting for the AP-REP. */
  pending: PendingInitiatorContext | null;
  ticketEnd: number;
  mutual: boolean;
  verified: number;
  problem: string | null;
  /** Settles when the acquisition started last ends (established, failed or reset). */
  settled: Promise<void> | null;
  settle: (() => void) | null;
}

/** What to do with a 407 that carries Kerberos challenges. */
export type ChallengePlan =
  /** Pass the 407 up to JsSIP (the request fails); `reason` was reported as a failure. */
  | { kind: 'refuse'; reason: string }
  /** Resend after `ready`: it yields the Proxy-Authorization values carrying new AP-REQs. */
  | { kind: 'resend'; targets: readonly string[]; ready: Promise<string[]> };

export class UaAuth extends Emitter<AuthEvents> {
  readonly #entries = new Map<string, Entry>();
  /**
   * Per outgoing request (by transaction key): the targets it was signed for, and those whose
   * new AP-REQ it carried.
   */
  readonly #sent = new Map<string, { targets: Set<string>; fresh: Set<string>; at: number }>();
  readonly #digest = new Set<string>();
  /** The proxy this connection registered with: requests from it must be signed. */
  #home: string | null = null;
  readonly #o: UaAuthOptions;
  readonly #now: () => number;

  constructor(options: UaAuthOptions) {
    super();
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get backoffMs(): number {
    return this.#o.backoffMs ?? DEFAULT_BACKOFF_MS;
  }

  /** Per-proxy status, Kerberos first. */
  status(): ProxySecurity[] {
    const out: ProxySecurity[] = [];
    for (const [proxy, e] of this.#entries) {
      const s = e.sa.state;
      let state: ProxySecurity['state'];
      if (e.problem && s !== 'established') state = s === 'backing-off' ? 'backing-off' : 'failed';
      else if (s === 'established') state = 'established';
      else if (s === 'backing-off') state = 'backing-off';
      else state = 'acquiring';
      out.push({ proxy, scheme: 'Kerberos', state, mutual: e.mutual && s === 'established', verified: e.verified, expiresAt: s === 'established' ? e.sa.expiresAt : null, problem: s === 'established' ? null : e.problem });
    }
    for (const realm of this.#digest) out.push({ proxy: realm, scheme: 'Digest', state: 'established', mutual: false, verified: 0, expiresAt: null, problem: null });
    return out;
  }

  /** JsSIP answered a challenge with Digest (only Digest was offered). */
  noteDigest(realm: string): void {
    if (this.#digest.has(realm)) return;
    this.#digest.add(realm);
    this.#changed();
  }

  /** The connection closed: every SA is bound to it on the proxy side, so all are gone. */
  reset(): void {
    for (const e of this.#entries.values()) e.settle?.();
    this.#entries.clear();
    this.#sent.clear();
    this.#home = null;
    this.#changed();
  }

  // ---- outgoing -------------------------------------------------------------------------------

  /** Signs `raw` for every proxy with an SA (or an AP-REQ in it); returns the text to send. */
  outgoing(raw: string): string {
    if (this.#entries.size === 0) return raw;
    const msg = parseRaw(raw);
    if (!msg) return raw;
    this.#refreshIfDue(msg);
    const values = msg.getAll('Proxy-Authorization');
    const own = new Map<string, SaCredentials>();
    const kept: string[] = [];
    for (const v of values) {
      const c = safeCredentials(v);
      if (c && this.#entries.has(c.targetname)) own.set(c.targetname, c);
      else kept.push(v);
    }
    const signed: string[] = [];
    const targets = new Set<string>();
    const fresh = new Set<string>();
    for (const [target, e] of this.#entries) {
      const old = own.get(target);
      let cred: SaCredentials;
      if (e.sa.usable) {
        cred = { realm: e.sa.challenge.realm, targetname: target, opaque: e.sa.opaque ?? '' };
      } else if (e.pending && old?.gssapiData) {
        cred = { realm: e.sa.challenge.realm, targetname: target, gssapiData: old.gssapiData, version: SIPAE_VERSION };
        if (e.sa.challenge.opaque) cred.opaque = e.sa.challenge.opaque;
        fresh.add(target);
      } else {
        if (old) kept.push(formatCredentials(old));
        continue;
      }
      const { head, response } = e.sa.sign(msg);
      signed.push(formatCredentials({ ...cred, crand: head.rand, cnum: head.num, response }));
      targets.add(target);
    }
    if (signed.length === 0 && own.size === 0) return raw;
    msg.remove('Proxy-Authorization');
    for (const v of [...kept, ...signed]) msg.append('Proxy-Authorization', v);
    if (msg.isRequest && msg.method !== 'ACK') this.#remember(msg, targets, fresh);
    return msg.toString();
  }

  /** Before a REGISTER refresh, an SA close to its end is dropped so the REGISTER re-authenticates (C12). */
  #refreshIfDue(msg: SipMessage): void {
    if (!msg.isRequest || msg.method !== 'REGISTER') return;
    const margin = this.#o.refreshMarginMs ?? DEFAULT_REFRESH_MARGIN_MS;
    for (const [target, e] of this.#entries) {
      if (e.sa.state === 'established' && this.#now() >= e.sa.expiresAt - margin) {
        this.#entries.delete(target);
        if (this.#home === target) this.#home = null;
        e.settle?.();
        this.#changed();
      }
    }
  }

  #remember(msg: SipMessage, targets: Set<string>, fresh: Set<string>): void {
    const key = transactionKey(msg);
    if (!key) return;
    const now = this.#now();
    if (this.#sent.size > 512) for (const [k, v] of this.#sent) if (now - v.at > 300_000) this.#sent.delete(k);
    this.#sent.set(key, { targets, fresh, at: now });
  }

  // ---- incoming -------------------------------------------------------------------------------

  /** Checks a received frame; false means drop it (a failure was reported). */
  incoming(raw: string): boolean {
    if (this.#entries.size === 0) return true;
    const msg = parseRaw(raw);
    if (!msg) {
      // Keyhop's proxies write what Keyhop's parser reads; an unreadable frame cannot be checked.
      if (![...this.#entries.values()].some((e) => e.sa.state === 'established')) return true;
      this.emit('failure', { proxy: null, reason: 'An unreadable message arrived from the server; it was ignored', method: '', callId: '', status: null, dropped: true });
      return false;
    }
    const infos = new Map<string, AuthInfo>();
    for (const v of msg.getAll('Proxy-Authentication-Info')) {
      const i = safeAuthInfo(v);
      if (i && !infos.has(i.targetname)) infos.set(i.targetname, i);
    }
    // A 100 Trying is hop by hop and says nothing; it passes whatever its signature (it may be
    // unsigned anyway), so that JsSIP's INVITE transaction can still send a CANCEL later.
    if (!msg.isRequest && msg.status === 100) return true;
    // Signatures that must be there: the home proxy's (it signs everything it sends us), and
    // that of every proxy whose AP-REQ the request carried. Another proxy's signature is only
    // there when the request went through it, so it is checked when present.
    const check = new Set<string>();
    if (msg.isRequest) {
      if (this.#home && this.#entries.get(this.#home)?.sa.usable) check.add(this.#home);
    } else {
      const key = transactionKey(msg);
      const sent = key ? this.#sent.get(key) : undefined;
      for (const t of sent?.fresh ?? []) check.add(t);
      for (const t of sent?.targets ?? []) if (this.#home === null || t === this.#home) check.add(t);
    }
    for (const t of infos.keys()) if (this.#entries.get(t)?.sa.state === 'established' || this.#entries.get(t)?.pending) check.add(t);

    for (const target of check) {
      const e = this.#entries.get(target);
      if (!e) continue;
      const info = infos.get(target);
      const failure = info ? this.#verify(target, e, msg, info) : this.#unsigned(target, e, msg);
      if (failure) {
        this.#fail(msg, target, failure, true);
        return false;
      }
    }
    return true;
  }

  #unsigned(target: string, e: Entry, msg: SipMessage): string | null {
    if (!msg.isRequest && (msg.status === 100 || msg.status === 401 || msg.status === 407)) return null;
    if (!e.pending && e.sa.state !== 'established') return null;
    return `The message from ${proxyName(target)} is not signed, so it may not come from the proxy; it was ignored`;
  }

  #verify(target: string, e: Entry, msg: SipMessage, info: AuthInfo): string | null {
    if (e.pending) {
      if (!info.gssapiData) return `${proxyName(target)} did not prove its identity (no Kerberos AP-REP in its first signed answer)`;
      const token = fromBase64(info.gssapiData);
      if (!token) return `${proxyName(target)} sent an unreadable Kerberos AP-REP`;
      let signer;
      try {
        const ctx = completeSecContext(e.pending, token);
        // The AP-REQ's message used the first sequence number.
        signer = micSigner({ ...ctx, initiatorSeq: ctx.initiatorSeq + 1 }, 'initiator');
      } catch (err) {
        this.#drop(target, e, `Mutual authentication with ${proxyName(target)} failed: ${err instanceof Error ? err.message : String(err)}`);
        return e.problem;
      }
      e.sa.pending(signer);
      const r = e.sa.verify(msg);
      if (!r.ok) {
        this.#drop(target, e, `Mutual authentication with ${proxyName(target)} failed: ${r.reason}`);
        return e.problem;
      }
      e.sa.established(signer, info.opaque, e.ticketEnd);
      e.pending = null;
      e.mutual = true;
      e.problem = null;
      e.verified += 1;
      if (!msg.isRequest && msg.cseq.method === 'REGISTER') this.#home = target;
      this.#home ??= target;
      e.settle?.();
      this.#changed();
      return null;
    }
    if (e.sa.state !== 'established') return null;
    const r = e.sa.verify(msg);
    if (!r.ok) return `A message from ${proxyName(target)} failed its signature check (${r.reason}); it was ignored`;
    e.verified += 1;
    // The UI shows the count; one change event per message would be too chatty, so every tenth.
    if (e.verified <= 3 || e.verified % 10 === 0) this.#changed();
    return null;
  }

  #drop(target: string, e: Entry, problem: string): void {
    e.pending = null;
    e.problem = problem;
    e.sa = new SecurityAssociation(e.sa.challenge, this.#now);
    if (this.#home === target) this.#home = null;
    e.settle?.();
    this.#changed();
  }

  #fail(msg: SipMessage, target: string | null, reason: string, dropped = false): void {
    let method = '';
    try {
      method = msg.isRequest ? msg.method : msg.cseq.method;
    } catch {
      // No usable CSeq: the method stays unknown.
    }
    this.emit('failure', { proxy: target, reason, method, callId: msg.callId, status: msg.isRequest ? null : msg.status, dropped });
  }

  // ---- challenges ---------------------------------------------------------------------------

  /**
   * Decides how to answer a 407 with Kerberos challenges (seed 000 Fig. 4). `responseRaw` is the
   * 407 itself (it names the transaction, so we know whose credentials the request carried).
   */
  planChallenge(challenges: readonly Challenge[], responseRaw: string): ChallengePlan {
    const msg = parseRaw(responseRaw);
    const key = msg ? transactionKey(msg) : null;
    const carried = (key && this.#sent.get(key)?.targets) || new Set<string>();
    const jobs: Array<Promise<string | null>> = [];
    const targets: string[] = [];
    for (const c of challenges) {
      const target = c.targetname;
      if (targets.includes(target)) continue;
      targets.push(target);
      let e = this.#entries.get(target);
      if (!e) {
        e = newEntry(new SecurityAssociation(c, this.#now));
        this.#entries.set(target, e);
      }
      if (carried.has(target)) {
        // Our credentials for this proxy were refused.
        const wasEstablished = e.sa.state === 'established';
        const decision = e.sa.onChallenge(this.backoffMs);
        if (decision === 'back-off') {
          const minutes = Math.max(1, Math.round(this.backoffMs / 60_000));
          e.pending = null;
          e.problem = `${proxyName(target)} refused the Kerberos credentials; Keyhop waits ${minutes} minute${minutes === 1 ? '' : 's'} before trying again`;
          e.settle?.();
          this.#changed();
          return this.#refuse(msg, target, e.problem);
        }
        if (wasEstablished && this.#home === target) this.#home = null;
        jobs.push(this.#acquire(target, c));
        continue;
      }
      if (e.sa.state === 'backing-off' && this.#now() < e.sa.backoffUntil) {
        return this.#refuse(msg, target, e.problem ?? `${proxyName(target)} refused the Kerberos credentials a short while ago`);
      }
      if (e.sa.usable) {
        // Sent before the SA existed: the resend is signed by the socket.
        jobs.push(Promise.resolve(null));
        continue;
      }
      if (e.settled && (e.pending || e.sa.state === 'acquiring')) {
        // Another request is setting up this SA: wait for it, then go out signed.
        const entry = e;
        jobs.push(entry.settled!.then(() => {
          if (!this.#entries.get(target)?.sa.usable) throw new Error(entry.problem ?? `no security association with ${proxyName(target)}`);
          return null;
        }));
        continue;
      }
      jobs.push(this.#acquire(target, c));
    }
    const ready = Promise.all(jobs).then((v) => v.filter((x): x is string => x !== null));
    ready.catch((err: unknown) => {
      if (msg) this.#fail(msg, null, err instanceof Error ? err.message : String(err));
    });
    return { kind: 'resend', targets, ready };
  }

  #refuse(msg: SipMessage | null, target: string, reason: string): ChallengePlan {
    if (msg) this.#fail(msg, target, reason);
    return { kind: 'refuse', reason };
  }

  /** A service ticket and a new AP-REQ for `target`; resolves to the Proxy-Authorization value. */
  #acquire(target: string, c: Challenge): Promise<string> {
    const e = newEntry(new SecurityAssociation(c, this.#now));
    const old = this.#entries.get(target);
    old?.settle?.();
    this.#entries.set(target, e);
    e.sa.acquiring();
    e.settled = new Promise<void>((resolve) => {
      e.settle = () => {
        e.settle = null;
        resolve();
      };
    });
    this.#changed();
    const job = (async () => {
      let creds: Credentials;
      try {
        creds = await this.#o.getTicket(target);
      } catch (err) {
        throw new Error(`Could not get a Kerberos ticket for ${proxyName(target)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      if (this.#entries.get(target) !== e) throw new Error(`The connection to ${proxyName(target)} was reset`);
      const start = initSecContext(creds);
      if (!start.mutual) throw new Error('The Kerberos initiator did not ask for mutual authentication');
      e.pending = start.pending;
      e.ticketEnd = creds.endtime.getTime();
      const p = start.pending;
      e.sa.pending(
        micSigner(
          { keys: { sessionKey: creds.sessionKey, initiatorSubkey: p.initiatorSubkey }, flags: p.flags, client: creds.client, server: creds.server, endtime: creds.endtime, initiatorSeq: p.initiatorSeq, acceptorSeq: p.initiatorSeq },
          'initiator',
        ),
      );
      const cred: SaCredentials = { realm: c.realm, targetname: target, gssapiData: toBase64(start.token), version: SIPAE_VERSION };
      if (c.opaque) cred.opaque = c.opaque;
      return formatCredentials(cred);
    })();
    job.catch((err: unknown) => {
      if (this.#entries.get(target) !== e) return;
      e.problem = err instanceof Error ? err.message : String(err);
      e.sa.state = 'none';
      e.pending = null;
      e.settle?.();
      this.#changed();
    });
    return job;
  }

  #changed(): void {
    this.emit('change', this.status());
  }
}

function newEntry(sa: SecurityAssociation): Entry {
  return { sa, pending: null, ticketEnd: 0, mutual: false, verified: 0, problem: null, settled: null, settle: null };
}

/** `sip/a.keyhop.test` → `a.keyhop.test`, for sentences. */
export function proxyName(target: string): string {
  return target.replace(/^sip\//i, '');
}

function safeCredentials(v: string): SaCredentials | null {
  try {
    return parseCredentials(v);
  } catch {
    return null;
  }
}

function safeAuthInfo(v: string): AuthInfo | null {
  try {
    return parseAuthInfo(v);
  } catch {
    return null;
  }
}
