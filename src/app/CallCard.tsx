import { useEffect, useRef, useState } from 'react';
import type { CallSnapshot } from '../ua/states.js';
import { CallQualityPanel } from './CallQualityPanel.js';
import { CallSecurity } from './CallSecurity.js';
import { CallTimer } from './CallTimer.js';
import { DialPad } from './DialPad.js';
import { Devices } from './Devices.js';
import { RemoteAudio } from './RemoteAudio.js';
import { SdpReaders } from './SdpReaders.js';
import { SecurityBadge } from './SecurityBadge.js';
import { callText } from './status-text.js';
import { usePhone } from './store.js';

function identityText(call: CallSnapshot): { text: string; verified: boolean } {
  const signature = call.sdp?.peerSignature ?? 'none';
  if (signature === 'verified') return { text: `Identity verified: ${call.peer} signed this call`, verified: true };
  if (signature === 'failed') return { text: `Identity check failed: this may not be ${call.peer}`, verified: false };
  const proxy = call.routeSecurity?.hops.find((h) => h.signature === 'verified');
  if (proxy) return { text: `Vouched for by ${proxy.node}; not signed by the caller`, verified: false };
  return { text: 'Identity not verified', verified: false };
}

/** The current call: who, its state, its controls, its security and quality. */
export function CallCard() {
  const call = usePhone((s) => s.call);
  const answer = usePhone((s) => s.answer);
  const decline = usePhone((s) => s.decline);
  const hangUp = usePhone((s) => s.hangUp);
  const toggleMute = usePhone((s) => s.toggleMute);
  const toggleHold = usePhone((s) => s.toggleHold);
  const sendTone = usePhone((s) => s.sendTone);
  const sentTones = usePhone((s) => s.sentTones);
  const outputDevice = usePhone((s) => s.outputDevice);
  const [keypad, setKeypad] = useState(false);
  const answerRef = useRef<HTMLButtonElement>(null);
  const incoming = call?.phase === 'incoming';

  useEffect(() => {
    // An incoming call takes the focus, so Enter answers it.
    if (incoming) answerRef.current?.focus();
  }, [incoming]);

  if (!call) return null;
  const established = call.phase === 'established';
  const identity = identityText(call);
  const name = call.peerName ?? call.peer;

  return (
    <article className={`card call call-${call.phase}`} aria-labelledby="call-title">
      <div className="call-head">
        <span className="avatar avatar-large" aria-hidden="true">
          {name.charAt(0).toUpperCase()}
        </span>
        <div className="call-who">
          <h2 id="call-title" className="call-peer">
            {/* Long addresses wrap after the "@" rather than inside a word. */}
            {name.includes('@') ? (
              <>
                {name.slice(0, name.indexOf('@'))}
                <wbr />
                {name.slice(name.indexOf('@'))}
              </>
            ) : (
              name
            )}
          </h2>
          <p className="call-text">{callText(call)}</p>
          {incoming && <p className={identity.verified ? 'identity identity-verified' : 'identity'}>{identity.text}</p>}
        </div>
        <span className="call-clock">{established && call.establishedAt !== null ? <CallTimer since={call.establishedAt} /> : null}</span>
      </div>
      <SecurityBadge call={call} />
      {call.muted && <p className="hint">Your microphone is muted.</p>}
      <div className="controls">
        {incoming ? (
          <>
            <button ref={answerRef} type="button" className="primary answer" onClick={answer}>
              Answer
            </button>
            <button type="button" className="danger" onClick={decline}>
              Decline
            </button>
          </>
        ) : (
          <>
            <button type="button" onClick={toggleMute} disabled={!established} aria-pressed={call.muted}>
              {call.muted ? 'Unmute' : 'Mute'}
            </button>
            <button type="button" onClick={toggleHold} disabled={!established || call.renegotiating} aria-pressed={call.onHold}>
              {call.onHold ? 'Resume' : 'Hold'}
            </button>
            <button type="button" onClick={() => setKeypad((k) => !k)} disabled={!established} aria-expanded={keypad}>
              Keypad
            </button>
            <button type="button" className="danger" onClick={hangUp}>
              Hang up
            </button>
          </>
        )}
      </div>
      {established && keypad && (
        <div className="in-call-keypad">
          <DialPad label="Keypad" onKey={sendTone} />
          <p className="hint" aria-live="polite">
            {sentTones ? `Sent: ${sentTones}` : 'Tones go to the other party as you press.'}
          </p>
        </div>
      )}
      {!incoming && <CallQualityPanel />}
      {!incoming && <Devices />}
      <RemoteAudio stream={call.remoteStream} sinkId={outputDevice} />
      <CallSecurity call={call} />
      {/* The reader choice stays in view, fixed while a call is up; it applies to the next call placed. */}
      <fieldset className="readers-locked" disabled>
        <SdpReaders />
      </fieldset>
    </article>
  );
}
