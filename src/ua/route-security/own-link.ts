/**
 * The level of the UA's own link to its home proxy (seed 001【0045】, spec §3.5 rule 2, R21), from
 * what the UA really knows about it: the WebSocket scheme, whether it is registered, and whether
 * it holds a Kerberos security association with that proxy (every message signed both ways).
 */
import { linkLevel, type Level, type Transport } from '../../hopsec/index.js';

export interface OwnLink {
  /** `wss` (TLS underneath: integrity and confidentiality) or `ws`. */
  readonly transport: Extract<Transport, 'ws' | 'wss'>;
  /** The home proxy accepted our credentials (registered). */
  readonly authenticated: boolean;
  /** A security association with the home proxy exists: messages are signed and checked both ways. */
  readonly signed: boolean;
}

/**
 * wss + authenticated → 3; signed over ws → 2; authenticated but unsigned ws → 1; otherwise 0.
 * An SA is itself mutual authentication (the proxy's AP-REP was checked), so it counts as authenticated.
 */
export function ownLinkLevel(link: OwnLink): Level {
  const tls = link.transport === 'wss';
  return linkLevel({ peerAuthenticated: link.authenticated || link.signed, integrity: tls || link.signed, confidentiality: tls });
}

/** `ws` or `wss` from a WebSocket URL. */
export function transportOfUrl(url: string): OwnLink['transport'] {
  return /^wss:/i.test(url.trim()) ? 'wss' : 'ws';
}

/** Where the UA's own link stands, read afresh for every request. */
export interface OwnLinkSources {
  readonly webSocketUrl: string;
  /** The home proxy's domain: the proxy the socket leads to. */
  readonly home: string;
  readonly registered: () => boolean;
  /** Established Kerberos associations by proxy (`UaAuth.status()`), when Kerberos is in use. */
  readonly associations?: () => ReadonlyArray<{ readonly proxy: string; readonly scheme: string; readonly state: string }>;
}

export function ownLinkOf(sources: OwnLinkSources): () => OwnLink {
  const transport = transportOfUrl(sources.webSocketUrl);
  const target = `sip/${sources.home.toLowerCase()}`;
  return () => ({
    transport,
    authenticated: sources.registered(),
    signed: (sources.associations?.() ?? []).some((a) => a.scheme === 'Kerberos' && a.state === 'established' && a.proxy.toLowerCase() === target),
  });
}
