import { securityText } from '../ua/auth/index.js';
import { registrationText } from './status-text.js';
import { usePhone } from './store.js';

export function StatusLine() {
  const registration = usePhone((s) => s.registration);
  const account = usePhone((s) => s.account);
  const signOut = usePhone((s) => s.signOut);
  const signedIn = registration.kind !== 'signed-out' && !(registration.kind === 'failed' && !registration.retrying);

  return (
    <div className="status-line">
      <p role="status" className={`status status-${registration.kind}`}>
        {registrationText(registration, account)}
      </p>
      {registration.kind === 'registered' && registration.kerberos && (
        <p className="kerberos-line">
          Kerberos: {registration.kerberos.principal}, ticket valid until{' '}
          {new Date(registration.kerberos.expires).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
        </p>
      )}
      {registration.kind === 'registered' &&
        registration.security?.map((p) => (
          <p key={`${p.scheme}:${p.proxy}`} className={`security-line security-${p.state}`} data-proxy={p.proxy}>
            {securityText(p)}
          </p>
        ))}
      {signedIn && (
        <button type="button" className="link" onClick={signOut}>
          Sign out
        </button>
      )}
    </div>
  );
}
