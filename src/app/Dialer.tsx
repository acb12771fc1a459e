import { useState, type FormEvent } from 'react';
import { usePhone } from './store.js';

export function Dialer() {
  const dial = usePhone((s) => s.dial);
  const registered = usePhone((s) => s.registration.kind === 'registered');
  const [target, setTarget] = useState('');

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    dial(target);
  };

  return (
    <form className="card dialer" onSubmit={submit}>
      <label>
        Call to
        <input
          type="text"
          name="target"
          inputMode="email"
          placeholder="bob@b.keyhop.test"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          required
        />
      </label>
      <button type="submit" className="primary call-button" disabled={!registered || target.trim() === ''}>
        Call
      </button>
    </form>
  );
}
