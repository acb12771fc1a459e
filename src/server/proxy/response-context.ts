/**
 * The response context of one proxied request (RFC 3261 §16.7): forwards provisionals and 2xx at
 * once, cancels the other forks after a 2xx or 6xx, and otherwise waits for every branch and
 * sends the best final response (§16.7 step 6).
 */
import type { SipRequest, SipResponse } from '../../sip/message.js';
import { createResponse, randomToken } from '../../sip/response.js';
import type { Flow } from '../transport/flow.js';
import { Branch, type BranchOwner, type BranchTimers } from './branch.js';

export class ResponseContext implements BranchOwner {
  readonly branches: Branch[] = [];
  finalSent = false;
  lastResponse: SipResponse | null = null;
  /** Called on each response just before it goes upstream (the Kerberos signature). */
  beforeSend: ((res: SipResponse) => void) | null = null;
  private cancelled = false;
  private readonly unwatch: () => void;

  constructor(
    /** The request as received (before our changes); its Vias address responses upstream. */
    readonly request: SipRequest,
    /** Null for ACK, which is forwarded without a transaction. */
    readonly upstream: Flow | null,
    private readonly timers: BranchTimers,
    private readonly onDone: (ctx: ResponseContext) => void,
  ) {
    this.unwatch = upstream ? upstream.onClose(() => this.cancel()) : () => {};
  }

  get isInvite(): boolean {
    return this.request.method === 'INVITE';
  }

  addBranch(id: string, forwarded: SipRequest): Branch {
    const b = new Branch(id, forwarded, this, this.timers);
    this.branches.push(b);
    return b;
  }

  /** Sends a response upstream on the flow the request came in on. */
  respond(res: SipResponse): void {
    if (this.finalSent && !(this.isInvite && res.status >= 200 && res.status < 300)) return;
    this.lastResponse = res;
    if (res.status >= 200) this.finalSent = true;
    if (this.upstream) {
      this.beforeSend?.(res);
      this.upstream.send(res);
    }
    if (res.status >= 200) this.onDone(this);
  }

  /** CANCEL from upstream (§16.10), or the caller's connection went away. */
  cancel(): void {
    if (this.cancelled || this.finalSent) return;
    this.cancelled = true;
    for (const b of this.branches) b.cancel();
    if (this.branches.length === 0) this.respond(localReply(this.request, 487));
  }

  get wasCancelled(): boolean {
    return this.cancelled;
  }

  onBranchProvisional(_b: Branch, res: SipResponse): void {
    if (!this.finalSent) this.respond(res);
  }

  onBranchFinal(b: Branch, res: SipResponse): void {
    if (res.status < 300) {
      this.respond(res);
      for (const other of this.branches) if (other !== b) other.cancel();
      return;
    }
    if (res.status >= 600) for (const other of this.branches) if (other !== b) other.cancel();
    if (!this.finalSent && this.branches.every((x) => x.final)) this.respond(bestResponse(this.branches.map((x) => x.final!)));
  }

  dispose(): void {
    this.unwatch();
    for (const b of this.branches) b.dispose();
  }
}

/** §16.7 step 6: a 6xx if there is one, otherwise the lowest class; a chosen 503 becomes 500. */
export function bestResponse(finals: SipResponse[]): SipResponse {
  const six = finals.find((r) => r.status >= 600);
  let best = six ?? finals.reduce((a, r) => (Math.floor(r.status / 100) < Math.floor(a.status / 100) ? r : a));
  if (best.status === 503) {
    best = best.clone();
    best.status = 500;
    best.reason = 'Server Internal Error';
  }
  return best;
}

function localReply(req: SipRequest, status: number): SipResponse {
  return createResponse(req, status, undefined, randomToken(6));
}
