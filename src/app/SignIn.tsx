import { useState, type FormEvent } from 'react';
import { usePhone } from './store.js';

const REMEMBERED = 'keyhop.address';

function rememberedAddress(): string {
  try {
    return window.localStorage.getItem(REMEMBERED) ?? '';
  } catch {
    return '';
  }
}

export function SignIn() {
  const signIn = usePhone((s) => s.signIn);
  const error = usePhone((s) => s.signInError);
  const [address, setAddress] = useState(rememberedAddress);
  const [password, setPassword] = useState('');
  const [webSocketUrl, setWebSocketUrl] = useState('');

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    try {
      window.localStorage.setItem(REMEMBERED, address.trim());
    } catch {
      // Storage may be unavailable; remembering is only a convenience.
    }
    signIn({ address, password, webSocketUrl });
  };

  return (
    <form className="card sign-in" onSubmit={submit} aria-label="Sign in">
      <label>
        SIP address
        <input
          type="text"
          name="address"
          autoComplete="username"
          inputMode="email"
          placeholder="alice@a.keyhop.test"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          required
        />
      </label>
      <label>
        Password
        <input
          type="password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
      </label>
      <details className="advanced">
        <summary>Advanced</summary>
        <label>
          WebSocket URL
          <input
            type="url"
            name="ws"
            placeholder="Derived from this page (ws://…/sip/<domain>)"
            value={webSocketUrl}
            onChange={(e) => setWebSocketUrl(e.target.value)}
          />
        </label>
      </details>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        Sign in
      </button>
    </form>
  );
}
