/**
 * The GSS-API Kerberos acceptor (RFC 4120 §3.2.3, RFC 4121 §4.1): validates an AP-REQ with the
 * service's long-term keys and answers with an AP-REP.
 *
 * Checks, in order: the token frame (GSS TOK_ID 01 00, or a bare AP-REQ); a key for the ticket's
 * server, enctype and kvno in the keytab; the ticket decrypts (key usage 2); the authenticator
 * decrypts in the ticket's session key (key usage 11) and names the ticket's client; its ctime is
 * within the clock skew; the ticket is valid now (start time, INVALID flag, end time); the 0x8003
 * checksum (GSS tokens); the authenticator was not seen before (replay cache). With mutual
 * authentication an AP-REP is made (key usage 12) echoing ctime/cusec, with a fresh acceptor subkey
 * (unless disabled) and the acceptor's initial sequence number.
 */
import { KrbError, malformed } from '../errors';
import { decodeApReq, decodeAuthenticator, encodeApRep, encodeEncApRepPart, type Authenticator } from '../asn1/ap';
import type { AuthorizationData } from '../asn1/common';
import { ErrorCode, KeyUsage, MessageType } from '../asn1/constants';
import { ApOption, TicketFlag, hasFlag } from '../asn1/flags';
import { GSS_CHECKSUM_TYPE, GssFlag, decodeGssChecksum } from '../asn1/gss-checksum';
import { GssTokenId, unwrapGssToken, wrapGssToken } from '../asn1/gss-token';
import { encodeKrbError } from '../asn1/krb-error';
import { messageType } from '../asn1/message';
import { parsePrincipal, sameName, type Principal } from '../asn1/principal';
import { decodeEncTicketPart, type EncTicketPart, type Ticket } from '../asn1/ticket';
import { enctypeName, enctypeOf, getEnctype, isSupportedEnctype, makeKey } from '../crypto/enctype';
import type { Key } from '../crypto/types';
import { DEFAULT_MAX_SKEW_MS, kerberosTimestamp, principalText, randomSeqNumber, samePrincipal, systemClock, timestampMs, typedErrorsSync } from '../client/common';
import type { SecurityContext } from '../client/context';
import type { KeytabEntry } from '../keytab';
import { ReplayCache } from './replay-cache';

export interface AcceptorOptions {
  /** The service's keys, e.g. `readKeytab(bytes)`; entries of other principals are ignored. */
  keytab: readonly KeytabEntry[];
  /** Accept only tickets for this principal (e.g. `sip/proxy.example@REALM`); default any in the keytab. */
  service?: string | Principal;
  /**
   * Where accepted authenticators are remembered; share one per service across connections.
   * `null` turns replay detection off (only for tests or when a transport already prevents it).
   */
  replayCache: ReplayCache | null;
  /** The local clock; default the system clock. */
  now?: () => Date;
  /** Acceptable clock skew; default 5 minutes. */
  maxSkewMs?: number;
  /**
   * Put a fresh acceptor subkey in the AP-REP (default true). Per-message tokens are then
   * protected by it (RFC 4121 §2); without it, by the initiator's subkey.
   */
  acceptorSubkey?: boolean;
  /** The 16-byte MD5 of the expected channel bindings; when set, the initiator's must match. */
  channelBinding?: Uint8Array;
}

export interface AcceptedContext extends SecurityContext {
  /** The reply to send (AP-REP, GSS-framed when the request was), present with mutual authentication. */
  outputToken?: Uint8Array;
  /** Whether the request was a GSS token or a bare AP-REQ. */
  framing: 'gss' | 'raw';
  authtime: Date;
  /** TicketFlags of the ticket. */
  ticketFlags: number;
  /** The enctype and key version of the service key that decrypted the ticket. */
  ticketEnctype: number;
  ticketKvno: number;
  /** The ticket's authorization data (e.g. a PAC), uninterpreted. */
  authorizationData?: AuthorizationData;
}

/**
 * Accepts an AP-REQ, GSS-framed (TOK_ID 01 00) or bare. Every failure is a `KrbError` whose
 * `krbErrorCode` is the RFC 4120 code a KRB-ERROR would carry: 'malformed', 'unsupported-enctype'
 * (e.g. an RC4 ticket), 'kdc-error' (no key for the ticket: NOKEY 45 / BADKEYVER 44; wrong service:
 * NOT_US 35; unsupported options), 'integrity' (tampered ticket or authenticator, names that do not
 * match, bad channel bindings), 'clock-skew' (SKEW 37, or a ticket not valid yet: TKT_NYV 33),
 * 'ticket-expired' (TKT_EXPIRED 32) or 'replay' (REPEAT 34).
 */
export function acceptSecContext(token: Uint8Array, options: AcceptorOptions): AcceptedContext {
  return typedErrorsSync('GSS acceptor', () => accept(token, options));
}

function accept(token: Uint8Array, o: AcceptorOptions): AcceptedContext {
  if (!(token instanceof Uint8Array) || token.length === 0) throw malformed('empty AP-REQ token');
  const now = (o.now ?? systemClock)();
  const skew = o.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;

  // Frame.
  let message: Uint8Array;
  let mechOid: string | undefined;
  if (token[0] === 0x60) {
    const t = unwrapGssToken(token);
    if (t.tokId !== GssTokenId.AP_REQ) throw malformed(`GSS token with TOK_ID ${t.tokId.toString(16).padStart(4, '0')} where an AP-REQ (0100) was expected`);
    message = t.message;
    mechOid = t.mechOid;
  } else {
    message = token;
    const type = messageType(message);
    if (type !== MessageType.AP_REQ) throw malformed(`message type ${type} where an AP-REQ was expected`);
  }
  const apReq = decodeApReq(message);
  if (hasFlag(apReq.apOptions, ApOption.useSessionKey)) {
    throw new KrbError('kdc-error', 'User-to-user authentication (use-session-key) is not supported', ErrorCode.KRB_AP_ERR_METHOD);
  }

  // Ticket.
  const ticket = apReq.ticket;
  const server: Principal = { name: ticket.sname, realm: ticket.realm };
  if (o.service !== undefined) {
    const wanted = typeof o.service === 'string' ? parsePrincipal(o.service) : o.service;
    if (!samePrincipal(wanted, server)) {
      throw new KrbError('kdc-error', `The ticket is for ${principalText(server)}, not for this service (${principalText(wanted)})`, ErrorCode.KRB_AP_ERR_NOT_US);
    }
  }
  const { part: tkt, key: serviceKey } = decryptTicket(ticket, o.keytab);
  const sessionKey = makeKey(tkt.key.keytype, tkt.key.keyvalue);
  const client: Principal = { name: tkt.cname, realm: tkt.crealm };

  // Authenticator.
  if (apReq.authenticator.etype !== sessionKey.enctype) {
    throw new KrbError('integrity', `The authenticator is encrypted with ${enctypeName(apReq.authenticator.etype)}, not the session key's ${enctypeName(sessionKey.enctype)}`, ErrorCode.KRB_AP_ERR_BAD_INTEGRITY);
  }
  let auth: Authenticator;
  try {
    auth = decodeAuthenticator(enctypeOf(sessionKey).decrypt(sessionKey, KeyUsage.AP_REQ_AUTH, apReq.authenticator.cipher));
  } catch (e) {
    if (e instanceof KrbError && e.code === 'integrity') {
      throw new KrbError('integrity', 'The authenticator does not decrypt with the ticket\'s session key (it was altered)', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, { cause: e });
    }
    throw e;
  }
  if (auth.crealm !== tkt.crealm || !sameName(auth.cname, tkt.cname)) {
    throw new KrbError('integrity', `The authenticator names ${principalText({ name: auth.cname, realm: auth.crealm })} but the ticket ${principalText(client)}`, ErrorCode.KRB_AP_ERR_BADMATCH);
  }

  // Times.
  const nowMs = now.getTime();
  const ctimeMs = timestampMs(auth.ctime, auth.cusec);
  if (Math.abs(ctimeMs - nowMs) > skew) {
    throw new KrbError('clock-skew', `The client's clock differs from this server's by ${Math.round((ctimeMs - nowMs) / 1000)} s, more than the allowed ${Math.round(skew / 1000)} s`, ErrorCode.KRB_AP_ERR_SKEW);
  }
  const starttime = tkt.starttime ?? tkt.authtime;
  if (starttime.getTime() - nowMs > skew) {
    throw new KrbError('clock-skew', `The ticket is not valid until ${starttime.toISOString()}`, ErrorCode.KRB_AP_ERR_TKT_NYV);
  }
  if (hasFlag(tkt.flags, TicketFlag.invalid)) {
    throw new KrbError('ticket-expired', 'The ticket is marked invalid (a post-dated ticket that was not validated)', ErrorCode.KRB_AP_ERR_TKT_NYV);
  }
  if (nowMs - tkt.endtime.getTime() > skew) {
    throw new KrbError('ticket-expired', `The ticket expired at ${tkt.endtime.toISOString()}`, ErrorCode.KRB_AP_ERR_TKT_EXPIRED);
  }

  // GSS checksum.
  let flags = 0;
  if (auth.cksum?.cksumtype === GSS_CHECKSUM_TYPE) {
    const c = decodeGssChecksum(auth.cksum.checksum);
    flags = c.flags;
    if (o.channelBinding !== undefined && !sameBytes(c.channelBinding, o.channelBinding)) {
      throw new KrbError('integrity', 'The channel bindings do not match', ErrorCode.KRB_AP_ERR_BAD_INTEGRITY);
    }
  } else if (mechOid !== undefined) {
    throw malformed(auth.cksum ? `GSS authenticator checksum of type ${auth.cksum.cksumtype}, expected 0x8003` : 'GSS authenticator without the 0x8003 checksum');
  }
  const mutual = hasFlag(apReq.apOptions, ApOption.mutualRequired) || (flags & GssFlag.MUTUAL) !== 0;
  const initiatorSubkey = auth.subkey ? makeKey(auth.subkey.keytype, auth.subkey.keyvalue) : undefined;
  const initiatorSeq = auth.seqNumber ?? 0;

  // Replay, last: only authenticators that passed every other check are remembered.
  if (o.replayCache) {
    const key = ReplayCache.key(principalText(client), principalText(server), auth.ctime.getTime(), auth.cusec);
    const seen = o.replayCache.check(key, ctimeMs, nowMs, skew);
    if (seen === 'replay') throw new KrbError('replay', `Authenticator of ${principalText(client)} replayed`, ErrorCode.KRB_AP_ERR_REPEAT);
    if (seen === 'full') throw new KrbError('replay', 'Too many authentications in the replay window; try again shortly', ErrorCode.KRB_AP_ERR_REPEAT);
  }

  const result: AcceptedContext = {
    keys: { sessionKey, ...(initiatorSubkey ? { initiatorSubkey } : {}) },
    flags,
    client,
    server,
    endtime: tkt.endtime,
    initiatorSeq,
    acceptorSeq: initiatorSeq,
    framing: mechOid === undefined ? 'raw' : 'gss',
    authtime: tkt.authtime,
    ticketFlags: tkt.flags,
    ticketEnctype: serviceKey.enctype,
    ticketKvno: serviceKey.kvno,
    ...(tkt.authorizationData ? { authorizationData: tkt.authorizationData } : {}),
  };
  if (!mutual) return result;

  const acceptorSubkey = o.acceptorSubkey === false ? undefined : enctypeOf(initiatorSubkey ?? sessionKey).generateKey();
  const acceptorSeq = randomSeqNumber();
  const encPart = encodeEncApRepPart({
    ctime: auth.ctime,
    cusec: auth.cusec,
    ...(acceptorSubkey ? { subkey: { keytype: acceptorSubkey.enctype, keyvalue: acceptorSubkey.bytes } } : {}),
    seqNumber: acceptorSeq,
  });
  const apRep = encodeApRep({ encPart: { etype: sessionKey.enctype, cipher: enctypeOf(sessionKey).encrypt(sessionKey, KeyUsage.AP_REP_ENC_PART, encPart) } });
  if (acceptorSubkey) result.keys.acceptorSubkey = acceptorSubkey;
  result.acceptorSeq = acceptorSeq;
  result.outputToken = mechOid === undefined ? apRep : wrapGssToken(GssTokenId.AP_REP, apRep, mechOid);
  return result;
}

interface ServiceKey {
  enctype: number;
  kvno: number;
}

/** Finds the service key for a ticket and decrypts it (key usage 2). */
function decryptTicket(ticket: Ticket, keytab: readonly KeytabEntry[]): { part: EncTicketPart; key: ServiceKey } {
  const server: Principal = { name: ticket.sname, realm: ticket.realm };
  const { etype, kvno } = ticket.encPart;
  if (!isSupportedEnctype(etype)) {
    throw new KrbError('unsupported-enctype', `The ticket is encrypted with ${enctypeName(etype)} (${etype}), which Keyhop does not support: use AES keys for ${principalText(server)}`, ErrorCode.KDC_ERR_ETYPE_NOSUPP);
  }
  const forServer = keytab.filter((e) => samePrincipal(e.principal, server));
  if (forServer.length === 0) {
    throw new KrbError('kdc-error', `No key for ${principalText(server)} in the keytab`, ErrorCode.KRB_AP_ERR_NOKEY);
  }
  const ofType = forServer.filter((e) => e.enctype === etype);
  if (ofType.length === 0) {
    const have = [...new Set(forServer.map((e) => enctypeName(e.enctype)))].join(', ');
    throw new KrbError('kdc-error', `The ticket is encrypted with ${enctypeName(etype)} but the keytab has no such key for ${principalText(server)} (it has ${have})`, ErrorCode.KRB_AP_ERR_NOKEY);
  }
  // With a kvno: that version (keytabs without the 32-bit extension keep only its low 8 bits).
  const candidates = (kvno === undefined ? ofType : ofType.filter((e) => e.kvno === kvno || (e.kvno <= 0xff && e.kvno === (kvno & 0xff)))).sort((a, b) => b.kvno - a.kvno);
  if (candidates.length === 0) {
    const have = [...new Set(ofType.map((e) => e.kvno))].join(', ');
    throw new KrbError('kdc-error', `The ticket is for key version ${kvno} of ${principalText(server)} but the keytab has version ${have}: update the keytab`, ErrorCode.KRB_AP_ERR_BADKEYVER);
  }
  const e = getEnctype(etype);
  let failure: unknown;
  for (const entry of candidates) {
    let key: Key;
    try {
      key = makeKey(entry.enctype, entry.key);
    } catch (err) {
      failure = err;
      continue;
    }
    let plain: Uint8Array;
    try {
      plain = e.decrypt(key, KeyUsage.KDC_REP_TICKET, ticket.encPart.cipher);
    } catch (err) {
      if (err instanceof KrbError && err.code === 'integrity') {
        failure = err;
        continue;
      }
      throw err;
    }
    return { part: decodeEncTicketPart(plain), key: { enctype: entry.enctype, kvno: entry.kvno } };
  }
  throw new KrbError('integrity', `The ticket for ${principalText(server)} does not decrypt with the service key: it was altered, or the keytab is stale`, ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, { cause: failure });
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * A KRB-ERROR telling the initiator why its AP-REQ was refused (RFC 4121 §4.1: TOK_ID 03 00 when
 * `framing` is 'gss'). Errors without an RFC 4120 code are sent as KRB_AP_ERR_MODIFIED (41) when
 * they concern integrity, KRB_ERR_GENERIC (60) otherwise. The e-text is the error's message.
 */
export function krbErrorToken(error: KrbError, o: { server: Principal; framing: 'gss' | 'raw'; now?: () => Date }): Uint8Array {
  const stamp = kerberosTimestamp((o.now ?? systemClock)());
  const errorCode = error.krbErrorCode ?? (error.code === 'integrity' ? ErrorCode.KRB_AP_ERR_MODIFIED : ErrorCode.KRB_ERR_GENERIC);
  const der = encodeKrbError({ stime: stamp.time, susec: stamp.usec, errorCode, realm: o.server.realm, sname: o.server.name, eText: error.message });
  return o.framing === 'gss' ? wrapGssToken(GssTokenId.KRB_ERROR, der) : der;
}
