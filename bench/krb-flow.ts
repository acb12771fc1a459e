/**
 * One Kerberos sign-in as the Kerberos benchmark times it, shared by Node and the in-page bundle
 * (no `node:*`): AS exchange (password → TGT), TGS exchange (TGT → service ticket), AP-REQ in a GSS
 * initial context token, its validation by the acceptor with the service's keytab, and the
 * initiator's check of the AP-REP. Each phase is timed with `performance.now()`.
 */
import { acceptSecContext, ReplayCache } from '../src/krb/acceptor/index.js';
import { completeSecContext, getInitialCredentials, getServiceCredentials, initSecContext, type KdcSend, type SecurityContext } from '../src/krb/client/index.js';
import type { AcceptedContext } from '../src/krb/acceptor/index.js';
import type { KeytabEntry } from '../src/krb/keytab.js';

export interface SignInParams {
  client: string;
  realm: string;
  password: string;
  /** Service principal without realm, e.g. `sip/a.keyhop.test`. */
  service: string;
  /** Enctypes offered in the AS-REQ and TGS-REQ; default the client's own list. */
  etypes?: number[];
  keytab: readonly KeytabEntry[];
  replayCache: ReplayCache;
  send: KdcSend;
}

/** Milliseconds per phase of one sign-in. */
export interface SignInTiming {
  as: number;
  tgs: number;
  /** initSecContext + acceptSecContext + completeSecContext. */
  ap: number;
  total: number;
  /** Enctype of the ticket session key and of the context's token key. */
  sessionEnctype: number;
  tokenEnctype: number;
}

export interface SignInResult {
  timing: SignInTiming;
  initiator: SecurityContext;
  acceptor: AcceptedContext;
}

export async function signIn(p: SignInParams): Promise<SignInResult> {
  const t0 = performance.now();
  const tgt = await getInitialCredentials({ client: p.client, realm: p.realm, password: p.password, send: p.send, ...(p.etypes ? { etypes: p.etypes } : {}) });
  const t1 = performance.now();
  const svc = await getServiceCredentials({ tgt, server: p.service, send: p.send, ...(p.etypes ? { etypes: p.etypes } : {}) });
  const t2 = performance.now();
  const start = initSecContext(svc);
  if (!start.mutual) throw new Error('expected a mutual-authentication context');
  const acceptor = acceptSecContext(start.token, { keytab: p.keytab, replayCache: p.replayCache, service: `${p.service}@${p.realm}` });
  if (!acceptor.outputToken) throw new Error('the acceptor returned no AP-REP');
  const initiator = completeSecContext(start.pending, acceptor.outputToken);
  const t3 = performance.now();
  const tokenKey = initiator.keys.acceptorSubkey ?? initiator.keys.initiatorSubkey ?? initiator.keys.sessionKey;
  return {
    timing: { as: t1 - t0, tgs: t2 - t1, ap: t3 - t2, total: t3 - t0, sessionEnctype: svc.sessionKey.enctype, tokenEnctype: tokenKey.enctype },
    initiator,
    acceptor,
  };
}
