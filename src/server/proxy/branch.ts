/**
 * One client transaction of a proxied request (RFC 3261 §17.1 over reliable transports, §16.7-16.8):
 * Timer B/F when nothing answers, Timer C for unanswered INVITEs, hop-by-hop ACK for non-2xx finals,
 * and CANCEL once it is allowed (after a provisional response, §9.1).
 */
import { SipRequest, type SipResponse } from '../../sip/message.js';
import { createResponse } from '../../sip/response.js';
import type { Flow } from '../transport/flow.js';

export interface BranchTimers {
  transactionMs: number;
  inviteMs: number;
}

export interface BranchOwner {
  onBranchProvisional(b: Branch, res: SipResponse): void;
  onBranchFinal(b: Branch, res: SipResponse): void;
}

export class Branch {
  flow: Flow | null = null;
  provisional = false;
  final: SipResponse | null = null;
  private cancelWanted = false;
  private cancelSent = false;
  private timedOut = false;
  private timerB: ReturnType<typeof setTimeout> | undefined;
  private timerC: ReturnType<typeof setTimeout> | undefined;
  private unwatch: () => void = () => {};

  constructor(
    readonly id: string,
    /** The request as forwarded, our Via on top. */
    readonly request: SipRequest,
    private readonly owner: BranchOwner,
    private readonly timers: BranchTimers,
  ) {}

  get isInvite(): boolean {
    return this.request.method === 'INVITE';
  }

  /** The request went out on `flow`; start the timers. */
  sent(flow: Flow): void {
    this.flow = flow;
    this.timerB = setTimeout(() => this.fail(408, 'Request Timeout'), this.timers.transactionMs);
    if (this.isInvite) this.armTimerC();
    this.unwatch = flow.onClose(() => {
      if (!this.final) this.fail(this.provisional ? 503 : 408, this.provisional ? 'Service Unavailable' : 'Request Timeout');
    });
  }

  /** The request could not be sent at all. */
  unreachable(reason: string): void {
    this.fail(503, reason);
  }

  onResponse(res: SipResponse): void {
    if (res.cseq.method === 'CANCEL') return;
    clearTimeout(this.timerB);
    if (res.status < 200) {
      if (this.final) return;
      this.provisional = true;
      if (this.isInvite && res.status > 100) this.armTimerC();
      if (this.cancelWanted) this.sendCancel();
      if (res.status > 100) this.owner.onBranchProvisional(this, res);
      return;
    }
    if (this.isInvite && res.status >= 300) this.sendAck(res);
    if (this.final && !(this.isInvite && res.status < 300)) return;
    this.settle(this.timedOut && res.status === 487 ? timeoutFor(this.request, res) : res);
  }

  /** Asks the branch to end: CANCEL now if a provisional arrived, otherwise as soon as one does. */
  cancel(): void {
    if (this.final || !this.isInvite) return;
    this.cancelWanted = true;
    if (this.provisional) this.sendCancel();
  }

  dispose(): void {
    clearTimeout(this.timerB);
    clearTimeout(this.timerC);
    this.unwatch();
  }

  private armTimerC(): void {
    clearTimeout(this.timerC);
    this.timerC = setTimeout(() => {
      if (this.final) return;
      this.timedOut = true;
      if (this.provisional) this.cancel();
      else this.fail(408, 'Request Timeout');
    }, this.timers.inviteMs);
  }

  private fail(status: number, reason: string): void {
    if (this.final) return;
    this.settle(localResponse(this.request, status, reason));
  }

  private settle(res: SipResponse): void {
    const first = !this.final;
    this.final ??= res;
    if (res.status >= 200) {
      clearTimeout(this.timerB);
      clearTimeout(this.timerC);
    }
    if (first || (this.isInvite && res.status < 300)) this.owner.onBranchFinal(this, res);
  }

  private sendCancel(): void {
    if (this.cancelSent || !this.flow) return;
    this.cancelSent = true;
    this.flow.send(this.derived('CANCEL', this.request.get('To') ?? ''));
    // A cancelled branch that never sends its final response is given up after 64×T1 (§9.1).
    clearTimeout(this.timerB);
    this.timerB = setTimeout(() => (this.timedOut ? this.fail(408, 'Request Timeout') : this.fail(487, 'Request Terminated')), this.timers.transactionMs);
  }

  private sendAck(res: SipResponse): void {
    this.flow?.send(this.derived('ACK', res.get('To') ?? ''));
  }

  /** CANCEL and non-2xx ACK: same Request-URI, top Via, Route, From and Call-ID as the request (§9.1, §17.1.1.3). */
  private derived(method: 'CANCEL' | 'ACK', to: string): SipRequest {
    const r = new SipRequest(method, this.request.uri);
    r.append('Via', this.request.getAll('Via')[0]!);
    for (const route of this.request.getAll('Route')) r.append('Route', route);
    r.append('Max-Forwards', '70');
    r.append('From', this.request.get('From')!);
    r.append('To', to);
    r.append('Call-ID', this.request.callId);
    r.append('CSeq', `${this.request.cseq.seq} ${method}`);
    return r;
  }
}

/** A branch cancelled because Timer C fired reports 408, not the 487 its CANCEL produced. */
function timeoutFor(req: SipRequest, res: SipResponse): SipResponse {
  const r = localResponse(req, 408, 'Request Timeout');
  r.set('To', res.get('To') ?? r.get('To')!);
  return r;
}

/** A response the proxy makes up for a branch: addressed upstream, so without the proxy's own Via. */
function localResponse(req: SipRequest, status: number, reason: string): SipResponse {
  const r = createResponse(req, status, reason);
  r.shift('Via');
  return r;
}
