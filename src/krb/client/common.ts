/**
 * Pieces shared by the AS and TGS exchanges and the GSS initiator: the injected transport, the
 * shape of a ticket with its session key (`Credentials`), clocks, nonces, and turning a KDC's
 * KRB-ERROR into a `KrbError` a user interface can switch on.
 */
import { KrbError, malformed } from '../errors';
import { ErrorCode, MessageType, errorCodeName } from '../asn1/constants';
import { decodeKrbError, type KrbErrorMessage } from '../asn1/krb-error';
import { messageType } from '../asn1/message';
import { formatPrincipal, type Principal } from '../asn1/principal';
import type { Key } from '../crypto/types';

/**
 * Carries one Kerberos message to a KDC of `realm` and resolves with the KDC's reply. Both are raw
 * DER messages without the 4-byte TCP length prefix (a transport over TCP or MS-KKDCP adds and
 * removes it). Rejecting means the KDC could not be reached.
 */
export type KdcSend = (request: Uint8Array, realm: string) => Promise<Uint8Array>;

/** A ticket together with what the client needs to use it (RFC 4120 §5.4.2, EncKDCRepPart). */
export interface Credentials {
  client: Principal;
  server: Principal;
  sessionKey: Key;
  /** The Ticket, DER-encoded exactly as the KDC sent it. */
  ticket: Uint8Array;
  authtime: Date;
  starttime?: Date;
  endtime: Date;
  renewTill?: Date;
  /** TicketFlags, see `TicketFlag` in `../asn1/flags`. */
  flags: number;
  /**
   * The KDC's clock minus the local clock in milliseconds, estimated when the credentials were
   * obtained (0 when unknown). `() => new Date(Date.now() + offset)` is a clock the KDC and the
   * services of its realm agree with.
   */
  kdcTimeOffsetMs: number;
}

/** Default acceptable clock skew (RFC 4120 §1.6 suggests 5 minutes). */
export const DEFAULT_MAX_SKEW_MS = 5 * 60_000;

/** The default clock. */
export const systemClock = (): Date => new Date();

/** A date split into KerberosTime (whole seconds) and Microseconds. */
export function kerberosTimestamp(date: Date): { time: Date; usec: number } {
  const ms = date.getTime();
  const seconds = Math.floor(ms / 1000);
  return { time: new Date(seconds * 1000), usec: (ms - seconds * 1000) * 1000 };
}

/** Milliseconds of a KerberosTime with its microseconds. */
export function timestampMs(time: Date, usec = 0): number {
  return time.getTime() + Math.floor(usec / 1000);
}

function randomUint32(): number {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (typeof c?.getRandomValues !== 'function') {
    throw new KrbError('malformed', 'No secure random source: globalThis.crypto.getRandomValues is unavailable');
  }
  return c.getRandomValues(new Uint32Array(1))[0] as number;
}

/** A KDC-REQ nonce: 31 random bits (some KDCs treat the UInt32 as signed). */
export function randomNonce(): number {
  return randomUint32() & 0x7fff_ffff;
}

/** An initial sequence number: 30 random bits, leaving room before the 32-bit wrap old peers expect. */
export function randomSeqNumber(): number {
  return randomUint32() & 0x3fff_ffff;
}

/** Text form of a principal for messages. */
export function principalText(p: Principal): string {
  return formatPrincipal(p.name, p.realm);
}

/** Whether two principals are the same name in the same realm (name types are not compared). */
export function samePrincipal(a: Principal, b: Principal): boolean {
  return a.realm === b.realm && a.name.nameString.length === b.name.nameString.length && a.name.nameString.every((s, i) => s === b.name.nameString[i]);
}

/**
 * Runs `fn` so that only `KrbError`s escape: anything else thrown (a bug, or a library failing on
 * hostile input) is reported as 'malformed' rather than escaping untyped.
 */
export async function typedErrors<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof KrbError) throw e;
    throw malformed(what, e);
  }
}

/** The synchronous `typedErrors`. */
export function typedErrorsSync<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof KrbError) throw e;
    throw malformed(what, e);
  }
}

/**
 * Sends a request through the injected transport. A rejection is 'kdc-unreachable', unless the
 * transport already rejected with a `KrbError` (e.g. a KDC proxy's malformed reply), which is kept.
 */
export async function sendToKdc(send: KdcSend, request: Uint8Array, realm: string): Promise<Uint8Array> {
  let reply: unknown;
  try {
    reply = await send(request, realm);
  } catch (e) {
    if (e instanceof KrbError) throw e;
    const detail = e instanceof Error && e.message ? `: ${e.message}` : '';
    throw new KrbError('kdc-unreachable', `Cannot reach the Kerberos server for ${realm}${detail}`, undefined, { cause: e });
  }
  if (!(reply instanceof Uint8Array) || reply.length === 0) throw malformed(`empty reply from the KDC of ${realm}`);
  return reply;
}

/** A KDC reply: the expected message, or a KRB-ERROR. */
export type KdcReply = { error: KrbErrorMessage } | { reply: Uint8Array };

/** Tells the expected reply (AS-REP or TGS-REP) from a KRB-ERROR; anything else is 'malformed'. */
export function classifyReply(bytes: Uint8Array, expected: number, what: string): KdcReply {
  const type = messageType(bytes);
  if (type === MessageType.KRB_ERROR) return { error: decodeKrbError(bytes) };
  if (type !== expected) throw malformed(`${what}: the KDC answered with message type ${type}`);
  return { reply: bytes };
}

/** Context for the wording of errors. */
export interface ErrorContext {
  /** Which exchange failed: 'AS' (log-in) or 'TGS' (service ticket). */
  exchange: 'AS' | 'TGS';
  client: Principal;
  server: Principal;
}

/**
 * The `KrbError` for a KRB-ERROR a KDC sent. The decoded message is the error's `cause`, so a
 * caller can read e.g. the KDC's time (`stime`) after a clock-skew error.
 */
export function kdcError(err: KrbErrorMessage, ctx: ErrorContext): KrbError {
  const code = err.errorCode;
  const eText = err.eText ? ` (${err.eText})` : '';
  const options = { cause: err };
  switch (code) {
    case ErrorCode.KDC_ERR_PREAUTH_FAILED:
      return new KrbError('wrong-password', 'Wrong user name or password', code, options);
    case ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN:
      return new KrbError('unknown-principal', `Unknown user ${principalText(ctx.client)}${eText}`, code, options);
    case ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN:
      return new KrbError('unknown-principal', `The Kerberos server does not know the service ${principalText(ctx.server)}${eText}`, code, options);
    case ErrorCode.KRB_AP_ERR_SKEW:
      return new KrbError('clock-skew', `This computer's clock differs too much from the Kerberos server's${eText}`, code, options);
    case ErrorCode.KDC_ERR_ETYPE_NOSUPP:
      return new KrbError('unsupported-enctype', `The Kerberos server and Keyhop have no encryption type in common${eText}`, code, options);
    case ErrorCode.KRB_AP_ERR_TKT_EXPIRED:
      return new KrbError('ticket-expired', `The log-in ticket has expired; log in again${eText}`, code, options);
    case ErrorCode.KDC_ERR_KEY_EXPIRED:
      return new KrbError('kdc-error', `The password of ${principalText(ctx.client)} has expired${eText}`, code, options);
    case ErrorCode.KDC_ERR_CLIENT_REVOKED:
      return new KrbError('kdc-error', `The account ${principalText(ctx.client)} is disabled or locked${eText}`, code, options);
    default:
      return new KrbError('kdc-error', `The Kerberos server refused the ${ctx.exchange} request: ${errorCodeName(code)} (${code})${eText}`, code, options);
  }
}
