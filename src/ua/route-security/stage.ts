/**
 * Route-Security in the user agent (seeds 001/002 §3.4 steps 55, 57, 60; §3.5 rules 1, 5, 7;
 * R21, R23, R25) as a `StageSocket` stage. It runs after the envelope stage and before the
 * Kerberos stage on the way out, so the entry it adds is signed on the UA's link; on the way in
 * it sees only messages whose Kerberos signature checked out.
 *
 * - Every outgoing request gets the UA's own entry (bottom, `n=0`, unsigned), ACK and CANCEL too.
 * - Every outgoing response gets the chain of the request it answers, in order.
 * - An incoming INVITE whose chain fails the person's policy is refused here (403 + Warning)
 *   and never reaches JsSIP.
 * - Responses to our INVITEs (except 100) are checked with our entry at the bottom.
 * Each check is reported through `onChecked`, with the verdict as a view for the UI. The
 * signatures are checked with WebCrypto first (`preverifyChain`), so the full check that follows
 * does not block the page with pure-JavaScript ECDSA.
 */
import { addEntry, chainValues, HEADER, joinHostPort, preverifyChain, verifyChain, type Level } from '../../hopsec/index.js';
import { SipRequest, type SipMessage, type SipResponse } from '../../sip/message.js';
import { parseNameAddr } from '../../sip/name-addr.js';
import { aor as aorOf } from '../../sip/uri.js';
import { parseVia } from '../../sip/via.js';
import { parseRaw, transactionKey } from '../auth/wire.js';
import type { SocketStage, StageContext } from '../stage-socket.js';
import type { RouteSecurityView } from '../states.js';
import { withChain } from './header-lines.js';
import { ownLinkLevel, type OwnLink } from './own-link.js';
import { refusalResponse } from './refusal.js';
import { routeSecurityView } from './view.js';
import { reportProblem, type Perspective } from './words.js';

export interface RouteSecurityOptions {
  /** The user's address-of-record, `user@domain`: the node name of the UA's entries. */
  readonly aor: string;
  /** What the UA knows about its link to the home proxy right now. */
  readonly link: () => OwnLink;
  /** The raw 65-byte P-256 public key of a proxy's certificate, or undefined when unknown. */
  readonly keys: (node: string) => Uint8Array | undefined;
  /** The lowest acceptable level of any hop. */
  readonly minLevel: Level;
  /** A chain was checked. */
  readonly onChecked?: (checked: ChainChecked) => void;
}

export interface ChainChecked {
  readonly callId: string;
  /** `callee`: a request we received; `caller`: a response to our INVITE. */
  readonly role: 'caller' | 'callee';
  /** The other party's `user@domain`: From of a request, To of a response. */
  readonly peer: string;
  /** The response's status code (caller), null for a request. */
  readonly status: number | null;
  readonly view: RouteSecurityView;
  /** Callee: the stage refused the request itself (JsSIP never saw it). */
  readonly refused: boolean;
  /** Caller: the chain failed on a provisional or successful answer, so the call must end; `view.problem` says why. */
  readonly endCall: boolean;
}

/** How many requests' chains are kept for their responses. */
const REMEMBERED = 64;

export function routeSecurityStage(options: RouteSecurityOptions): SocketStage {
  // Minimum 0 ("none") accepts hops nobody vouches for; integrity failures still count.
  const policy = { keys: options.keys, minLevel: options.minLevel, allowUnattested: options.minLevel === 0 };
  /** Chains of received requests (top entry first), by transaction. */
  const chains = new Map<string, string[]>();

  const remember = (key: string, values: string[]): void => {
    chains.delete(key);
    chains.set(key, values);
    if (chains.size > REMEMBERED) chains.delete(chains.keys().next().value!);
  };

  const perspective = (receiver: string, addressee: Perspective['addressee'], message: Perspective['message']): Perspective => ({
    self: options.aor,
    receiver,
    addressee,
    message,
    minLevel: options.minLevel,
  });

  const addOwnEntry = (raw: string, req: SipRequest): string => {
    req.remove(HEADER);
    const link = options.link();
    try {
      const entry = addEntry(req, { node: options.aor, addr: sentBy(req), level: ownLinkLevel(link), transport: link.transport });
      return withChain(raw, [entry.raw]);
    } catch (error) {
      // Without our entry the first proxy records the hop as unattested: better than losing the request.
      console.warn(`Keyhop: could not add the Route-Security entry to ${req.method}`, error);
      return withChain(raw, []);
    }
  };

  const copyChain = (raw: string, res: SipMessage): string => {
    const key = transactionKey(res);
    const values = key === null ? undefined : chains.get(key);
    return values === undefined ? raw : withChain(raw, values);
  };

  const checkRequest = (raw: string, req: SipRequest, context: StageContext): string | null | Promise<string | null> => {
    const key = transactionKey(req);
    if (key !== null) remember(key, chainValues(req));
    if (req.method !== 'INVITE') return raw;
    return preverifyChain(req, options.keys).then(() => verifyRequest(raw, req, context));
  };

  const verifyRequest = (raw: string, req: SipRequest, context: StageContext): string | null => {
    const report = verifyChain(req, policy);
    const view = routeSecurityView(report, perspective(options.aor, 'self', 'request'));
    const refused = !report.ok;
    if (refused) context.reply(refusalResponse(req, options.aor, reportProblem(report, perspective(options.aor, 'peer', 'request'))!));
    options.onChecked?.({ callId: req.callId, role: 'callee', peer: partyOf(req, 'From'), status: null, view, refused, endCall: false });
    return refused ? null : raw;
  };

  const checkResponse = (raw: string, res: SipResponse): string | Promise<string> => {
    // 100 is hop-by-hop; 401/407 challenges are the auth stage's and the request is sent again.
    if (cseqMethod(res) !== 'INVITE' || res.status === 100 || res.status === 401 || res.status === 407) return raw;
    return preverifyChain(res, options.keys).then(() => verifyResponse(raw, res));
  };

  const verifyResponse = (raw: string, res: SipResponse): string => {
    const report = verifyChain(res, { ...policy, own: { node: options.aor, position: 'bottom' } });
    const callee = partyOf(res, 'To');
    const view = routeSecurityView(report, perspective(callee, 'self', 'response'));
    options.onChecked?.({ callId: res.callId, role: 'caller', peer: callee, status: res.status, view, refused: false, endCall: !report.ok && res.status < 300 });
    return raw;
  };

  return {
    name: 'Route-Security',
    outgoing(raw) {
      const msg = parseRaw(raw);
      if (!msg) return raw;
      return msg instanceof SipRequest ? addOwnEntry(raw, msg) : copyChain(raw, msg);
    },
    incoming(raw, context) {
      const msg = parseRaw(raw);
      if (!msg) return raw;
      return msg instanceof SipRequest ? checkRequest(raw, msg, context) : checkResponse(raw, msg);
    },
    reset: () => chains.clear(),
  };
}

/** `host[:port]` of the top Via: what the first proxy sees the UA as (a browser's `*.invalid` host). */
function sentBy(req: SipRequest): string {
  const top = req.getAll('Via')[0];
  if (top === undefined) throw new Error('The request has no Via');
  const via = parseVia(top);
  return joinHostPort(via.host, via.port);
}

function cseqMethod(msg: SipMessage): string | null {
  try {
    return msg.cseq.method;
  } catch {
    return null;
  }
}

/** `user@domain` of From or To. */
function partyOf(msg: SipMessage, header: 'From' | 'To'): string {
  try {
    return aorOf(parseNameAddr(msg.get(header) ?? '').uri);
  } catch {
    return 'the other side';
  }
}
