/**
 * A transaction-stateful SIP proxy and registrar for one domain (RFC 3261 §16), with the rules of
 * seeds 001/002: every request's From must be the identity bound to its connection (R6), the
 * connection policy is checked before any lookup (R9), and a denied, offline or unknown callee
 * all get the same answer (R10). I/O goes through the `ProxyTransport` delegate.
 */
import { parseAuthValue } from '../../sip/auth-params.js';
import { SipParseError } from '../../sip/errors.js';
import { splitList } from '../../sip/headers.js';
import type { SipMessage, SipRequest, SipResponse } from '../../sip/message.js';
import { parseNameAddr } from '../../sip/name-addr.js';
import { createResponse, randomToken } from '../../sip/response.js';
import { aor as aorOf, parseUri, type SipUri } from '../../sip/uri.js';
import { BRANCH_COOKIE, formatVia, parseVia } from '../../sip/via.js';
import type { Logger } from '../log.js';
import type { Flow } from '../transport/flow.js';
import { DigestChallenger } from './digest-challenge.js';
import type { KerberosAuth } from './kerberos-auth.js';
import type { ServerAssociation } from '../../sipae/server-association.js';
import { LocationService } from './location.js';
import type { ConnectionPolicy } from './policy.js';
import { register, type RegistrarSettings } from './registrar.js';
import { ResponseContext } from './response-context.js';
import type { UserDirectory } from './users.js';
import type { Branch } from './branch.js';
import type { ProxyExtension } from './extension.js';

export interface Target {
  transport: 'tcp' | 'tls';
  host: string;
  port: number;
}

/** What the proxy needs from the network. */
export interface ProxyTransport {
  /** An open flow to `target`, reused when one exists. Rejects with a readable reason. */
  connect(target: Target): Promise<Flow>;
  /** The sent-by this proxy puts in its Via on `flow`. */
  sentBy(flow: Flow): { transport: string; host: string; port: number };
}

export interface ProxySettings {
  /** Short name used in branch IDs and logs ("a", "b"). */
  id: string;
  domain: string;
  sipHost: string;
  tcpPort: number;
  tlsPort: number;
  routes: Map<string, Target>;
  trustedPeers: Set<string>;
  registrar: RegistrarSettings;
  timers: { transactionMs: number; inviteMs: number };
  /** Challenge requests relayed by other domains' proxies with Kerberos (`auth.challengeForeign`). */
  challengeForeign?: boolean;
}

const DIALOG_CREATING = new Set(['INVITE', 'SUBSCRIBE', 'REFER']);

export class Proxy {
  readonly location = new LocationService();
  private readonly digest: DigestChallenger;
  /** Server transactions by `branch|sent-by|method`. */
  private readonly contexts = new Map<string, ResponseContext>();
  /** Client transactions by our branch ID. */
  private readonly branches = new Map<string, Branch>();
  private branchCounter = 0;
  private readonly lingering = new Set<ReturnType<typeof setTimeout>>();
  /** INVITEs this proxy answered itself with a final response, whose ACK it must absorb (§17.2.1). */
  private readonly answeredInvites = new Map<string, number>();
  /** Requests of other domains' users authenticated with Kerberos: the association that signs the answers. */
  private readonly foreignSa = new WeakMap<SipRequest, ServerAssociation>();

  constructor(
    readonly settings: ProxySettings,
    private readonly users: UserDirectory,
    private readonly policy: ConnectionPolicy,
    private readonly transport: ProxyTransport,
    private readonly log: Logger,
    /** Kerberos (MS-SIPAE v4) for user agents; null when `auth.kerberos` is off. */
    readonly kerberos: KerberosAuth | null = null,
    /** Route-Security, certificates, SDP readers: see extension.ts. */
    readonly extensions: readonly ProxyExtension[] = [],
  ) {
    this.digest = new DigestChallenger(settings.domain, users);
  }

  receive(flow: Flow, msg: SipMessage): void {
    if (msg.isRequest) this.onRequest(flow, msg);
    else this.onResponse(msg);
  }

  close(): void {
    this.kerberos?.close();
    this.location.clear();
    for (const ctx of this.contexts.values()) ctx.dispose();
    for (const t of this.lingering) clearTimeout(t);
    this.contexts.clear();
    this.branches.clear();
  }

  // ---- requests -------------------------------------------------------------------------------

  private onRequest(flow: Flow, req: SipRequest): void {
    const topVia = parseVia(req.getAll('Via')[0]!);
    const branch = topVia.params.get('branch');
    if (!branch || !branch.startsWith(BRANCH_COOKIE)) {
      if (req.method !== 'ACK') this.sendSigned(flow, createResponse(req, 400, 'Via branch must start with z9hG4bK', randomToken(6)));
      return;
    }
    this.stampVia(req, flow, topVia);
    const key = txKey(branch, topVia, req.method);
    const reply = (status: number, reason?: string) => this.replyLocally(flow, req, key, status, reason);

    if (req.method === 'ACK') {
      // The ACK for a non-2xx final response is hop by hop: it ends here (§17.2.1).
      if (this.contexts.has(key) || this.answeredInvites.has(key)) return;
    } else if (req.method === 'CANCEL') {
      return this.onCancel(flow, req, txKey(branch, topVia, 'INVITE'));
    } else {
      const existing = this.contexts.get(key);
      if (existing) {
        if (existing.lastResponse) flow.send(existing.lastResponse);
        return;
      }
    }

    let uri: SipUri;
    try {
      if (!/^sips?:/i.test(req.uri)) return req.method === 'ACK' ? undefined : reply(416, 'Only sip: and sips: URIs are supported');
      uri = parseUri(req.uri);
    } catch (e) {
      return req.method === 'ACK' ? undefined : reply(400, e instanceof SipParseError ? e.reason : 'Invalid Request-URI');
    }
    const maxForwards = Number(req.get('Max-Forwards'));
    if (maxForwards === 0 && !this.isOurs(uri)) return req.method === 'ACK' ? undefined : reply(483);
    if (this.isLoop(req)) return req.method === 'ACK' ? undefined : reply(482);
    if (req.has('Proxy-Require') && req.method !== 'ACK') {
      const r = createResponse(req, 420, undefined, randomToken(6));
      r.set('Unsupported', req.getAll('Proxy-Require').join(', '));
      return this.replyLocally(flow, req, key, r);
    }

    const caller = this.identify(flow, req, uri, key);
    if (caller === null) return;

    if (req.method === 'REGISTER' && uri.host === this.settings.domain) return void this.onRegister(flow, req, key, caller);
    for (const ext of this.extensions) {
      const refusal = ext.onRequest?.(req, flow, caller) ?? null;
      if (refusal) return req.method === 'ACK' ? undefined : this.replyLocally(flow, req, key, refusal);
    }
    this.route(flow, req, key, uri, caller);
  }

  private async onRegister(flow: Flow, req: SipRequest, key: string, caller: string): Promise<void> {
    const res = register(req, flow, caller, this.location, this.settings.registrar);
    if (res.status === 200) {
      for (const ext of this.extensions) {
        try {
          await ext.onRegistered?.(req, res, caller, flow);
        } catch (e) {
          this.log.warn(`REGISTER of ${caller}: ${(e as Error).message}`);
        }
      }
    }
    if (flow.closed) return;
    this.replyLocally(flow, req, key, res);
    // De-registration ends the identity's security associations (seed 000 §10.4 P8).
    if (res.status === 200 && this.kerberos?.isBound(flow) && isDeregistration(req)) this.kerberos.removeIdentity(caller);
  }

  /**
   * Who sent this request: the From identity, once it is established that the sender may use it.
   * Responds (or silently drops ACK/CANCEL) and returns null otherwise.
   */
  private identify(flow: Flow, req: SipRequest, uri: SipUri, key: string): string | null {
    const reply = (status: number, reason?: string) => {
      this.replyLocally(flow, req, key, status, reason);
      return null;
    };
    let from: string;
    try {
      from = aorOf(parseNameAddr(req.get('From')!).uri);
    } catch (e) {
      return reply(400, e instanceof SipParseError ? e.reason : 'Invalid From');
    }
    const peer = flow.peer;
    if (peer.kind === 'trusted') return from;
    if (peer.kind === 'proxy') {
      if (from.slice(from.indexOf('@') + 1) !== peer.domain) return reply(403, `From ${from} does not belong to ${peer.domain}`);
      if (this.kerberos && this.settings.challengeForeign) {
        const v = this.kerberos.verifyForeign(req, from);
        if (v.kind === 'ok') {
          this.foreignSa.set(req, v.sa);
          return from;
        }
        if (req.method === 'ACK') return null;
        const why = v.kind === 'none' ? 'no credentials' : v.reason;
        this.log.info(`Kerberos challenge for ${from} via ${peer.domain}: ${why}`);
        if (v.kind === 'forbidden') return reply(403, why);
        const r = createResponse(req, 407, undefined, randomToken(6));
        r.append('Proxy-Authenticate', this.kerberos.challenge());
        r.set('Date', new Date().toUTCString());
        this.replyLocally(flow, req, key, r);
        return null;
      }
      return from;
    }
    if (this.kerberos) {
      const v = this.kerberos.verify(flow, req, from);
      if (v.kind === 'ok') {
        if (flow.identity === null) flow.identity = v.identity;
        if (from !== flow.identity) return reply(403, `From ${from} does not match the identity of this connection`);
        return from;
      }
      if (v.kind !== 'none' || this.kerberos.mode === 'require') {
        if (req.method === 'ACK') return null;
        if (v.kind === 'forbidden') {
          this.log.info(`Kerberos authentication refused on ${flow.id} (${flow.remote.address}): ${v.reason}`);
          return reply(403, v.reason);
        }
        if (v.kind === 'challenge') this.log.info(`Kerberos challenge on ${flow.id} (${flow.remote.address}): ${v.reason}`);
        const r = createResponse(req, 407, undefined, randomToken(6));
        r.append('Proxy-Authenticate', this.kerberos.challenge());
        r.set('Date', new Date().toUTCString());
        this.replyLocally(flow, req, key, r);
        return null;
      }
    }
    if (flow.identity === null || (req.method === 'REGISTER' && uri.host === this.settings.domain && req.has('Authorization'))) {
      if (req.method === 'ACK') return null;
      const isRegister = req.method === 'REGISTER';
      const verdict = this.digest.verify(req.method, req.getAll(isRegister ? 'Authorization' : 'Proxy-Authorization'));
      if (verdict?.ok) {
        if (flow.identity !== null && flow.identity !== verdict.aor) return reply(403, `This connection is already bound to ${flow.identity}`);
        if (flow.identity === null) this.log.info(`${flow.id} (${flow.remote.address}) authenticated as ${verdict.aor}`);
        flow.identity = verdict.aor;
      } else {
        if (verdict) this.log.info(`authentication failed on ${flow.id} (${flow.remote.address}): ${verdict.reason}`);
        const r = createResponse(req, isRegister ? 401 : 407, undefined, randomToken(6));
        // Kerberos first, Digest last: JsSIP reads only the last challenge of the kind it expects.
        if (this.kerberos) r.append('Proxy-Authenticate', this.kerberos.challenge());
        r.set('Date', new Date().toUTCString());
        for (const c of this.digest.challenges(verdict?.stale ?? false)) r.append(isRegister ? 'WWW-Authenticate' : 'Proxy-Authenticate', c);
        this.replyLocally(flow, req, key, r);
        return null;
      }
    }
    if (from !== flow.identity) return reply(403, `From ${from} does not match the identity of this connection`);
    return from;
  }

  /** A final response made here, before any routing. Nothing answers an ACK. */
  private replyLocally(flow: Flow, req: SipRequest, key: string, status: number | SipResponse, reason?: string): void {
    if (req.method === 'ACK') return;
    const res = typeof status === 'number' ? createResponse(req, status, reason, randomToken(6)) : status;
    for (const ext of this.extensions) ext.onLocalResponse?.(res, req);
    if (req.method === 'INVITE' && res.status >= 300) {
      const now = Date.now();
      if (this.answeredInvites.size > 1000) for (const [k, until] of this.answeredInvites) if (until < now) this.answeredInvites.delete(k);
      this.answeredInvites.set(key, now + this.settings.timers.transactionMs);
    }
    this.sendSigned(flow, res, req);
  }

  /**
   * Sends `msg` on `flow`, signed first when the client there holds a Kerberos association; an
   * answer to a request of another domain's user is signed with the association that request used.
   */
  private sendSigned(flow: Flow, msg: SipMessage, about?: SipRequest): void {
    this.signFor(flow, msg, about);
    flow.send(msg);
  }

  /** `flow`, with every message signed for its Kerberos client before it goes out. */
  private signingFlow(flow: Flow): Flow {
    const sign = (msg: SipMessage) => this.sendSigned(flow, msg);
    return {
      get id() { return flow.id; },
      get transport() { return flow.transport; },
      get remote() { return flow.remote; },
      get local() { return flow.local; },
      get peer() { return flow.peer; },
      get identity() { return flow.identity; },
      set identity(v) { flow.identity = v; },
      get closed() { return flow.closed; },
      send: sign,
      close: () => flow.close(),
      onClose: (listener) => flow.onClose(listener),
    };
  }

  private signFor(flow: Flow, msg: SipMessage, about?: SipRequest): void {
    if (!this.kerberos) return;
    const sa = about ? this.foreignSa.get(about) : undefined;
    if (sa) this.kerberos.signWith(sa, msg);
    else this.kerberos.sign(flow, msg);
  }

  private onCancel(flow: Flow, req: SipRequest, inviteKey: string): void {
    const ctx = this.contexts.get(inviteKey);
    if (flow.peer.kind === 'user' && flow.identity === null) return; // unauthenticated CANCEL: discarded
    if (flow.peer.kind === 'user' && this.kerberos) {
      const v = this.kerberos.verify(flow, req, flow.identity);
      if (v.kind === 'challenge' || v.kind === 'forbidden') return; // unsigned or badly signed CANCEL: discarded
    }
    if (!ctx || ctx.upstream !== flow) {
      this.sendSigned(flow, createResponse(req, 481, undefined, randomToken(6)));
      return;
    }
    this.sendSigned(flow, createResponse(req, 200, undefined, randomToken(6)));
    ctx.cancel();
  }

  private route(flow: Flow, req: SipRequest, key: string, uri: SipUri, caller: string): void {
    const isAck = req.method === 'ACK';
    const ctx = new ResponseContext(req, isAck ? null : flow, this.settings.timers, (c) => this.finish(key, c));
    if (this.kerberos) ctx.beforeSend = (res) => this.signFor(flow, res, req);
    const loop = loopHash(req);
    if (!isAck) this.contexts.set(key, ctx);
    const local = (res: SipResponse) => {
      for (const ext of this.extensions) ext.onLocalResponse?.(res, req);
      return res;
    };
    if (req.method === 'INVITE') this.sendSigned(flow, local(createResponse(req, 100)), req);
    const reply = (status: number | SipResponse, reason?: string) => {
      if (!isAck) ctx.respond(local(typeof status === 'number' ? createResponse(req, status, reason, randomToken(6)) : status));
    };

    const out = req.clone();
    while (true) {
      const top = out.getAll('Route')[0];
      if (top === undefined) break;
      let routeUri: SipUri;
      try {
        routeUri = parseNameAddr(top).uri;
      } catch {
        return reply(400, 'Invalid Route header');
      }
      if (!this.isOurs(routeUri)) break;
      out.shift('Route');
    }
    this.stripOwnCredentials(out);

    const nextRoute = out.getAll('Route')[0];
    const initial = !/;\s*tag=/i.test(req.get('To') ?? '');
    if (nextRoute !== undefined) {
      const target = this.targetFor(parseNameAddr(nextRoute).uri);
      if (!target) return reply(404, 'No route to the next hop');
      return this.forward(flow, ctx, out, [{ target, uri: req.uri }], initial, loop);
    }

    if (this.isOurs(uri) || (uri.host === this.settings.domain && uri.user === null)) {
      if (req.method === 'OPTIONS') return reply(200);
      return reply(404);
    }

    const binding = this.location.byContact(uri);
    if (binding) return this.forward(flow, ctx, out, [{ flow: binding.flow, uri: req.uri }], initial, loop);

    const callee = aorOf(uri);
    if (initial && !this.policy.allows(caller, callee)) {
      this.log.info(`policy denies ${caller} -> ${callee}`);
      return reply(...UNAVAILABLE);
    }
    if (uri.host === this.settings.domain) {
      if (initial && this.users.get(callee)) {
        for (const ext of this.extensions) {
          const answer = ext.answerFor?.(req, callee, caller) ?? null;
          if (answer) return reply(answer);
        }
      }
      const bindings = this.users.get(callee) ? this.location.lookup(callee) : [];
      if (bindings.length === 0) return reply(...UNAVAILABLE);
      return this.forward(flow, ctx, out, bindings.map((b) => ({ flow: b.flow, uri: b.contact })), initial, loop);
    }
    const target = this.targetFor(uri);
    if (!target) return reply(404, `No route to ${uri.host}`);
    this.forward(flow, ctx, out, [{ target, uri: req.uri }], initial, loop);
  }

  /** Sends one copy of `req` per destination (§16.6), each as its own client transaction. */
  private forward(inbound: Flow, ctx: ResponseContext, req: SipRequest, dests: Array<{ flow?: Flow; target?: Target; uri: string }>, initial: boolean, loop: string): void {
    const isAck = req.method === 'ACK';
    for (const dest of dests) {
      const fwd = req.clone();
      fwd.uri = dest.uri;
      fwd.set('Max-Forwards', String(Number(req.get('Max-Forwards')) - 1));
      const branchId = `${BRANCH_COOKIE}-${this.settings.id}${loop}-${(++this.branchCounter).toString(36)}`;
      const branch = isAck ? null : ctx.addBranch(branchId, fwd);
      const send = (flow: Flow) => {
        if (initial && DIALOG_CREATING.has(req.method) && ctx.upstream) this.recordRoute(fwd, ctx.upstream, flow);
        const via = this.transport.sentBy(flow);
        fwd.prepend('Via', `SIP/2.0/${via.transport} ${via.host}:${via.port};branch=${branchId}`);
        if (branch) this.branches.set(branchId, branch);
        for (const ext of this.extensions) ext.beforeForward?.(fwd, flow, inbound, req);
        this.sendSigned(flow, fwd);
        // The branch's own CANCEL and ACK go to the same client: signed as well.
        branch?.sent(this.kerberos?.isBound(flow) ? this.signingFlow(flow) : flow);
      };
      if (dest.flow) send(dest.flow);
      else {
        this.transport.connect(dest.target!).then(send, (e: Error) => {
          this.log.warn(`cannot reach ${dest.target!.transport}:${dest.target!.host}:${dest.target!.port}: ${e.message}`);
          branch?.unreachable('Service Unavailable');
        });
      }
    }
  }

  /** Double Record-Route (RFC 5658) when the request changes transport, so each side gets a URI it can use. */
  private recordRoute(fwd: SipRequest, inbound: Flow, outbound: Flow): void {
    const inUri = this.sideUri(inbound);
    const outUri = this.sideUri(outbound);
    fwd.prepend('Record-Route', `<${inUri}>`);
    if (outUri !== inUri) fwd.prepend('Record-Route', `<${outUri}>`);
  }

  private sideUri(flow: Flow): string {
    const s = this.settings;
    return flow.transport === 'tcp' ? `sip:${s.sipHost}:${s.tcpPort};transport=tcp;lr` : `sip:${s.sipHost}:${s.tlsPort};transport=tls;lr`;
  }

  private isOurs(uri: SipUri): boolean {
    const s = this.settings;
    return uri.host === s.sipHost && (uri.port === s.tcpPort || uri.port === s.tlsPort);
  }

  /** Where a URI outside our domain leads: configured routes, TLS peers (CA-verified), or trusted peers. */
  private targetFor(uri: SipUri): Target | null {
    const routed = this.settings.routes.get(uri.host);
    if (routed) return routed;
    const transport = (uri.params.get('transport') ?? '').toLowerCase();
    if (transport === 'tls' || uri.scheme === 'sips') return { transport: 'tls', host: uri.host, port: uri.port ?? 5061 };
    if (this.settings.trustedPeers.has(uri.host.replace(/^\[|\]$/g, ''))) return { transport: 'tcp', host: uri.host, port: uri.port ?? 5060 };
    return null;
  }

  /**
   * Credentials for our own realm (Digest) or our own `targetname` (Kerberos) are consumed here
   * (RFC 3261 §22.3); other proxies' pass on (seed 000 §10.4 P7).
   */
  private stripOwnCredentials(req: SipRequest): void {
    const values = req.getAll('Proxy-Authorization');
    if (values.length === 0) return;
    req.remove('Proxy-Authorization');
    for (const v of values) {
      let own: boolean;
      try {
        const a = parseAuthValue(v);
        own = a.scheme.toLowerCase() === 'kerberos' ? a.params.get('targetname') === `sip/${this.settings.domain}` : a.params.get('realm') === this.settings.domain;
      } catch {
        own = false;
      }
      if (!own) req.append('Proxy-Authorization', v);
    }
  }

  /** Loop detection (§16.3 item 4): our own Via with the same request hash means the request came back unchanged. */
  private isLoop(req: SipRequest): boolean {
    const prefix = `${BRANCH_COOKIE}-${this.settings.id}`;
    const vias = req.getAll('Via');
    if (!vias.some((v) => v.includes(prefix))) return false;
    const hash = loopHash(req);
    for (const v of vias) {
      const via = parseVia(v);
      const b = via.params.get('branch') ?? '';
      if (via.host === this.settings.sipHost && b.startsWith(prefix + hash + '-')) return true;
    }
    return false;
  }

  /** RFC 3581 rport and §18.2.1 received, so responses and logs show where the request really came from. */
  private stampVia(req: SipRequest, flow: Flow, via: ReturnType<typeof parseVia>): void {
    let changed = false;
    if (via.host.replace(/^\[|\]$/g, '') !== flow.remote.address) {
      via.params.set('received', flow.remote.address);
      changed = true;
    }
    if (via.params.has('rport') && via.params.get('rport') === null) {
      via.params.set('rport', String(flow.remote.port));
      changed = true;
    }
    if (!changed) return;
    req.shift('Via');
    req.prepend('Via', formatVia(via));
  }

  private finish(key: string, ctx: ResponseContext): void {
    // Keep the transaction for Timer L / ACK matching (RFC 6026), then forget it.
    const linger = ctx.isInvite ? this.settings.timers.transactionMs : 0;
    const done = () => {
      if (this.contexts.get(key) === ctx) this.contexts.delete(key);
      for (const b of ctx.branches) this.branches.delete(b.id);
      ctx.dispose();
    };
    if (linger === 0) return done();
    const t = setTimeout(() => {
      this.lingering.delete(t);
      done();
    }, linger);
    this.lingering.add(t);
  }

  // ---- responses ------------------------------------------------------------------------------

  private onResponse(res: SipResponse): void {
    const top = res.getAll('Via')[0];
    const branchId = top ? parseVia(top).params.get('branch') : undefined;
    const branch = branchId ? this.branches.get(branchId) : undefined;
    if (!branch) {
      this.log.debug(`stray response ${res.status} for ${res.callId}`);
      return;
    }
    res.shift('Via');
    let out = res;
    for (const ext of this.extensions) out = ext.onResponse?.(out, branch.request) ?? out;
    branch.onResponse(out);
  }
}

/** A REGISTER that removes every binding it names: `Contact: *`, or each Contact with expires 0. */
function isDeregistration(req: SipRequest): boolean {
  const contacts = req.getAll('Contact').flatMap(splitList);
  if (contacts.length === 0) return false;
  const headerExpires = req.get('Expires')?.trim();
  return contacts.every((c) => {
    if (c.trim() === '*') return true;
    const gt = c.lastIndexOf('>');
    const m = /;\s*expires\s*=\s*(\d+)/i.exec(gt >= 0 ? c.slice(gt + 1) : c);
    const expires = m ? m[1] : headerExpires;
    return expires !== undefined && /^\d+$/.test(expires) && Number(expires) === 0;
  });
}

/** The one answer for a callee who is denied, offline or unknown (seeds 001/002 R10). */
const UNAVAILABLE: [number, string] = [480, 'Temporarily Unavailable'];

function txKey(branch: string, via: ReturnType<typeof parseVia>, method: string): string {
  return `${branch}|${via.host}:${via.port ?? ''}|${method === 'ACK' ? 'INVITE' : method}`;
}

/** FNV-1a over the fields §16.6 item 8 names, as 8 hex digits. */
function loopHash(req: SipRequest): string {
  const from = req.get('From') ?? '';
  const to = req.get('To') ?? '';
  const tag = (s: string) => /;\s*tag=([^;>\s]+)/i.exec(s)?.[1] ?? '';
  const text = `${req.uri}|${tag(from)}|${tag(to)}|${req.callId}|${req.cseq.seq}|${req.getAll('Route').join(',')}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
