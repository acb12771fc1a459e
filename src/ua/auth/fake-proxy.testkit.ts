/**
 * For unit tests only: a JsSIP Socket whose far end is an in-memory SIP proxy that speaks the
 * MS-SIPAE v4 Kerberos profile with the real Kerberos acceptor and the proxy-side associations
 * of `src/sipae` (one per accepted AP-REQ, bound to this "connection"). It answers REGISTER,
 * INVITE (with 100 and 200), ACK, BYE and CANCEL itself; hooks let a test alter what it sends.
 */
import type { Socket } from 'jssip/lib/Socket';
import { acceptSecContext, micSigner } from '../../krb/acceptor/index.js';
import { getInitialCredentials, getServiceCredentials, type Credentials } from '../../krb/client/index.js';
import { MiniKdc } from '../../krb/client/mini-kdc.testkit.js';
import type { KeytabEntry } from '../../krb/keytab.js';
import { formatChallenge } from '../../sipae/auth-headers.js';
import { ServerAssociations, type ServerAssociation } from '../../sipae/server-association.js';
import { checkMessage } from '../../sipae/signing.js';
import { SipResponse, type SipMessage, type SipRequest } from '../../sip/message.js';
import { parseMessage } from '../../sip/parser.js';
import { fromBase64, toBase64 } from './wire.js';

export const REALM = 'KEYHOP.TEST';
export const TARGET = 'sip/a.keyhop.test';

export interface FakeProxyHooks {
  /** Whether to challenge with Kerberos (default) or Digest. */
  scheme?: 'Kerberos' | 'Digest';
  /** Alters a message just before it goes to the client (after signing). */
  alter?: (msg: SipMessage) => void;
  /** Sign messages to the client (default true). */
  sign?: boolean;
  /** Refuse every request with a 407, fresh credentials included. */
  refuseAll?: boolean;
  /** Like Keyhop's proxies offering both: a REGISTER gets 401 with Kerberos in Proxy-Authenticate and Digest in WWW-Authenticate. */
  offerBoth?: boolean;
}

export class FakeKerberosProxy {
  readonly kdc = new MiniKdc(REALM);
  readonly keytab: KeytabEntry[];
  readonly associations = new ServerAssociations(REALM, TARGET);
  /** Every raw frame the client sent, in order. */
  readonly received: string[] = [];
  readonly refusals: string[] = [];
  hooks: FakeProxyHooks = {};
  bound: { sa: ServerAssociation; apRep: string | null } | null = null;
  socket: FakeSocket | null = null;

  constructor() {
    this.kdc.addUser('alice', 'alice-pw', { iterations: 1 });
    this.keytab = this.kdc.addService(TARGET);
  }

  async tgt(): Promise<Credentials> {
    return getInitialCredentials({ client: 'alice', realm: REALM, password: 'alice-pw', send: this.kdc.send });
  }

  ticketSource(tgt: Credentials): (target: string) => Promise<Credentials> {
    return (target) => getServiceCredentials({ tgt, server: target, send: this.kdc.send });
  }

  /** A proxy restart: every association is forgotten. */
  restart(): void {
    this.bound = null;
    for (const id of ['alice@a.keyhop.test']) this.associations.removeIdentity(id);
  }

  handle(raw: string): void {
    this.received.push(raw);
    const req = parseMessage(new TextEncoder().encode(raw));
    if (!req.isRequest) return;
    const verdict = this.hooks.refuseAll ? 'refused' : this.check(req);
    if (verdict !== 'ok') {
      this.refusals.push(verdict);
      if (req.method === 'ACK' || req.method === 'CANCEL') return;
      if (this.hooks.offerBoth && req.method === 'REGISTER') {
        const r = this.response(req, 401, 'Unauthorized');
        r.append('Proxy-Authenticate', formatChallenge({ realm: REALM, targetname: TARGET, version: 4 }));
        r.append('WWW-Authenticate', 'Digest realm="a.keyhop.test", nonce="abc", algorithm=MD5, qop="auth"');
        this.send(r);
        return;
      }
      const r = this.response(req, 407, 'Proxy Authentication Required');
      r.append('Proxy-Authenticate', this.hooks.scheme === 'Digest' ? 'Digest realm="a.keyhop.test", nonce="abc", algorithm=MD5, qop="auth"' : formatChallenge({ realm: REALM, targetname: TARGET, version: 4 }));
      this.send(r);
      return;
    }
    switch (req.method) {
      case 'REGISTER': {
        const r = this.response(req, 200, 'OK');
        r.append('Contact', `${req.get('Contact') ?? ''};expires=600`);
        this.send(r);
        return;
      }
      case 'INVITE':
        this.send(this.response(req, 100, 'Trying'));
        this.send(this.response(req, 200, 'OK', 'v=0\r\n'));
        return;
      case 'ACK':
        return;
      default:
        this.send(this.response(req, 200, 'OK'));
    }
  }

  private check(req: SipRequest): string {
    if (this.hooks.scheme === 'Digest') return req.get('Proxy-Authorization')?.startsWith('Digest') ? 'ok' : 'no credentials';
    const cred = this.associations.ownCredentials(req);
    if (!cred) return this.bound ? 'unsigned request on a Kerberos connection' : 'no credentials';
    if (cred.gssapiData) {
      const ctx = acceptSecContext(fromBase64(cred.gssapiData)!, { keytab: this.keytab, replayCache: null });
      const signer = micSigner(ctx, 'acceptor');
      const head = { protocol: 'Kerberos', rand: cred.crand ?? '', num: cred.cnum ?? '', realm: cred.realm, targetname: cred.targetname };
      if (!cred.response || !checkMessage(signer, req, head, cred.response)) return 'AP-REQ message not signed';
      const sa = this.associations.create('alice@a.keyhop.test', signer, ctx.endtime.getTime());
      sa.check(req, cred);
      this.bound = { sa, apRep: toBase64(ctx.outputToken!) };
      return 'ok';
    }
    const r = this.associations.checkRequest(req);
    if (!r || !r.ok) return r ? r.reason : 'no credentials';
    if (this.bound?.sa !== r.sa) return 'association of another connection';
    this.bound.apRep = null;
    return 'ok';
  }

  private response(req: SipRequest, status: number, reason: string, body?: string): SipResponse {
    const r = new SipResponse(status, reason);
    for (const v of req.getAll('Via')) r.append('Via', v);
    r.append('From', req.get('From')!);
    const to = req.get('To')!;
    r.append('To', status > 100 && !/;\s*tag=/i.test(to) ? `${to};tag=proxy1` : to);
    r.append('Call-ID', req.callId);
    r.append('CSeq', req.get('CSeq')!);
    if (body) {
      r.append('Contact', '<sip:bob@127.0.0.1;transport=ws>');
      r.setBody(body, 'application/sdp');
    }
    return r;
  }

  send(msg: SipMessage): void {
    if (this.bound && this.hooks.sign !== false) this.bound.sa.sign(msg, msg.isRequest ? undefined : (this.bound.apRep ?? undefined));
    this.hooks.alter?.(msg);
    const raw = msg.toString();
    queueMicrotask(() => this.socket?.deliver(raw));
  }
}

/**
 * A JsSIP Socket whose far end lives in the same process: every non-empty frame JsSIP sends goes
 * to `handle`, and `deliver` hands JsSIP a frame from the far end. Unit tests only.
 */
export abstract class InMemorySocket implements Socket {
  via_transport = 'WS';
  readonly url = 'ws://a.keyhop.test/sip';
  readonly sip_uri = 'sip:a.keyhop.test;transport=ws';
  #connected = false;

  protected abstract handle(raw: string): void;

  connect(): void {
    setTimeout(() => {
      this.#connected = true;
      this.onconnect();
    }, 0);
  }

  disconnect(): void {
    this.#connected = false;
  }

  /** The connection drops (the far end closed it). */
  drop(): void {
    this.#connected = false;
    this.ondisconnect(true, 1006, 'gone');
  }

  send(message: string | ArrayBufferLike | Blob | ArrayBufferView): boolean {
    if (typeof message === 'string' && message.trim() !== '') this.handle(message);
    return true;
  }

  isConnected(): boolean {
    return this.#connected;
  }

  isConnecting(): boolean {
    return false;
  }

  deliver(raw: string): void {
    this.ondata(raw);
  }

  onconnect(): void {}
  ondisconnect(_error: boolean, _code?: number, _reason?: string): void {}
  ondata<T>(_event: T): void {}
}

/** A JsSIP Socket connected to a `FakeKerberosProxy`. */
export class FakeSocket extends InMemorySocket {
  constructor(private readonly proxy: FakeKerberosProxy) {
    super();
    proxy.socket = this;
  }

  protected handle(raw: string): void {
    this.proxy.handle(raw);
  }

  override drop(): void {
    this.proxy.bound = null;
    super.drop();
  }
}
