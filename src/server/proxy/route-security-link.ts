/**
 * What a proxy really knows about a link, for its Route-Security entries (spec §3.5 rules 2 and
 * 4(b)–(c)): the level from the transport, the peer's authentication and message signing, and the
 * addresses each end of the link goes by.
 */
import { isSecureTransport, joinHostPort, linkLevel, type Level } from '../../hopsec/index.js';
import { parseVia } from '../../sip/via.js';
import type { SipRequest } from '../../sip/message.js';
import type { Flow } from '../transport/flow.js';

/**
 * The real level of a flow: a proxy peer proved itself with its certificate over mutual TLS, a user
 * agent once its identity is bound to the connection (Digest or Kerberos); a trusted peer never.
 * TLS (and WSS) give integrity and confidentiality; MS-SIPAE signatures give integrity only.
 */
export function flowLevel(flow: Flow, signed: boolean): Level {
  const secure = isSecureTransport(flow.transport);
  return linkLevel({
    peerAuthenticated: flow.peer.kind === 'proxy' || (flow.peer.kind === 'user' && flow.identity !== null),
    integrity: secure || signed,
    confidentiality: secure,
  });
}

/** The address this proxy sends from on `flow`, as the node at the other end sees it. */
export function localAddr(flow: Flow): string {
  return joinHostPort(flow.local.address, flow.local.port);
}

/** The address the node at the other end of `flow` sends from, as this proxy sees it. */
export function remoteAddr(flow: Flow): string {
  return joinHostPort(flow.remote.address, flow.remote.port);
}

/**
 * The `host[:port]` a user agent names itself by: the sent-by of its Via. A browser cannot know the
 * address its connection comes from, so it uses the `*.invalid` host its Via carries (seed R21).
 */
export function viaSentBy(req: SipRequest): string | undefined {
  const top = req.getAll('Via')[0];
  if (top === undefined) return undefined;
  try {
    const via = parseVia(top);
    return joinHostPort(via.host, via.port);
  } catch {
    return undefined;
  }
}
