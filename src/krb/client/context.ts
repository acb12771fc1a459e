/**
 * An established GSS-API Kerberos security context (RFC 4121), as both the initiator
 * (`completeSecContext`) and the acceptor (`acceptSecContext`) end up with, and a signer over it
 * for per-message MIC tokens.
 */
import { KrbError } from '../errors';
import type { Principal } from '../asn1/principal';
import { getMic, verifyMic, type ContextKeys } from '../gss/mic';

export interface SecurityContext {
  /** The keys for `getMic` / `verifyMic` in `src/krb/gss/mic.ts`. */
  keys: ContextKeys;
  /** The GSS context flags of the initiator's 0x8003 checksum (see `GssFlag`). */
  flags: number;
  client: Principal;
  server: Principal;
  /** The ticket's end time: the context must not be used after it. */
  endtime: Date;
  /** The initiator's initial sequence number (the SND_SEQ of its first token). */
  initiatorSeq: number;
  /** The acceptor's initial sequence number. */
  acceptorSeq: number;
}

/** GSS_GetMIC / GSS_VerifyMIC bound to one side of a context, as a SIP signer needs them. */
export interface MicSigner {
  /** A MIC token over `message`, numbered by this side's own sequence counter. */
  getMic(message: Uint8Array): Uint8Array;
  /** Whether `token` is a valid MIC from the peer over `message`; sequence numbers are not enforced. */
  verifyMic(message: Uint8Array, token: Uint8Array): boolean;
}

/**
 * A MIC signer for `role`'s side of `ctx`: tokens it makes count up from that side's initial
 * sequence number; tokens it checks must come from the other side. Ordering and replay of
 * messages are left to the caller (MS-SIPAE keeps its own counters).
 */
export function micSigner(ctx: SecurityContext, role: 'initiator' | 'acceptor'): MicSigner {
  const sentByAcceptor = role === 'acceptor';
  let seq = BigInt(sentByAcceptor ? ctx.acceptorSeq : ctx.initiatorSeq);
  return {
    getMic(message) {
      const token = getMic(ctx.keys, message, { seq, sentByAcceptor });
      seq = BigInt.asUintN(64, seq + 1n);
      return token;
    },
    verifyMic(message, token) {
      try {
        verifyMic(ctx.keys, message, token, !sentByAcceptor);
        return true;
      } catch (e) {
        if (e instanceof KrbError) return false;
        throw e;
      }
    },
  };
}
