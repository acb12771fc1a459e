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
