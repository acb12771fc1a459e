import type { CallSnapshot, HopView, RouteSecurityView, SdpProtectionView } from '../ua/states.js';
import { usePhone } from './store.js';

/**
 * How well each hop of the call's signalling path is secured (the Route-Security chain, seeds
 * 001/002): one list item per hop in path order, caller first. Below it, who could read the call's
 * session description (seed 003); that part has no list items, so the hop count stays exact.
 * `call` defaults to the current call.
 */
export function CallSecurity({ call }: { call?: CallSnapshot }) {
  const current = usePhone((s) => s.call);
  const shown = call ?? current;
  if (!shown) return null;
  const route = shown.routeSecurity;
  // Who the top hop delivers to: this phone for an incoming call, the callee for an outgoing one.
  const receiver = shown.direction === 'incoming' ? 'you' : shown.peer;
  return (
    <section className="security" role="region" aria-label="Call security">
      <h2>Call security</h2>
      {route ? <RouteVerdict route={route} /> : <p className="hint">The signalling path has not been checked yet.</p>}
      {route && route.hops.length > 0 && (
        <ol className="hops" aria-label="Hops in path order">
          {route.hops.map((hop, i) => (
            <Hop key={`${i}-${hop.node}`} hop={hop} next={route.hops[i + 1]?.node ?? receiver} minLevel={route.minLevel} mine={shown.direction === 'outgoing'} />
          ))}
        </ol>
      )}
      <SdpProtection sdp={shown.sdp} peer={shown.peer} />
    </section>
  );
}

function RouteVerdict({ route }: { route: RouteSecurityView }) {
  if (route.ok) return <p className="hint">Every hop checked out and meets your minimum of level {route.minLevel}.</p>;
  return <p className="error">Route check failed: {route.problem ?? 'the signalling path does not meet your minimum'}</p>;
}

function signatureWords(hop: HopView, next: string, mine: boolean): string {
  switch (hop.signature) {
    case 'verified':
      return 'signature verified';
    case 'own':
      return `${mine ? 'your' : 'the caller’s'} own entry, vouched for by ${next}`;
    case 'unattested':
      return 'unattested: nobody vouches for this hop';
    case 'failed':
      return 'signature failed';
  }
}

/** `mine`: this phone placed the call, so the first hop is its own. */
function Hop({ hop, next, minLevel, mine }: { hop: HopView; next: string; minLevel: number; mine: boolean }) {
  const weak = hop.level < minLevel;
  const warning = hop.problem ?? (weak ? `This hop is below your minimum of level ${minLevel}` : hop.signature === 'unattested' ? 'Nobody vouches for this hop' : hop.level < 2 ? 'Messages on this hop could be altered undetected' : null);
  return (
    <li className={`hop hop-level-${hop.level} hop-${hop.signature}${warning ? ' hop-weak' : ''}`}>
      <span className="hop-path">
        {hop.node} → {next}
      </span>
      {' · '}
      <span className="hop-transport">{hop.transport ?? 'unknown transport'}</span>
      {' · '}
      <span className="hop-level">
        level {hop.level} ({hop.levelText})
      </span>
      {' · '}
      <span className="hop-auth">{hop.level >= 1 ? 'authenticated' : 'not authenticated'}</span>
      {' · '}
      <span className="hop-signature">{signatureWords(hop, next, mine)}</span>
      {warning && (
        <>
          {' '}
          <strong className="error hop-warning">Warning: {warning}</strong>
        </>
      )}
    </li>
  );
}

const PEER_SIGNATURE_WORDS: Record<SdpProtectionView['peerSignature'], (peer: string) => string> = {
  verified: (peer) => `${peer}'s signature on it verified.`,
  failed: (peer) => `${peer}'s signature on it did not verify.`,
  none: (peer) => `It carries no signature of ${peer}.`,
};

function SdpProtection({ sdp, peer }: { sdp: SdpProtectionView | null; peer: string }) {
  let text: string;
  if (!sdp) text = 'Who can read the call setup is not known yet.';
  else if (!sdp.sealed) text = 'The call setup travelled unencrypted: every server on the path could read it.';
  else {
    const readers = [`${peer} (the other party)`, ...sdp.readers];
    text = `The call setup was encrypted; only these could read it: ${readers.join(', ')}.`;
  }
  return (
    <div className="sdp-protection">
      <p>
        <strong>Call setup (SDP)</strong>
      </p>
      <p className={sdp && (!sdp.sealed || sdp.peerSignature === 'failed') ? 'error' : 'hint'}>
        {text}
        {sdp ? ` ${PEER_SIGNATURE_WORDS[sdp.peerSignature](peer)}` : ''}
      </p>
      {sdp?.problem && <p className="error">Warning: {sdp.problem}</p>}
    </div>
  );
}
