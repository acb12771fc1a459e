import { useId, useState, type FormEvent } from 'react';
import { parseSipAddress } from '../ua/address.js';
import { webSocketUrlFor, type CallSecuritySettings } from '../ua/config.js';
import { usePhone } from './store.js';

const HOP_LEVELS: ReadonlyArray<{ value: CallSecuritySettings['minHopLevel']; label: string }> = [
  { value: 0, label: '0 — none' },
  { value: 1, label: '1 — authenticated' },
  { value: 2, label: '2 — integrity' },
  { value: 3, label: '3 — confidentiality' },
];

export function SignIn() {
  const signIn = usePhone((s) => s.signIn);
  const error = usePhone((s) => s.signInError);
  const saved = usePhone((s) => s.saved);
  const knownProxies = usePhone((s) => s.knownProxies);
  const [address, setAddress] = useState(saved.address);
  const [password, setPassword] = useState('');
  const [webSocketUrl, setWebSocketUrl] = useState(saved.webSocketUrl);
  const [realm, setRealm] = useState(saved.realm);
  const [kdcProxy, setKdcProxy] = useState(saved.kdcProxy);
  const [minHopLevel, setMinHopLevel] = useState(saved.security.minHopLevel);
  const [sdpReaders, setSdpReaders] = useState<readonly string[]>(saved.security.sdpReaders);
  const [withoutCertificate, setWithoutCertificate] = useState(saved.security.withoutCertificate);
  const errorId = useId();
  const serverRealm = usePhone((s) => s.serverRealm);
  // What an empty WebSocket URL means: the page's own server, for the typed address's domain.
  const domain = parseSipAddress(address)?.domain;
  const derivedUrl = domain && /^https?:$/.test(window.location.protocol) ? webSocketUrlFor(window.location.origin, domain) : 'Derived from this page (ws://…/sip/<domain>)';

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    // Asked while the person is acting, so the browser may show the prompt: calls that ring in a hidden tab notify.
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
    signIn({ address, password, webSocketUrl, realm, kdcProxy, security: { minHopLevel, sdpReaders, withoutCertificate } });
  };

  const toggleReader = (domain: string, on: boolean) =>
    setSdpReaders((list) => (on ? [...list.filter((d) => d !== domain), domain] : list.filter((d) => d !== domain)));

  return (
    <form className="card sign-in" onSubmit={submit} aria-label="Sign in" aria-describedby={error ? errorId : undefined}>
      <h2>Sign in</h2>
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
        <summary>Advanced settings</summary>
        <label>
          WebSocket URL
          <input
            type="url"
            name="ws"
            placeholder={derivedUrl}
            value={webSocketUrl}
            onChange={(e) => setWebSocketUrl(e.target.value)}
          />
        </label>
        <label>
          Kerberos realm
          <input type="text" name="realm" placeholder={serverRealm ?? 'From the server'} value={realm} onChange={(e) => setRealm(e.target.value)} />
        </label>
        <label>
          KDC proxy
          <input type="text" name="kdcProxy" placeholder="From the server (/KdcProxy)" value={kdcProxy} onChange={(e) => setKdcProxy(e.target.value)} />
        </label>
        <label>
          Minimum hop security
          <select
            name="minHopLevel"
            value={minHopLevel}
            onChange={(e) => setMinHopLevel(Number(e.target.value) as CallSecuritySettings['minHopLevel'])}
          >
            {HOP_LEVELS.map((l) => (
              <option key={l.value} value={l.value}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="choice" aria-label="Default SDP readers">
          <legend>Default SDP readers</legend>
          <p className="hint">Servers that may read how your calls are set up, besides the person you call.</p>
          {knownProxies.length === 0 && <p className="hint">This server lists no proxies.</p>}
          {knownProxies.map((domain) => (
            <label key={domain} className="check">
              <input type="checkbox" checked={sdpReaders.includes(domain)} onChange={(e) => toggleReader(domain, e.target.checked)} />
              {domain}
            </label>
          ))}
        </fieldset>
        <fieldset className="choice" role="radiogroup" aria-label="Callee without certificate">
          <legend>Callee without certificate</legend>
          <label className="check">
            <input
              type="radio"
              name="withoutCertificate"
              value="refuse"
              checked={withoutCertificate === 'refuse'}
              onChange={() => setWithoutCertificate('refuse')}
            />
            Refuse the call
          </label>
          <label className="check">
            <input type="radio" name="withoutCertificate" value="ask" checked={withoutCertificate === 'ask'} onChange={() => setWithoutCertificate('ask')} />
            Ask me first
          </label>
        </fieldset>
      </details>
      {error && (
        <p role="alert" className="error" id={errorId}>
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        Sign in
      </button>
      <p className="hint">Your address and settings are remembered on this device; your password never is.</p>
    </form>
  );
}
