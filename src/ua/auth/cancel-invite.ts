/**
 * Sends the CANCEL for an outgoing INVITE that has had no provisional response JsSIP accepted.
 *
 * When the plugin drops a forged or unsigned 18x, JsSIP's RTCSession is still in
 * STATUS_INVITE_SENT; `terminate()` then only marks the session cancelled and waits for a
 * provisional response that will not come. The INVITE client transaction, though, is already in
 * Proceeding (the proxy's 100 Trying went through), so the CANCEL can go now:
 * `RTCSession._request` is JsSIP's InitialOutgoingInviteRequest, whose `cancel(reason)` asks its
 * transaction to send it (sent only in Proceeding, so it is harmless otherwise). Pinned by
 * `src/ua/jssip-contract.test.ts`.
 */
export function cancelUnansweredInvite(session: object, reason = 'SIP ;cause=487 ;text="Security check failed"'): void {
  const request = (session as { _request?: { cancel?: (reason?: string) => void } })._request;
  if (typeof request?.cancel !== 'function') return;
  try {
    request.cancel(reason);
  } catch {
    // No transaction (the INVITE was never sent): nothing to cancel.
  }
}

/**
 * Makes a cancelled outgoing session ACK and then BYE an answer that crosses its CANCEL
 * (RFC 3261 §9.1, §15). JsSIP's `terminate()` after a provisional response sends the CANCEL and
 * closes the session without marking it cancelled, so it ignores a 2xx the callee sent before the
 * CANCEL reached it: the callee, which has answered, then keeps the call up until its 64·T1 wait
 * for the ACK runs out. With `_is_canceled` set, `RTCSession._receiveInviteResponse` answers such a
 * 2xx with ACK and BYE (`_acceptAndTerminate`). Pinned by `src/ua/jssip-contract.test.ts`.
 */
export function byeLateAnswer(session: object): void {
  (session as { _is_canceled?: boolean })._is_canceled = true;
}
