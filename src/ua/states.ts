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
}

export function isCallOver(phase: CallPhase): boolean {
  return phase === 'ended' || phase === 'failed';
}
