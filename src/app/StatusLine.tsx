import { registrationText } from './status-text.js';
import { usePhone } from './store.js';

/** The registration state, always visible: the page's one `status` region. */
export function StatusLine() {
  const registration = usePhone((s) => s.registration);
  const account = usePhone((s) => s.account);
  const signOut = usePhone((s) => s.signOut);
  const signedIn = registration.kind !== 'signed-out' && !(registration.kind === 'failed' && !registration.retrying);

  return (
    <div className="status-line">
      <p role="status" className={`status status-${registration.kind}${registration.kind === 'failed' && registration.retrying ? ' status-retrying' : ''}`}>
        <span className="status-dot" aria-hidden="true" />
        {registrationText(registration, account)}
      </p>
      {signedIn && (
        <button type="button" className="link" onClick={signOut}>
          Sign out
        </button>
      )}
    </div>
  );
}
