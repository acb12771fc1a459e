/**
 * What the Phone does with each checked chain: shows it on the call it belongs to (by Call-ID),
 * keeps an incoming INVITE's verdict until JsSIP has made the call, and ends a call whose answer
 * failed (seed 001 §3.4 step 60, R25: the caller "may abort the session").
 */
import type { Call } from '../call.js';
import { isCallOver, type RouteSecurityView } from '../states.js';
import type { ChainChecked } from './stage.js';

/** Incoming INVITEs whose call has not been made yet; only the latest few matter. */
const PENDING = 8;

/** A call this phone refused because its route failed the person's minimum; it never rang. */
export interface RefusedCall {
  readonly peer: string;
  /** What the person is told, e.g. "A call from alice@a.keyhop.test was refused: …". */
  readonly text: string;
}

export class RouteSecurityCalls {
  readonly #calls: () => Iterable<Call>;
  readonly #refused: (refused: RefusedCall) => void;
  readonly #pending = new Map<string, RouteSecurityView>();

  constructor(calls: () => Iterable<Call>, refused: (refused: RefusedCall) => void = () => undefined) {
    this.#calls = calls;
    this.#refused = refused;
  }

  onChecked(c: ChainChecked): void {
    const call = this.#find(c.callId);
    if (!call) {
      if (c.refused) this.#refused({ peer: c.peer, text: `A call from ${c.peer} was refused: ${c.view.problem ?? 'its route failed the security check'}` });
      else if (c.role === 'callee') {
        this.#pending.set(c.callId, c.view);
        if (this.#pending.size > PENDING) this.#pending.delete(this.#pending.keys().next().value!);
      }
      return;
    }
    // A request from the other side in the call (a re-INVITE) runs the path the other way round:
    // it replaces the view only to show a problem.
    const sameWay = (c.role === 'caller') === (call.snapshot.direction === 'outgoing');
    if (sameWay || !c.view.ok) call.setRouteSecurity(c.view);
    if (c.endCall) endCall(call, c.view.problem ?? 'The call route failed its security check', c.status);
  }

  /** A new incoming call: shows the verdict on its INVITE. */
  adopt(call: Call, callId: string): void {
    const view = this.#pending.get(callId);
    this.#pending.delete(callId);
    if (view) call.setRouteSecurity(view);
  }

  #find(callId: string): Call | undefined {
    for (const call of this.#calls()) if (!call.isOver && call.id.startsWith(callId)) return call;
    return undefined;
  }
}

/**
 * Ends the call with `reason`. A failed 2xx is first left to JsSIP, which acknowledges it; the
 * call then ends with BYE once up. (Cancelling instead would leave the callee waiting for an ACK.)
 */
function endCall(call: Call, reason: string, status: number | null): void {
  const answered = status !== null && status >= 200 && status < 300;
  if (!answered || call.snapshot.phase === 'established') {
    call.failSecurity(reason);
    return;
  }
  const off = call.on('change', (s) => {
    if (s.phase === 'established') {
      off();
      call.failSecurity(reason);
    } else if (isCallOver(s.phase)) {
      off();
    }
  });
}
