import { usePhone } from './store.js';

/**
 * "SDP readers": the proxies that may read the next call's session description besides the person
 * called (seed 003). One checkbox per Keyhop proxy; starts as the sign-in default.
 */
export function SdpReaders() {
  const knownProxies = usePhone((s) => s.knownProxies);
  const readers = usePhone((s) => s.readers);
  const setReaders = usePhone((s) => s.setReaders);
  const toggle = (domain: string, on: boolean) =>
    setReaders(on ? [...readers.filter((d) => d !== domain), domain] : readers.filter((d) => d !== domain));
  return (
    <fieldset className="choice sdp-readers" aria-label="SDP readers">
      <legend>SDP readers</legend>
      <p className="hint">Servers that may read how this call is set up, besides the person you call.</p>
      {knownProxies.length === 0 && <p className="hint">This server lists no proxies.</p>}
      {knownProxies.map((domain) => (
        <label key={domain} className="check">
          <input type="checkbox" checked={readers.includes(domain)} onChange={(e) => toggle(domain, e.target.checked)} />
          {domain}
        </label>
      ))}
    </fieldset>
  );
}
