/**
 * The GSS-API Kerberos initiator (RFC 4121 §4.1): an AP-REQ for a service ticket, framed as the
 * initial context token, and the check of the acceptor's AP-REP for mutual authentication.
 *
 * The authenticator (encrypted in the ticket's session key, key usage 11) carries the 0x8003
 * checksum with the context flags, a fresh initiator subkey of the session key's type and the
 * initiator's initial sequence number. With mutual authentication the AP-REQ asks for an AP-REP
 * (ap-option mutual-required); the AP-REP's EncAPRepPart (key usage 12) must echo the
 * authenticator's ctime and cusec, and brings the acceptor's sequence number and, usually, an
 * acceptor subkey, which then protects the per-message tokens.
 */
import { KrbError, malformed } from '../errors';
import { decodeApRep, decodeEncApRepPart, encodeApReq, encodeAuthenticator } from '../asn1/ap';
import { ErrorCode, KeyUsage, MessageType, errorCodeName } from '../asn1/constants';
import { ApOption, flagsOf } from '../asn1/flags';
import { GssFlag, gssAuthenticatorChecksum } from '../asn1/gss-checksum';
import { GssTokenId, KRB5_MECH_OID, unwrapGssToken, wrapGssToken } from '../asn1/gss-token';
import { decodeKrbError, type KrbErrorMessage } from '../asn1/krb-error';
import { messageType } from '../asn1/message';
import { decodeTicket } from '../asn1/ticket';
import { enctypeOf, makeKey } from '../crypto/enctype';
import type { Key } from '../crypto/types';
import { kerberosTimestamp, randomSeqNumber, systemClock, typedErrorsSync, type Credentials } from './common';
import type { SecurityContext } from './context';

/** Flags requested by default: mutual authentication, integrity, sequencing. */
export const DEFAULT_INITIATOR_FLAGS = GssFlag.MUTUAL | GssFlag.INTEG | GssFlag.SEQUENCE;

export interface InitiatorOptions {
  /**
   * GSS context flags for the 0x8003 checksum (`GssFlag` bits); default mutual + integ +
   * sequence. Without `GssFlag.MUTUAL` no AP-REP is asked for and the context is established at
   * once. Delegation is not supported.
   */
  flags?: number;
  /** The 16-byte MD5 of the channel bindings (RFC 4121 §4.1.1.2); default none (zeros). */
  channelBinding?: Uint8Array;
  /** 'gss' (default): the RFC 2743 initial context token; 'raw': the bare AP-REQ. */
  framing?: 'gss' | 'raw';
  /** The local clock; default the system clock. */
  now?: () => Date;
  /** Time-stamp with the KDC's clock (local clock + `kdcTimeOffsetMs` of the credentials). */
  useKdcTime?: boolean;
}

/** An initiator waiting for the acceptor's AP-REP. */
export interface PendingInitiatorContext {
  readonly credentials: Credentials;
  readonly flags: number;
  readonly ctime: Date;
  readonly cusec: number;
  readonly initiatorSubkey: Key;
  readonly initiatorSeq: number;
  readonly framing: 'gss' | 'raw';
}

export type InitiatorStart =
  /** Mutual authentication: send `token`, then pass the reply to `completeSecContext`. */
  | { token: Uint8Array; mutual: true; pending: PendingInitiatorContext }
  /** No mutual authentication: send `token`; the context is ready. */
  | { token: Uint8Array; mutual: false; context: SecurityContext };

/** Starts a context with service credentials (from `getServiceCredentials`). */
export function initSecContext(credentials: Credentials, options: InitiatorOptions = {}): InitiatorStart {
  return typedErrorsSync('GSS initiator', () => start(credentials, options));
}

function start(credentials: Credentials, o: InitiatorOptions): InitiatorStart {
  const flags = (o.flags ?? DEFAULT_INITIATOR_FLAGS) & ~GssFlag.DELEG;
  const mutual = (flags & GssFlag.MUTUAL) !== 0;
  const framing = o.framing ?? 'gss';
  const now = o.now ?? systemClock;
  const sessionEnctype = enctypeOf(credentials.sessionKey);
  const ticket = decodeTicket(credentials.ticket);
  const initiatorSubkey = sessionEnctype.generateKey();
  const initiatorSeq = randomSeqNumber();
  const local = now();
  const stamp = kerberosTimestamp(o.useKdcTime ? new Date(local.getTime() + credentials.kdcTimeOffsetMs) : local);

  const authenticator = encodeAuthenticator({
    crealm: credentials.client.realm,
    cname: credentials.client.name,
    cksum: gssAuthenticatorChecksum({ flags, ...(o.channelBinding ? { channelBinding: o.channelBinding } : {}) }),
    cusec: stamp.usec,
    ctime: stamp.time,
    subkey: { keytype: initiatorSubkey.enctype, keyvalue: initiatorSubkey.bytes },
    seqNumber: initiatorSeq,
  });
  const apReq = encodeApReq({
    apOptions: mutual ? flagsOf([ApOption.mutualRequired]) : 0,
    ticket,
    authenticator: { etype: credentials.sessionKey.enctype, cipher: sessionEnctype.encrypt(credentials.sessionKey, KeyUsage.AP_REQ_AUTH, authenticator) },
  });
  const token = framing === 'gss' ? wrapGssToken(GssTokenId.AP_REQ, apReq, KRB5_MECH_OID) : apReq;

  if (!mutual) {
    return {
      token,
      mutual: false,
      context: {
        keys: { sessionKey: credentials.sessionKey, initiatorSubkey },
        flags,
        client: credentials.client,
        server: credentials.server,
        endtime: credentials.endtime,
        initiatorSeq,
        // Without an AP-REP both directions start from the initiator's number (RFC 1964 §1.2.1.2).
        acceptorSeq: initiatorSeq,
      },
    };
  }
  return { token, mutual: true, pending: { credentials, flags, ctime: stamp.time, cusec: stamp.usec, initiatorSubkey, initiatorSeq, framing } };
}

/**
 * Completes a mutually authenticated context with the acceptor's reply: a GSS token holding an
 * AP-REP (TOK_ID 02 00) or a KRB-ERROR (03 00), or the bare message. A KRB-ERROR becomes the
 * matching `KrbError` ('clock-skew', 'replay', 'ticket-expired', 'integrity' or 'kdc-error'); an
 * AP-REP that does not prove the acceptor knows the session key is 'integrity'.
 */
export function completeSecContext(pending: PendingInitiatorContext, replyToken: Uint8Array): SecurityContext {
  return typedErrorsSync('GSS initiator', () => complete(pending, replyToken));
}

function complete(p: PendingInitiatorContext, replyToken: Uint8Array): SecurityContext {
  if (!(replyToken instanceof Uint8Array) || replyToken.length === 0) throw malformed('empty AP-REP token');
  let message: Uint8Array;
  if (replyToken[0] === 0x60) {
    const t = unwrapGssToken(replyToken);
    if (t.tokId === GssTokenId.KRB_ERROR) throw acceptorError(decodeKrbError(t.message));
    if (t.tokId !== GssTokenId.AP_REP) throw malformed(`GSS token with TOK_ID ${t.tokId.toString(16).padStart(4, '0')} where an AP-REP was expected`);
    message = t.message;
  } else {
    message = replyToken;
    if (messageType(message) === MessageType.KRB_ERROR) throw acceptorError(decodeKrbError(message));
  }
  const rep = decodeApRep(message);
  const { sessionKey } = p.credentials;
  if (rep.encPart.etype !== sessionKey.enctype) throw malformed(`AP-REP encrypted with enctype ${rep.encPart.etype}, not the session key's ${sessionKey.enctype}`);
  let plain: Uint8Array;
  try {
    plain = enctypeOf(sessionKey).decrypt(sessionKey, KeyUsage.AP_REP_ENC_PART, rep.encPart.cipher);
  } catch (e) {
    if (e instanceof KrbError && e.code === 'integrity') {
      throw new KrbError('integrity', 'Mutual authentication failed: the server\'s reply does not decrypt with the session key', ErrorCode.KRB_AP_ERR_MUT_FAIL, { cause: e });
    }
    throw e;
  }
  const part = decodeEncApRepPart(plain);
  if (part.ctime.getTime() !== p.ctime.getTime() || part.cusec !== p.cusec) {
    throw new KrbError('integrity', 'Mutual authentication failed: the server\'s reply answers another request', ErrorCode.KRB_AP_ERR_MUT_FAIL);
  }
  const acceptorSubkey = part.subkey ? makeKey(part.subkey.keytype, part.subkey.keyvalue) : undefined;
  return {
    keys: { sessionKey, initiatorSubkey: p.initiatorSubkey, ...(acceptorSubkey ? { acceptorSubkey } : {}) },
    flags: p.flags,
    client: p.credentials.client,
    server: p.credentials.server,
    endtime: p.credentials.endtime,
    initiatorSeq: p.initiatorSeq,
    acceptorSeq: part.seqNumber ?? 0,
  };
}

/** The `KrbError` for a KRB-ERROR an acceptor returned instead of an AP-REP. */
export function acceptorError(err: KrbErrorMessage): KrbError {
  const code = err.errorCode;
  const text = `${errorCodeName(code)} (${code})${err.eText ? `: ${err.eText}` : ''}`;
  const options = { cause: err };
  switch (code) {
    case ErrorCode.KRB_AP_ERR_SKEW:
      return new KrbError('clock-skew', `The server says this computer's clock is wrong: ${text}`, code, options);
    case ErrorCode.KRB_AP_ERR_REPEAT:
      return new KrbError('replay', `The server saw this request before: ${text}`, code, options);
    case ErrorCode.KRB_AP_ERR_TKT_EXPIRED:
      return new KrbError('ticket-expired', `The server says the ticket has expired: ${text}`, code, options);
    case ErrorCode.KRB_AP_ERR_BAD_INTEGRITY:
    case ErrorCode.KRB_AP_ERR_MODIFIED:
      return new KrbError('integrity', `The server could not verify the request: ${text}`, code, options);
    default:
      return new KrbError('kdc-error', `The server refused the request: ${text}`, code, options);
  }
}
