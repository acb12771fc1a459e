import { useId, useMemo, useState, type FormEvent } from 'react';
import { parseCallTarget, parseSipAddress } from '../ua/address.js';
import { DialPad } from './DialPad.js';
import { SdpReaders } from './SdpReaders.js';
import { usePhone } from './store.js';

/** "Call to" with suggestions from contacts and history, validation, and a dial pad. */
export function Dialer() {
  const dial = usePhone((s) => s.dial);
  const registered = usePhone((s) => s.registration.kind === 'registered');
  const account = usePhone((s) => s.account);
  const contacts = usePhone((s) => s.contacts);
  const history = usePhone((s) => s.history);
  const [target, setTarget] = useState('');
  const hintId = useId();
  const listId = useId();

  const ownDomain = account ? (parseSipAddress(account)?.domain ?? '') : '';
  const parsed = target.trim() === '' ? null : parseCallTarget(target, ownDomain);
  const invalid = target.trim() !== '' && parsed === null;
  const self = parsed !== null && parsed.aor === account;
  const hint = invalid
    ? 'Not a SIP address: use user@domain, or a name in your own domain'
    : self
      ? 'That is your own address'
      : parsed && parsed.aor !== target.trim()
        ? `Calls ${parsed.aor}`
        : 'A SIP address such as bob@b.keyhop.test, or a name in your own domain';

  const suggestions = useMemo(() => {
    const seen = new Set<string>();
    for (const c of contacts ?? []) seen.add(c.address);
    for (const h of history) seen.add(h.peer);
    return [...seen];
  }, [contacts, history]);
  // A plain textbox (a datalist would make it a combobox) with matching addresses offered below.
  const typed = target.trim().toLowerCase();
  const matches = typed === '' ? [] : suggestions.filter((s) => s.toLowerCase().includes(typed) && s.toLowerCase() !== typed).slice(0, 4);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (parsed && !self) dial(target);
  };

  return (
    <form className="card dialer" onSubmit={submit} aria-labelledby={`${listId}-title`}>
      <h2 id={`${listId}-title`}>Make a call</h2>
      <label>
        Call to
        <input
          type="text"
          name="target"
          inputMode="email"
          autoComplete="off"
          placeholder="bob@b.keyhop.test"
          value={target}
          aria-invalid={invalid || self}
          aria-describedby={hintId}
          onChange={(e) => setTarget(e.target.value)}
          required
        />
      </label>
      {matches.length > 0 && (
        <ul className="suggestions" aria-label="Suggestions">
          {matches.map((s) => (
            <li key={s}>
              <button type="button" className="small" aria-label={`Use ${s}`} onClick={() => setTarget(s)}>
                {s}
              </button>
            </li>
          ))}
        </ul>
      )}
      <p id={hintId} className={invalid || self ? 'hint hint-error' : 'hint'}>
        {hint}
      </p>
      <DialPad label="Dial pad" onKey={(key) => setTarget((t) => t + key)} />
      <SdpReaders />
      <button type="submit" className="primary call-button" disabled={!registered || parsed === null || self}>
        Call
      </button>
    </form>
  );
}
