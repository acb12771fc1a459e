/**
 * Whether an initial INVITE has failed upstream, seen from the branches a proxy forked it on
 * (RFC 3261 §16.7): a 2xx on any branch is the call's answer, so only when every branch has a
 * final response and none was a 2xx has the call failed. A fork that answers 486, or one
 * cancelled (487) after another fork answered 200, must not close the call's pinholes.
 * Branches are tracked by the forwarded request itself; bounded to `max` calls, oldest dropped.
 */
import type { SipRequest, SipResponse } from '../../sip/message.js';

interface Attempt {
  cseq: number;
  pending: Set<SipRequest>;
  answered: boolean;
}

export class InviteOutcomes {
  private readonly attempts = new Map<string, Attempt>();

  constructor(private readonly max: number) {}

  /** One copy of an initial INVITE went out on its own branch. */
  forked(fwd: SipRequest): void {
    const seq = fwd.cseq.seq;
    let a = this.attempts.get(fwd.callId);
    if (!a || a.cseq !== seq) {
      this.attempts.delete(fwd.callId);
      a = { cseq: seq, pending: new Set(), answered: false };
      this.attempts.set(fwd.callId, a);
      if (this.attempts.size > this.max) this.attempts.delete(this.attempts.keys().next().value!);
    }
    a.pending.add(fwd);
  }

  /**
   * A final response `res` on the branch that carried `fwd`: true when it was the last branch
   * to end and none answered 2xx, i.e. the caller is about to get a failure.
   */
  final(res: SipResponse, fwd: SipRequest): boolean {
    const a = this.attempts.get(res.callId);
    if (!a || a.cseq !== res.cseq.seq || !a.pending.delete(fwd)) return false;
    if (res.status < 300) a.answered = true;
    if (a.pending.size > 0) return false;
    this.attempts.delete(res.callId);
    return !a.answered;
  }

  /** The call ended otherwise (CANCEL, BYE, a failure answered here): forget it. */
  forget(callId: string): void {
    this.attempts.delete(callId);
  }
}
