/**
 * Kerberos (MS-SIPAE v4) for a scripted `TestUa`: tickets from Keyhop's KDC through POST /KdcProxy,
 * REGISTER with the AP-REQ, then a signature on every request and a check of every message the
 * proxy signs. The client code is the user agent's (src/krb/client, src/sipae).
 */
import { completeSecContext, getInitialCredentials, getServiceCredentials, initSecContext, micSigner, type KdcSend } from '../../src/krb/client/index.js';
import type { SecurityContext } from '../../src/krb/client/context.js';
import { KKDCP_CONTENT_TYPE, unwrapKdcProxyReply, wrapKdcProxyRequest } from '../../src/krb/kkdcp.js';
import { formatCredentials, parseAuthInfo, parseChallenges } from '../../src/sipae/auth-headers.js';
import { SecurityAssociation } from '../../src/sipae/security-association.js';
import type { SipMessage, SipRequest, SipResponse } from '../../src/sip/message.js';
import type { TestUa } from './sip-client.js';

/** Sends KDC requests through Keyhop's KKDCP endpoint at `httpUrl`. */
export function kdcProxySend(httpUrl: string): KdcSend {
  return async (request, realm) => {
    const res = await fetch(`${httpUrl}/KdcProxy`, { method: 'POST', headers: { 'Content-Type': KKDCP_CONTENT_TYPE }, body: new Uint8Array(wrapKdcProxyRequest(request, realm)) });
    if (res.status !== 200) throw new Error(`KdcProxy answered ${res.status}`);
    return unwrapKdcProxyReply(new Uint8Array(await res.arrayBuffer()));
  };
}

export class KerberosUa {
  sa: SecurityAssociation | null = null;

  constructor(
    readonly ua: TestUa,
    readonly httpUrl: string,
    readonly realm = 'KEYHOP.TEST',
  ) {}

  /** Adds this UA's Proxy-Authorization with a signature over `req` (and the AP-REQ on the first). */
  sign(req: SipRequest, gssapiData?: string): SipRequest {
    const sa = this.sa;
    if (!sa) throw new Error('no security association yet');
    const { head, response } = sa.sign(req);
    req.append('Proxy-Authorization', formatCredentials({
      realm: this.realm, targetname: sa.targetname, version: 4, crand: head.rand, cnum: head.num, response,
      ...(sa.opaque ? { opaque: sa.opaque } : {}), ...(gssapiData ? { gssapiData } : {}),
    }));
    return req;
  }

  /** Whether the proxy's signature on `m` verifies. */
  verifies(m: SipMessage): boolean {
    return this.sa !== null && this.sa.verify(m).ok;
  }

  /** REGISTER: challenged, then AS + TGS through /KdcProxy and the AP-REQ; the 200 OK's AP-REP completes the association. */
  /** `expectChallenge`: the status the first, unauthenticated REGISTER must get (401 when Digest is offered too, 407 when Kerberos is required or the connection is Kerberos-only). */
  async register(o: { expectChallenge?: 401 | 407 } = {}): Promise<SipResponse> {
    const { ua } = this;
    const user = ua.aor.split('@')[0]!;
    const uri = `sip:${ua.domain}`;
    const callId = `${Math.random().toString(36).slice(2)}@krb`;
    ua.client.send(ua.request('REGISTER', uri, { to: `sip:${ua.aor}`, callId, cseq: 1 }));
    const challenge = await ua.client.response((s) => s >= 200, 'REGISTER');
    if (o.expectChallenge !== undefined && challenge.status !== o.expectChallenge) {
      throw new Error(`${ua.aor}: the first REGISTER got ${challenge.status}, expected ${o.expectChallenge}`);
    }
    const chal = parseChallenges(challenge.getAll('Proxy-Authenticate'))[0];
    if (!chal) throw new Error(`${ua.aor}: no Kerberos challenge in ${challenge.status}`);
    const send = kdcProxySend(this.httpUrl);
    const tgt = await getInitialCredentials({ client: `${user}@${this.realm}`, password: ua.password, send });
    const svc = await getServiceCredentials({ tgt, server: `${chal.targetname}@${this.realm}`, send });
    const start = initSecContext(svc);
    if (!start.mutual) throw new Error('expected mutual authentication');
    const pendingCtx: SecurityContext = {
      keys: { sessionKey: svc.sessionKey, initiatorSubkey: start.pending.initiatorSubkey },
      flags: start.pending.flags, client: svc.client, server: svc.server, endtime: svc.endtime,
      initiatorSeq: start.pending.initiatorSeq, acceptorSeq: 0,
    };
    const sa = new SecurityAssociation(chal);
    sa.acquiring();
    sa.pending(micSigner(pendingCtx, 'initiator'));
    this.sa = sa;
    ua.client.send(this.sign(ua.request('REGISTER', uri, { to: `sip:${ua.aor}`, callId, cseq: 2 }), Buffer.from(start.token).toString('base64')));
    const final = await ua.client.response((s) => s >= 200, 'REGISTER');
    if (final.status !== 200) return final;
    const info = parseAuthInfo(final.getAll('Proxy-Authentication-Info')[0] ?? '');
    if (!info?.gssapiData) throw new Error(`${ua.aor}: no AP-REP in the 200 OK`);
    const ctx = completeSecContext(start.pending, new Uint8Array(Buffer.from(info.gssapiData, 'base64')));
    sa.established(micSigner(ctx, 'initiator'), info.opaque, ctx.endtime.getTime());
    if (!sa.verify(final).ok) throw new Error(`${ua.aor}: the proxy's signature on the 200 OK does not verify`);
    return final;
  }
}
