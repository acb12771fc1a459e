import type { ProxySecurity } from './auth/ua-auth.js';

/** Who the person is to Kerberos after signing in, and until when. */
export interface KerberosIdentity {
  readonly principal: string;
  /** Ticket end, in milliseconds since the epoch. */
  readonly expires: number;
}

/** Where the phone stands with its registrar. */
export type RegistrationState =
  | { readonly kind: 'signed-out' }
  | { readonly kind: 'connecting' }
  /**
   * `kerberos`: the ticket-granting ticket obtained at sign-in, when the server has a KDC.
   * `security`: how each proxy authenticated us (Kerberos SA or Digest), when known.
   */
  | { readonly kind: 'registered'; readonly kerberos?: KerberosIdentity; readonly security?: readonly ProxySecurity[] }
  /** `retrying`: the UA keeps trying on its own (transport trouble); otherwise the person must act. */
  | { readonly kind: 'failed'; readonly reason: string; readonly retrying: boolean };

export type CallDirection = 'incoming' | 'outgoing';

/**
 * - `incoming`: an invitation waits for Answer or Decline
 * - `calling`: our INVITE is on its way
 * - `ringing`: the other side is alerting
 * - `connecting`: answered, media being set up
 * - `established`: the call is up
 * - `ended`: a call that was up is over
 * - `failed`: the call never came up
 */
export type CallPhase = 'incoming' | 'calling' | 'ringing' | 'connecting' | 'established' | 'ended' | 'failed';

/** Why a call ended or failed, in plain words. */
export interface CallOutcome {
  readonly text: string;
  /** True when the person should be alerted (the call failed for a reason they did not cause). */
  readonly alert: boolean;
  /** The SIP status code behind it, when there was one. */
  readonly statusCode: number | null;
}

/** One hop of the signalling path, from the call's Route-Security chain (seeds 001/002). */
export interface HopView {
  /** Who sent over this hop: a user's address or a proxy's domain (an address for an unattested hop). */
  readonly node: string;
  /** The address the node sent from. */
  readonly addr: string;
  /** `ws`, `wss`, `tcp` or `tls`, when known. */
  readonly transport: string | null;
  /** 0 none, 1 peer authenticated, 2 + message integrity, 3 + confidentiality. */
  readonly level: 0 | 1 | 2 | 3;
  /** The level in words. */
  readonly levelText: string;
  /** `verified`: a proxy signature that checked out; `own`: the caller's own entry; `unattested`: nobody vouches for it. */
  readonly signature: 'verified' | 'own' | 'unattested' | 'failed';
  /** What is wrong with this hop, in plain words; null when nothing. */
  readonly problem: string | null;
}

/** The Route-Security verdict on a call's signalling path, hops in path order (caller first). */
export interface RouteSecurityView {
  readonly hops: readonly HopView[];
  /** The chain verified and every hop meets the minimum level. */
  readonly ok: boolean;
  /** Why not, in plain words. */
  readonly problem: string | null;
  readonly minLevel: 0 | 1 | 2 | 3;
}

/** Who could read a call's session description (seed 003), and whether the peer's signature verified. */
export interface SdpProtectionView {
  /** The SDP travelled in an envelope (both ways, once answered). */
  readonly sealed: boolean;
  /** The proxies chosen as readers besides the peer. */
  readonly readers: readonly string[];
  readonly peerSignature: 'verified' | 'failed' | 'none';
  readonly problem: string | null;
}

/** An immutable picture of one call, suitable for rendering. */
export interface CallSnapshot {
  readonly id: string;
  readonly direction: CallDirection;
  /** The other party as `user@domain`. */
  readonly peer: string;
  readonly peerName: string | null;
  readonly phase: CallPhase;
  readonly muted: boolean;
  /** We put the call on hold. */
  readonly onHold: boolean;
  /** The other party put the call on hold. */
  readonly remoteHold: boolean;
  /** A hold or resume offer is waiting for its answer. */
  readonly renegotiating: boolean;
  /** Milliseconds since the epoch at which the call came up. */
  readonly establishedAt: number | null;
  readonly outcome: CallOutcome | null;
  /** The other party's audio, for an `<audio>` element. */
  readonly remoteStream: MediaStream | null;
  /** The signalling path's security, once a chain has been checked. */
  readonly routeSecurity: RouteSecurityView | null;
  /** The SDP's protection, once known. */
  readonly sdp: SdpProtectionView | null;
}

export function isCallOver(phase: CallPhase): boolean {
  return phase === 'ended' || phase === 'failed';
}
