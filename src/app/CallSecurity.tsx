/**
 * How well each hop of the signalling path is secured, and which servers may read the call's
 * session description. The lists are filled in as the UA learns about the path.
 */
export function CallSecurity() {
  return (
    <section className="security" role="region" aria-label="Call security">
      <h2>Call security</h2>
      <ol className="hops">
        <li className="hop hop-unknown">No hop information yet</li>
      </ol>
      <fieldset className="readers" role="group" aria-label="SDP readers">
        <legend>Who may read the call setup</legend>
        <p className="muted">Only the other party.</p>
      </fieldset>
    </section>
  );
}
