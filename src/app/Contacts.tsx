import { usePhone } from './store.js';

/** The people the server's policy lets this user call. */
export function Contacts() {
  const contacts = usePhone((s) => s.contacts);
  const error = usePhone((s) => s.contactsError);
  const dial = usePhone((s) => s.dial);
  const busy = usePhone((s) => s.call !== null || s.registration.kind !== 'registered');
  const reload = usePhone((s) => s.loadContacts);

  return (
    <section className="card contacts" aria-labelledby="contacts-title">
      <h2 id="contacts-title">Contacts</h2>
      {error && (
        <p className="hint hint-error">
          {error}{' '}
          <button type="button" className="link" onClick={() => void reload()}>
            Try again
          </button>
        </p>
      )}
      {contacts === null && !error && <p className="hint">Loading…</p>}
      {contacts?.length === 0 && <p className="hint">Nobody you may call is listed.</p>}
      {contacts && contacts.length > 0 && (
        <ul className="people" aria-label="People you may call">
          {contacts.map((c) => (
            <li key={c.address} className="person">
              <span className="avatar" aria-hidden="true">
                {c.address.charAt(0).toUpperCase()}
              </span>
              <span className="person-name">{c.address}</span>
              <button type="button" className="small" aria-label={`Call ${c.address}`} disabled={busy} onClick={() => dial(c.address)}>
                Call
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
