import { CallSecurity } from './CallSecurity.js';
import { CallTimer } from './CallTimer.js';
import { RemoteAudio } from './RemoteAudio.js';
import { callText } from './status-text.js';
import { usePhone } from './store.js';

export function CallCard() {
  const call = usePhone((s) => s.call);
  const answer = usePhone((s) => s.answer);
  const decline = usePhone((s) => s.decline);
  const hangUp = usePhone((s) => s.hangUp);
  const toggleMute = usePhone((s) => s.toggleMute);
  const toggleHold = usePhone((s) => s.toggleHold);
  if (!call) return null;

  const established = call.phase === 'established';

  return (
    <div className={`card call call-${call.phase}`}>
      <p className="call-line">
        <span className="call-text">{callText(call)}</span>
        {established && call.establishedAt !== null && <CallTimer since={call.establishedAt} />}
      </p>
      {call.muted && <p className="muted">Your microphone is muted.</p>}
      <div className="controls">
        {call.phase === 'incoming' ? (
          <>
            <button type="button" className="primary answer" onClick={answer}>
              Answer
            </button>
            <button type="button" className="danger" onClick={decline}>
              Decline
            </button>
          </>
        ) : (
          <>
            <button type="button" onClick={toggleMute} disabled={!established}>
              {call.muted ? 'Unmute' : 'Mute'}
            </button>
            <button type="button" onClick={toggleHold} disabled={!established || call.renegotiating}>
              {call.onHold ? 'Resume' : 'Hold'}
            </button>
            <button type="button" className="danger" onClick={hangUp}>
              Hang up
            </button>
          </>
        )}
      </div>
      <RemoteAudio stream={call.remoteStream} />
      <CallSecurity />
    </div>
  );
}
