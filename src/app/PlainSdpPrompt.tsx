import { usePhone } from './store.js';

/**
 * Asked while a call is being placed to someone without a certificate (setting "Ask me first"):
 * its session description could only travel unencrypted, readable by every server on the way.
 */
export function PlainSdpPrompt() {
  const question = usePhone((s) => s.plainSdpQuestion);
  const answer = usePhone((s) => s.answerPlainSdp);
  // Once the call is hung up the question is moot (the phone counts it as no).
  const calling = usePhone((s) => s.call?.phase === 'calling');
  if (!question || !calling) return null;
  return (
    <div className="card plain-sdp-prompt" role="alertdialog" aria-label="Send unencrypted?" aria-describedby="plain-sdp-question">
      <p id="plain-sdp-question">
        No certificate could be found for {question.peer}, so this call&apos;s setup (its SDP) cannot be encrypted: every
        server on the way could read it. Send it unencrypted?
      </p>
      <div className="actions">
        <button type="button" onClick={() => answer(true)}>
          Send unencrypted
        </button>
        <button type="button" className="primary" onClick={() => answer(false)}>
          Cancel call
        </button>
      </div>
    </div>
  );
}
