/**
 * Security levels of a link (seed 001【0045】, spec §3.5 rule 2) and the transports an entry names.
 * Levels are cumulative: each one includes everything below it.
 */

export type Level = 0 | 1 | 2 | 3;
export const LEVELS: readonly Level[] = [0, 1, 2, 3];

/** The transport of the link from the node to the next node. */
export type Transport = 'ws' | 'wss' | 'tcp' | 'tls';
export const TRANSPORTS: readonly Transport[] = ['ws', 'wss', 'tcp', 'tls'];

export function isLevel(x: unknown): x is Level {
  return x === 0 || x === 1 || x === 2 || x === 3;
}

export function isTransport(x: unknown): x is Transport {
  return typeof x === 'string' && (TRANSPORTS as readonly string[]).includes(x);
}

/** What a node really knows about a link; levels come from these facts, never from configuration. */
export interface LinkSecurity {
  /** The node at the other end proved its identity (TLS certificate checked, Kerberos, Digest, …). */
  peerAuthenticated: boolean;
  /** Every message on the link is protected against alteration (TLS, or per-message signatures). */
  integrity: boolean;
  /** Every message on the link is encrypted (TLS). */
  confidentiality: boolean;
}

/**
 * 0 none, 1 peer authenticated, 2 + message integrity, 3 + confidentiality. A property counts only
 * together with those below it: an encrypted link to an unauthenticated peer is level 0.
 */
export function linkLevel(link: LinkSecurity): Level {
  if (!link.peerAuthenticated) return 0;
  if (!link.integrity) return 1;
  if (!link.confidentiality) return 2;
  return 3;
}

/** Whether the transport itself encrypts and integrity-protects (TLS underneath). */
export function isSecureTransport(t: Transport): boolean {
  return t === 'tls' || t === 'wss';
}

const LABELS: Record<Level, string> = {
  0: 'unprotected',
  1: 'peer authenticated',
  2: 'authenticated, integrity protected',
  3: 'authenticated, integrity protected, encrypted',
};

/** Words for a person (the call-security view). */
export function describeLevel(level: Level): string {
  return LABELS[level];
}
