import { securityText } from '../ua/auth/status-text.js';
import { usePhone } from './store.js';

/** Who the person is to Kerberos and how each proxy authenticated them. */
export function RegistrationDetails() {
  const registration = usePhone((s) => s.registration);
  if (registration.kind !== 'registered' || (!registration.kerberos && !registration.security?.length)) return null;
  return (
    <section className="card account-security" aria-labelledby="account-security-title">
      <h2 id="account-security-title">Your connection</h2>
      {registration.kerberos && (
        <p className="kerberos-line">
          Kerberos: {registration.kerberos.principal}, ticket valid until{' '}
          {new Date(registration.kerberos.expires).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}
        </p>
      )}
      {registration.security?.map((p) => (
        <p key={`${p.scheme}:${p.proxy}`} className={`security-line security-${p.state}`} data-proxy={p.proxy}>
          {securityText(p)}
        </p>
      ))}
    </section>
  );
}
