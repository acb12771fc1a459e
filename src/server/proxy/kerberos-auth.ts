/**
 * The proxy side of Kerberos authentication in the MS-SIPAE version 4 profile (seed 000 §10.4):
 * the `Proxy-Authenticate: Kerberos` challenge, acceptance of the AP-REQ carried in
 * `Proxy-Authorization`, the proxy's security associations (one per accepted AP-REQ, tied to the
 * connection it arrived on), the signature check of every later request on that connection, and
 * the signature (`Proxy-Authentication-Info`) of every message the proxy sends to such a client.
 * See docs/protocol.md, "Kerberos authentication (MS-SIPAE v4)".
 */
import { readFileSync } from 'node:fs';
import { acceptSecContext, micSigner, ReplayCache } from '../../krb/acceptor/index.js';
import { KrbError } from '../../krb/errors.js';
import { readKeytab, type KeytabEntry } from '../../krb/keytab.js';
import { formatChallenge, type Credentials } from '../../sipae/auth-headers.js';
import { ServerAssociations, type ServerAssociation } from '../../sipae/server-association.js';
import { checkMessage } from '../../sipae/signing.js';
import type { SipMessage, SipRequest } from '../../sip/message.js';
import type { Logger } from '../log.js';
import type { Flow } from '../transport/flow.js';

export type KerberosMode = 'off' | 'offer' | 'require';

export const KERBEROS_MODES: readonly KerberosMode[] = ['off', 'offer', 'require'];

/** The version of the MS-SIPAE profile the proxy speaks. */
export const SIPAE_VERSION = 4;

export interface KerberosAuthOptions {
  mode: Exclude<KerberosMode, 'off'>;
  realm: string;
  /** The proxy's SIP domain; its service principal is `sip/<domain>@<realm>`. */
  domain: string;
  /** The service's keys (entries of other principals are ignored). */
  keytab: readonly KeytabEntry[];
  log: Logger;
  now?: () => number;
  /** Test switch `faults.corruptRspauth`: responses to these methods get a corrupted signature. */
  corruptRspauthFor?: readonly string[];
}

/** What the Kerberos layer makes of one request from a user agent. */
export type KerberosVerdict =
  /** No Kerberos credentials for us and the connection is not bound by Kerberos: other schemes decide. */
  | { kind: 'none' }
  /** Authenticated and signed; `identity` is `user@domain`; `sa` signs the answers. */
  | { kind: 'ok'; identity: string; sa: ServerAssociation }
  /** Answer 407 with the Kerberos challenge (ACK and CANCEL: drop). */
  | { kind: 'challenge'; reason: string }
  /** Answer 403. */
  | { kind: 'forbidden'; reason: string };

interface Bound {
  sa: ServerAssociation;
  /** The user agent's connection; null for a user of another domain, reached through its proxy. */
  flow: Flow | null;
  /** Base64 AP-REP, repeated in every response until the client's next signed request shows it has it. */
  apRep: string | null;
}

/**
 * Loads the service keys of `sip/<domain>@<realm>` from a keytab file. Throws an error that says
 * what to do when the file or the principal's keys are missing.
 */
export function loadServiceKeys(path: string, domain: string, realm: string): KeytabEntry[] {
  const principal = `sip/${domain}@${realm}`;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`auth.kerberos needs the keytab ${path} with the keys of ${principal}, but it cannot be read (${(e as Error).message}). Export ${principal} into it (kdc.keytab), or set auth.kerberos to off.`, { cause: e });
  }
  const entries = readKeytab(new Uint8Array(bytes)).filter((e) => principalOf(e) === principal);
  if (entries.length === 0) throw new Error(`The keytab ${path} has no keys for ${principal}. Export them into it (kdc.keytab), or set auth.kerberos to off.`);
  return entries;
}

function principalOf(e: KeytabEntry): string {
  return `${e.principal.name.nameString.join('/')}@${e.principal.realm}`;
}

export class KerberosAuth {
  readonly mode: Exclude<KerberosMode, 'off'>;
  readonly realm: string;
  readonly domain: string;
  /** `sip/<domain>`: the `targetname` of our challenges and credentials. */
  readonly targetname: string;
  readonly associations: ServerAssociations;
  private readonly keytab: readonly KeytabEntry[];
  private readonly replayCache = new ReplayCache();
  private readonly byOpaque = new Map<string, Bound>();
  private readonly byFlow = new Map<Flow, Bound>();
  /** Connections whose identity came from Kerberos: every request on them must be signed, for good. */
  private readonly kerberosFlows = new WeakSet<Flow>();
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly corruptRspauthFor: ReadonlySet<string>;
  private lastSweep = 0;

  constructor(o: KerberosAuthOptions) {
    this.mode = o.mode;
    this.realm = o.realm;
    this.domain = o.domain;
    this.targetname = `sip/${o.domain}`;
    this.keytab = o.keytab;
    this.log = o.log;
    this.now = o.now ?? (() => Date.now());
    this.associations = new ServerAssociations(o.realm, this.targetname, this.now);
    this.corruptRspauthFor = new Set((o.corruptRspauthFor ?? []).map((m) => m.toUpperCase()));
  }

  /** The `Proxy-Authenticate` value. */
  challenge(): string {
    return formatChallenge({ realm: this.realm, targetname: this.targetname, version: SIPAE_VERSION });
  }

  /** Whether this connection's identity was established with Kerberos (then every request on it must be signed). */
  isBound(flow: Flow): boolean {
    return this.kerberosFlows.has(flow);
  }

  /** Authenticates and checks the signature of a request from a user agent on `flow`. */
  verify(flow: Flow, req: SipRequest, fromUser: string | null): KerberosVerdict {
    const cred = this.associations.ownCredentials(req);
    if (!cred) {
      if (this.kerberosFlows.has(flow)) return { kind: 'challenge', reason: 'unsigned request on a Kerberos-authenticated connection' };
      return { kind: 'none' };
    }
    if (cred.gssapiData !== undefined) return this.establish(flow, req, cred, fromUser);
    const v = this.checkSigned(req, cred);
    if (v.kind !== 'ok') return v;
    const bound = this.byOpaque.get(v.sa.opaque)!;
    if (bound.flow !== flow) return { kind: 'challenge', reason: 'security association of another connection' };
    bound.apRep = null;
    this.byFlow.set(flow, bound);
    return v;
  }

  /**
   * A request of a user of another domain, relayed by that domain's proxy (`auth.challengeForeign`):
   * the client holds an association with this proxy too, not tied to any connection. `from` is
   * the request's From (`user@domain`), already checked against the relaying proxy's domain.
   */
  verifyForeign(req: SipRequest, from: string): KerberosVerdict {
    const cred = this.associations.ownCredentials(req);
    if (!cred) return { kind: 'challenge', reason: `no Kerberos credentials for ${this.targetname} from ${from}` };
    if (cred.gssapiData !== undefined) return this.establish(null, req, cred, from);
    const v = this.checkSigned(req, cred);
    if (v.kind !== 'ok') return v;
    const bound = this.byOpaque.get(v.sa.opaque)!;
    if (bound.flow !== null) return { kind: 'challenge', reason: 'security association of a local connection' };
    bound.apRep = null;
    return v;
  }

  /** Signs a message about the request authenticated with `sa` (answers to a relayed request). */
  signWith(sa: ServerAssociation, msg: SipMessage): void {
    const bound = this.byOpaque.get(sa.opaque);
    if (!bound || this.now() >= sa.expiresAt) return;
    sa.sign(msg, msg.isRequest ? undefined : (bound.apRep ?? undefined));
    this.injectFault(msg);
  }

  private checkSigned(req: SipRequest, cred: Credentials): KerberosVerdict {
    const r = this.associations.checkRequest(req);
    if (!r || !r.ok) {
      if (cred.opaque) this.forgetIfGone(cred.opaque);
      return { kind: 'challenge', reason: r ? r.reason : 'no credentials' };
    }
    if (!this.byOpaque.has(r.sa.opaque)) return { kind: 'challenge', reason: 'unknown security association' };
    return { kind: 'ok', identity: r.sa.identity, sa: r.sa };
  }

  /** Adds our `Proxy-Authentication-Info` to a message about to be sent on `flow`, when its client has an association. */
  sign(flow: Flow, msg: SipMessage): void {
    const bound = this.byFlow.get(flow);
    if (!bound) return;
    if (this.now() >= bound.sa.expiresAt) {
      this.drop(bound);
      return;
    }
    bound.sa.sign(msg, msg.isRequest ? undefined : (bound.apRep ?? undefined));
    this.injectFault(msg);
  }

  /** The `faults.corruptRspauth` test switch: one hex digit of our signature changed. */
  private injectFault(msg: SipMessage): void {
    if (msg.isRequest || !this.corruptRspauthFor.has(msg.cseq.method)) return;
    const values = msg.getAll('Proxy-Authentication-Info');
    const last = values.pop();
    if (last === undefined) return;
    const corrupted = last.replace(/rspauth="([0-9A-Fa-f])/, (_m, c: string) => `rspauth="${c === '0' ? '1' : '0'}`);
    msg.remove('Proxy-Authentication-Info');
    for (const v of [...values, corrupted]) msg.append('Proxy-Authentication-Info', v);
  }

  /** De-registration: the identity's associations end (seed 000 §10.4 P8). */
  removeIdentity(identity: string): void {
    this.associations.removeIdentity(identity);
    for (const bound of [...this.byOpaque.values()]) if (bound.sa.identity === identity) this.drop(bound);
  }

  /** Number of live associations (for tests and logs). */
  get size(): number {
    return this.byOpaque.size;
  }

  close(): void {
    for (const bound of [...this.byOpaque.values()]) this.drop(bound);
  }

  private establish(flow: Flow | null, req: SipRequest, cred: Credentials, fromUser: string | null): KerberosVerdict {
    let token: Uint8Array;
    try {
      token = new Uint8Array(Buffer.from(cred.gssapiData!, 'base64'));
    } catch {
      return { kind: 'challenge', reason: 'gssapi-data is not base64' };
    }
    let ctx;
    try {
      ctx = acceptSecContext(token, { keytab: this.keytab, service: `${this.targetname}@${this.realm}`, replayCache: this.replayCache });
    } catch (e) {
      if (e instanceof KrbError) return { kind: 'challenge', reason: `the Kerberos ticket was refused: ${e.message}` };
      throw e;
    }
    if (!ctx.outputToken) return { kind: 'challenge', reason: 'the AP-REQ does not ask for mutual authentication' };
    if (ctx.client.realm !== this.realm || ctx.client.name.nameString.length !== 1) {
      return { kind: 'forbidden', reason: `${ctx.client.name.nameString.join('/')}@${ctx.client.realm} is not a user of realm ${this.realm}` };
    }
    // Our own users are user@<our domain>; a user of another domain keeps the domain of its From.
    const domain = flow === null && fromUser !== null ? fromUser.slice(fromUser.indexOf('@') + 1) : this.domain;
    const identity = `${ctx.client.name.nameString[0]!}@${domain}`;
    if (fromUser !== null && fromUser !== identity) return { kind: 'forbidden', reason: `From ${fromUser} does not match the Kerberos identity ${identity}` };
    if (flow && flow.identity !== null && flow.identity !== identity) return { kind: 'forbidden', reason: `This connection is already bound to ${flow.identity}` };

    const signer = micSigner(ctx, 'acceptor');
    if (cred.crand === undefined || cred.cnum === undefined || cred.response === undefined) return { kind: 'challenge', reason: 'the request that carries the AP-REQ is not signed' };
    const head = { protocol: 'Kerberos', rand: cred.crand, num: cred.cnum, realm: cred.realm, targetname: cred.targetname };
    if (!checkMessage(signer, req, head, cred.response)) return { kind: 'challenge', reason: 'the signature of the request that carries the AP-REQ does not verify' };

    this.sweep();
    const sa = this.associations.create(identity, signer, ctx.endtime.getTime());
    const check = sa.check(req, cred);
    if (!check.ok) return { kind: 'challenge', reason: check.reason };
    const bound: Bound = { sa, flow, apRep: Buffer.from(ctx.outputToken).toString('base64') };
    this.byOpaque.set(sa.opaque, bound);
    if (flow) {
      const old = this.byFlow.get(flow);
      if (old) this.drop(old);
      this.byFlow.set(flow, bound);
      this.kerberosFlows.add(flow);
      flow.onClose(() => this.drop(bound));
    }
    const where = flow ? `${flow.id} (${flow.remote.address})` : `a request relayed from ${domain}`;
    this.log.info(`${where} authenticated with Kerberos as ${identity} (association ${sa.opaque}, until ${new Date(sa.expiresAt).toISOString()})`);
    return { kind: 'ok', identity, sa };
  }

  /** After a failed check: forget our record of an association the library no longer holds. */
  private forgetIfGone(opaque: string): void {
    const bound = this.byOpaque.get(opaque);
    if (bound && this.now() >= bound.sa.expiresAt) this.drop(bound);
  }

  /** Forgets expired associations, at most once a minute. */
  private sweep(): void {
    const t = this.now();
    if (t - this.lastSweep < 60_000) return;
    this.lastSweep = t;
    for (const bound of [...this.byOpaque.values()]) if (t >= bound.sa.expiresAt) this.drop(bound);
  }

  private drop(bound: Bound): void {
    if (this.byOpaque.get(bound.sa.opaque) === bound) this.byOpaque.delete(bound.sa.opaque);
    if (bound.flow && this.byFlow.get(bound.flow) === bound) this.byFlow.delete(bound.flow);
  }
}
