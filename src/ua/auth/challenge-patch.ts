/**
 * The one patch of a JsSIP internal: `RequestSender.prototype._receiveResponse`, through which
 * every 401/407 of every request passes (REGISTER, INVITE, in-dialog requests, MESSAGE …).
 *
 * For a UA bound to a `UaAuth` (`bindUa`), a 401/407 is read from the raw response (`response.data`:
 * JsSIP's own parser keeps only the last challenge header and loses the parameters of non-Digest
 * schemes). Kerberos is preferred over Digest. The resend repeats exactly the steps of JsSIP's
 * Digest path (RequestSender.js, 3.13.8): clone the request, CSeq + 1, set the credentials
 * header, `onAuthenticated(request)` (Registrator and Dialog keep their CSeq in step through it,
 * RTCSession adopts the new request), then `send()` on a new client transaction.
 *
 * Asynchrony: `_receiveResponse` is synchronous but the service ticket comes from the KDC. The
 * patch returns at once and does the resend when the ticket promise settles. This is safe
 * because the challenged transaction is already complete (JsSIP has sent the ACK for the 407)
 * and nothing else refers to it; an RTCSession terminated meanwhile is handled by JsSIP's own
 * `_is_canceled` logic when the resend's first provisional response arrives. If the ticket
 * cannot be had, or the proxy is in back-off, the 407 is passed up as JsSIP would have.
 *
 * When only Digest is offered (a third-party server, or a Keyhop proxy with Kerberos off), the
 * original method runs; if Digest is offered beside another scheme, the parsed challenge JsSIP
 * sees is set to the Digest one first. `src/ua/jssip-contract.test.ts` pins the internals used.
 */
import RequestSender from 'jssip/lib/RequestSender.js';
import { parseChallenges, type Challenge } from '../../sipae/auth-headers.js';
import type { UaAuth } from './ua-auth.js';
import { rawHeaderValues } from './wire.js';

/** The members of JsSIP's RequestSender the patch uses. */
export interface RequestSenderInternals {
  _ua: object;
  _method: string;
  _request: OutgoingRequestInternals;
  _eventHandlers: {
    onReceiveResponse(response: IncomingResponseInternals): void;
    onAuthenticated(request: OutgoingRequestInternals): void;
  };
  send(): void;
  _receiveResponse(response: IncomingResponseInternals): void;
  /** Ours: how many Kerberos legs this sender has answered. */
  __keyhopLegs?: number;
}

export interface OutgoingRequestInternals {
  cseq: number;
  clone(): OutgoingRequestInternals;
  setHeader(name: string, value: string | string[]): void;
  getHeaders(name: string): string[];
}

export interface IncomingResponseInternals {
  status_code: number;
  data: string;
  setHeader(name: string, value: string): void;
}

/** Each proxy on the path may challenge once per request, plus one re-acquisition after a dropped SA. */
const MAX_LEGS = 6;

const PATCHED = Symbol.for('keyhop.requestSenderPatch');
const bound = new WeakMap<object, UaAuth>();

type Proto = RequestSenderInternals & { [PATCHED]?: (this: RequestSenderInternals, r: IncomingResponseInternals) => void };

/** Routes the UA's 401/407 handling through `auth`. */
export function bindUa(ua: object, auth: UaAuth): void {
  installChallengePatch();
  bound.set(ua, auth);
}

export function unbindUa(ua: object): void {
  bound.delete(ua);
}

/** Installs the patch once per JsSIP module instance; returns whether it is in place. */
export function installChallengePatch(): boolean {
  const proto = (RequestSender as unknown as { prototype: Proto }).prototype;
  if (proto[PATCHED]) return true;
  const original = proto._receiveResponse;
  if (typeof original !== 'function') throw new Error('JsSIP RequestSender has no _receiveResponse: this JsSIP version is not supported (pin jssip 3.13.8)');
  proto[PATCHED] = original;
  proto._receiveResponse = function patched(this: RequestSenderInternals, response: IncomingResponseInternals) {
    const auth = bound.get(this._ua);
    if (!auth || (response.status_code !== 401 && response.status_code !== 407)) {
      original.call(this, response);
      return;
    }
    handleChallenge(this, response, auth, original);
  };
  return true;
}

function handleChallenge(sender: RequestSenderInternals, response: IncomingResponseInternals, auth: UaAuth, original: (this: RequestSenderInternals, r: IncomingResponseInternals) => void): void {
  const raw = typeof response.data === 'string' ? response.data : '';
  // A registrar's 401 may offer Kerberos for the proxy (Proxy-Authenticate) beside Digest
  // (WWW-Authenticate); Kerberos credentials always go in Proxy-Authorization.
  const proxyValues = rawHeaderValues(raw, 'Proxy-Authenticate');
  const digestName = response.status_code === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate';
  const values = response.status_code === 401 ? [...proxyValues, ...rawHeaderValues(raw, digestName)] : proxyValues;
  let kerberos: Challenge[];
  try {
    kerberos = parseChallenges(values);
  } catch {
    kerberos = [];
  }
  if (kerberos.length === 0) {
    // JsSIP's Digest speaks MD5 only: hand it the MD5 challenge when SHA-256 is offered too (RFC 8760).
    const digests = rawHeaderValues(raw, digestName).filter((v) => /^\s*digest\s/i.test(v));
    const digest = digests.find((v) => !/algorithm\s*=\s*"?(?!md5\b)[\w-]+/i.test(v)) ?? digests.at(-1);
    if (digest) {
      response.setHeader(digestName.toLowerCase(), digest);
      const realm = /realm="([^"]*)"/i.exec(digest)?.[1];
      if (realm !== undefined) auth.noteDigest(realm);
    }
    original.call(sender, response);
    return;
  }
  const legs = (sender.__keyhopLegs ?? 0) + 1;
  sender.__keyhopLegs = legs;
  if (legs > MAX_LEGS) {
    sender._eventHandlers.onReceiveResponse(response);
    return;
  }
  const plan = auth.planChallenge(kerberos, raw);
  if (plan.kind === 'refuse') {
    sender._eventHandlers.onReceiveResponse(response);
    return;
  }
  plan.ready.then(
    (fresh) => resend(sender, plan.targets, fresh),
    () => sender._eventHandlers.onReceiveResponse(response),
  );
}

function resend(sender: RequestSenderInternals, targets: readonly string[], fresh: string[]): void {
  const request = sender._request.clone();
  request.cseq += 1;
  request.setHeader('cseq', `${request.cseq} ${sender._method}`);
  // Other proxies' credentials stay; ours for the challenging proxies are replaced.
  const kept = request.getHeaders('proxy-authorization').filter((v) => !targets.some((t) => v.includes(`targetname="${t}"`)));
  const all = [...kept, ...fresh];
  if (all.length > 0) request.setHeader('proxy-authorization', all);
  sender._request = request;
  sender._eventHandlers.onAuthenticated(request);
  sender.send();
}
