/**
 * Route-Security at a proxy (seeds 001/002, spec §3.4 steps 55–59, §3.5 rules 4 and 7, R22, R24,
 * R26): on every request that crosses the proxy (ACK, BYE and re-INVITE included) it checks the top
 * entry against the link the request really arrived on and the signatures of the chain, records a
 * previous hop that added no entry with an unattested level-0 entry, and adds its own signed entry
 * for the link it sends on. On every response it checks that its own entry is where it put it, and
 * forwards the chain unchanged. Responses it makes itself carry the request's chain.
 *
 * Strict mode refuses what fails (403 on a request, 502 for a final response); lenient mode says
 * what failed in a `Warning` and forwards. The pure checks are in src/hopsec.
 */
import {
  chainValues,
  checkOwnEntry,
  checkTopEntry,
  copyChain,
  HEADER,
  insertUnattested,
  verifyChain,
  type FailureReason,
  type ParsedEntry,
  type TopEntryFailure,
} from '../../hopsec/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../sip/message.js';
import { createResponse, randomToken } from '../../sip/response.js';
import type { Logger } from '../log.js';
import type { Flow } from '../transport/flow.js';
import type { ProxyExtension } from './extension.js';
import type { EntryCrypto } from './route-security-crypto.js';
import { flowLevel, localAddr, remoteAddr, viaSentBy } from './route-security-link.js';

/** Reason phrase of a strict proxy's refusal; the `Warning` says which check failed. */
export const ROUTE_SECURITY_REFUSAL = 'Route-Security Check Failed';

/**
 * The one answer for a denied, offline or unknown callee (seeds 001/002 R10) carries no chain: the
 * chain would tell which proxy made it, and so whether the callee exists.
 */
const UNAVAILABLE = 480;

export interface RouteSecurityOptions {
  /** This proxy's domain: the node name of its entries. */
  domain: string;
  mode: 'strict' | 'lenient';
  /** Signs with the proxy's certificate key; verifies with the certificates of the deployment's proxies. */
  crypto: EntryCrypto;
  /** Whether every message on the flow is signed (an MS-SIPAE security association is bound to it). */
  isSigned: (flow: Flow) => boolean;
  /** Test switch `faults.lieAboutLevel`: sign the real level, write level 3. */
  lieAboutLevel?: boolean;
  /** Test switch `faults.stripEntryBelow`: delete the entry below our own once it is added. */
  stripEntryBelow?: boolean;
  log: Logger;
}

interface Problem {
  reason: TopEntryFailure | FailureReason;
  detail: string;
}

export function routeSecurityExtension(o: RouteSecurityOptions): ProxyExtension {
  /** The sent-by a user agent named itself by when it first spoke on the connection (seed R21 self-id). */
  const boundSentBy = new WeakMap<Flow, string>();
  /** Our entry's position (`n`) in each request we forwarded, checked on its responses. */
  const ownPosition = new WeakMap<SipRequest, number>();

  const bindSentBy = (flow: Flow, req: SipRequest): string | undefined => {
    const bound = boundSentBy.get(flow);
    if (bound !== undefined) return bound;
    const sentBy = viaSentBy(req);
    if (sentBy !== undefined) boundSentBy.set(flow, sentBy);
    return sentBy;
  };

  /** Who sent the request to us and from which address, as far as the link tells. */
  const previousHop = (flow: Flow, req: SipRequest): { addr: string; node?: string } => {
    switch (flow.peer.kind) {
      case 'user':
        return { addr: bindSentBy(flow, req) ?? remoteAddr(flow), ...(flow.identity !== null ? { node: flow.identity } : {}) };
      case 'proxy':
        return { addr: remoteAddr(flow), node: flow.peer.domain };
      case 'trusted':
        return { addr: remoteAddr(flow) };
    }
  };

  const warn = (msg: SipMessage, p: Problem, about: string): void => {
    o.log.info(`Route-Security ${about}: ${p.reason} (${p.detail})`);
    msg.append('Warning', warning(o.domain, p));
  };

  return {
    onRegistered(req, _res, _identity, flow) {
      bindSentBy(flow, req);
    },

    onRequest(req, inbound) {
      const hop = previousHop(inbound, req);
      const top = checkTopEntry(req, {
        expectedAddr: hop.addr,
        realLevel: flowLevel(inbound, o.isSigned(inbound)),
        realTransport: inbound.transport,
        ...(hop.node !== undefined ? { expectedNode: hop.node } : {}),
      });
      let problem: Problem | undefined = top.ok ? integrityProblem(req, top.entry, o.crypto) : { reason: top.reason, detail: top.detail };
      if (problem === undefined) return null;
      const about = `${req.method} ${req.callId} from ${hop.node ?? hop.addr}`;
      if (o.mode === 'strict') {
        o.log.info(`Route-Security refuses ${about}: ${problem.reason} (${problem.detail})`);
        const refusal = createResponse(req, 403, ROUTE_SECURITY_REFUSAL, randomToken(6));
        refusal.append('Warning', warning(o.domain, problem));
        return refusal;
      }
      warn(req, problem, about);
      if (problem.reason === 'missing' || problem.reason === 'wrong-address') {
        try {
          insertUnattested(req, { addr: hop.addr, transport: inbound.transport, ...(hop.node !== undefined ? { node: hop.node } : {}) });
        } catch (e) {
          problem = { reason: 'malformed', detail: (e as Error).message };
          warn(req, problem, about);
        }
      }
      return null;
    },

    beforeForward(fwd, outbound) {
      const level = flowLevel(outbound, o.isSigned(outbound));
      let entry;
      try {
        entry = o.crypto.addSigned(fwd, { node: o.domain, addr: localAddr(outbound), level, transport: outbound.transport });
      } catch (e) {
        warn(fwd, { reason: 'malformed', detail: `cannot add ${o.domain}'s entry: ${(e as Error).message}` }, `${fwd.method} ${fwd.callId}`);
        return;
      }
      if (o.lieAboutLevel && entry.level < 3) {
        fwd.shift(HEADER);
        fwd.prepend(HEADER, entry.raw.replace(`;level=${entry.level};`, ';level=3;'));
      }
      if (o.stripEntryBelow) {
        const [own, , ...rest] = chainValues(fwd);
        fwd.remove(HEADER);
        for (const v of [own!, ...rest]) fwd.append(HEADER, v);
      }
      ownPosition.set(fwd, entry.n);
    },

    onResponse(res, forwarded) {
      const position = ownPosition.get(forwarded);
      if (position === undefined) return;
      const own = checkOwnEntry(res, { node: o.domain, position });
      // An error response need not carry the chain: the answer for a denied, offline or unknown callee never does.
      if (own.ok || (own.reason === 'missing' && res.status >= 300)) return;
      const problem = { reason: own.reason, detail: own.detail };
      if (o.mode === 'strict' && res.status >= 200) {
        o.log.info(`Route-Security turns ${res.status} to ${res.cseq.method} ${res.callId} into 502: ${problem.reason} (${problem.detail})`);
        res.status = 502;
        res.reason = ROUTE_SECURITY_REFUSAL;
        res.setBody('');
        res.append('Warning', warning(o.domain, problem));
        return;
      }
      warn(res, problem, `${res.status} to ${res.cseq.method} ${res.callId}`);
    },

    onLocalResponse(res: SipResponse, req: SipRequest) {
      if (res.status !== UNAVAILABLE && !res.has(HEADER)) copyChain(req, res);
    },
  };
}

/**
 * Once the top entry is known to be the previous hop's: the chain still fits together (nothing
 * removed, inserted, reordered or rewritten, every entry made for this request) and the previous
 * hop's signature holds. Each proxy checks the signature of the hop before it, so along a path of
 * Keyhop proxies every signature is checked once (seed 001 simplified mode, spec §3.5 rule 6); the
 * user agents verify them all. Unattested hops and low levels are theirs to judge, not the proxy's.
 */
function integrityProblem(req: SipRequest, top: ParsedEntry, crypto: EntryCrypto): Problem | undefined {
  const structure = verifyChain(req, { keys: () => undefined, minLevel: 0, allowUnattested: true }).failures.find((f) => f.reason !== 'unknown-signer');
  if (structure) return { reason: structure.reason, detail: structure.detail };
  if (top.sig === undefined) return undefined;
  const valid = crypto.verifies(req, top);
  if (valid === undefined) return { reason: 'unknown-signer', detail: `no certificate of ${top.node} is known here` };
  return valid ? undefined : { reason: 'bad-signature', detail: `signature of ${top.node} does not verify` };
}

/** `399 <domain> "Route-Security: <reason> (<detail>)"` (RFC 3261 §20.43, code 399: miscellaneous). */
function warning(domain: string, p: Problem): string {
  const text = `Route-Security: ${p.reason} (${p.detail})`.replace(/["\\]/g, "'");
  return `399 ${domain} "${text}"`;
}
