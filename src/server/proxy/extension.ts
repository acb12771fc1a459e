/**
 * Hooks through which features beyond RFC 3261 proxying (Route-Security, certificates at
 * REGISTER, SDP reader pinholes) take part in a proxy's work without the core knowing them.
 * Each hook is optional; extensions run in the order they were given, all synchronously except
 * `onRegistered`, which the proxy awaits before it answers the REGISTER.
 */
import type { SipRequest, SipResponse } from '../../sip/message.js';
import type { Flow } from '../transport/flow.js';

export interface ProxyExtension {
  /**
   * A request that passed authentication and the identity check, before routing (ACK included,
   * CANCEL not). Return a response to refuse it (never for ACK), or null to go on.
   */
  onRequest?(req: SipRequest, inbound: Flow, caller: string): SipResponse | null;
  /**
   * A request to a user of this domain that the connection policy allows: return a response to
   * answer it here (e.g. a certificate lookup), or null to route it to the user's devices.
   */
  answerFor?(req: SipRequest, callee: string, caller: string): SipResponse | null;
  /** One copy of a request, about to go out on `outbound` with this proxy's Via on top. */
  beforeForward?(fwd: SipRequest, outbound: Flow, inbound: Flow, received: SipRequest): void;
  /**
   * A response from downstream to the forwarded request `forwarded`, this proxy's Via already
   * removed, before it goes upstream. Change it in place, or return a replacement.
   */
  onResponse?(res: SipResponse, forwarded: SipRequest): SipResponse | void;
  /** A response this proxy makes itself to `req` (errors, 100 Trying, OPTIONS answers), before it is sent. */
  onLocalResponse?(res: SipResponse, req: SipRequest): void;
  /** A REGISTER the registrar accepted (`res` is its 200): add to the answer, or end state on de-registration. */
  onRegistered?(req: SipRequest, res: SipResponse, identity: string, flow: Flow): void | Promise<void>;
}
