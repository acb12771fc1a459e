/** What the AS and TGS exchanges share: the request context, lifetimes, sealing tickets. */
import { encodeEncTicketPart, KeyUsage, type EncTicketPart, type PrincipalName, type Ticket } from '../../krb/asn1/index.js';
import { getEnctype, isSupportedEnctype } from '../../krb/crypto/index.js';
import type { PrincipalDatabase, PrincipalRecord } from './database.js';
import { KdcFailure } from './failure.js';
import type { ReplayCache } from './replay.js';
import { ErrorCode } from '../../krb/asn1/index.js';

export interface KdcContext {
  db: PrincipalDatabase;
  realm: string;
  /** The time of this request, whole seconds. */
  now: Date;
  /** The current time with milliseconds, for KRB-ERROR susec. */
  clock: Date;
  lifetimeMs: number;
  skewMs: number;
  replay: ReplayCache;
}

/** The result of one request: the reply to send and a line for the log (no secrets). */
export interface KdcOutcome {
  reply: Uint8Array;
  summary: string;
  /** Set when the reply is a KRB-ERROR. */
  errorCode?: number;
}

/** A Date without its milliseconds (KerberosTime has whole seconds). */
export function wholeSeconds(d: Date): Date {
  return new Date(Math.floor(d.getTime() / 1000) * 1000);
}

/**
 * A ticket's end time: what the client asked for (`till`; the epoch means "as long as
 * possible"), at most the configured lifetime from now, and at most `limit` (the TGT's end).
 */
export function endTime(ctx: KdcContext, till: Date, limit?: Date): Date {
  let end = ctx.now.getTime() + ctx.lifetimeMs;
  if (till.getTime() !== 0) end = Math.min(end, till.getTime());
  if (limit) end = Math.min(end, limit.getTime());
  if (end <= ctx.now.getTime()) {
    throw new KdcFailure(ErrorCode.KDC_ERR_NEVER_VALID, `The requested end time ${till.toISOString()} is not in the future`);
  }
  return wholeSeconds(new Date(end));
}

/** Encrypts a ticket with the service's preferred key (key usage 2) under its kvno. */
export function sealTicket(service: PrincipalRecord, realm: string, sname: PrincipalName, part: EncTicketPart): Ticket {
  const k = service.keys.find((x) => isSupportedEnctype(x.key.enctype));
  if (!k) throw new KdcFailure(ErrorCode.KDC_ERR_ETYPE_NOSUPP, `Service ${sname.nameString.join('/')}@${realm} has no AES key`, { sname });
  const cipher = getEnctype(k.key.enctype).encrypt(k.key, KeyUsage.KDC_REP_TICKET, encodeEncTicketPart(part));
  return { realm, sname, encPart: { etype: k.key.enctype, kvno: service.kvno, cipher } };
}

/** "alice@KEYHOP.TEST" for a name and realm, for e-texts and logs. */
export function nameText(name: PrincipalName | undefined, realm: string): string {
  return name ? `${name.nameString.join('/')}@${realm}` : `(no name)@${realm}`;
}
