/**
 * The TGS exchange (RFC 4120 §3.3): a service ticket, e.g. for `sip/proxy.example@REALM`, from a
 * ticket-granting ticket.
 *
 * The TGS-REQ carries the TGT in an AP-REQ inside PA-TGS-REQ. Its authenticator (encrypted in the
 * TGT session key, key usage 7) holds a keyed checksum of the encoded req-body (key usage 6) and a
 * fresh subkey; the KDC then encrypts the TGS-REP enc-part in that subkey (key usage 9). A KDC that
 * ignores the subkey uses the TGT session key (key usage 8), which is accepted as well.
 *
 * Cross-realm referrals are not followed: the service must be in the TGT's realm.
 */
import { KrbError, malformed } from '../errors';
import { encodeApReq, encodeAuthenticator } from '../asn1/ap';
import { KeyUsage, MessageType, NameType, PaDataType } from '../asn1/constants';
import { KdcOption, TicketFlag, hasFlag, withFlag } from '../asn1/flags';
import { decodeEncKdcRepPart, decodeTgsRep } from '../asn1/kdc-rep';
import { encodeKdcReqBody, encodeTgsReq, type KdcReqBody } from '../asn1/kdc-req';
import { parsePrincipal, sameName, type Principal } from '../asn1/principal';
import { decodeTicket } from '../asn1/ticket';
import { makeChecksum } from '../crypto/checksum';
import { enctypeOf, isSupportedEnctype, preferredEnctypes } from '../crypto/enctype';
import type { Key } from '../crypto/types';
import {
  DEFAULT_MAX_SKEW_MS,
  classifyReply,
  kdcError,
  kerberosTimestamp,
  principalText,
  randomNonce,
  sendToKdc,
  systemClock,
  typedErrors,
  type Credentials,
  type KdcSend,
} from './common';
import { checkKdcReply, rawTicket } from './kdc-reply';

export interface ServiceCredentialsOptions {
  /** A TGT for the service's realm (from `getInitialCredentials`). */
  tgt: Credentials;
  /**
   * The service: `sip/proxy.example` (realm of the TGT) or `sip/proxy.example@REALM`. Text names
   * are NT-SRV-INST (2).
   */
  server: string | Principal;
  send: KdcSend;
  /** Encryption types for the session key, most preferred first; default [18, 17, 20, 19]. */
  etypes?: readonly number[];
  /** Let the KDC canonicalize the service name (RFC 6806). Default false. */
  canonicalize?: boolean;
  /** Requested lifetime; default the TGT's end time (the KDC caps it there anyway). */
  lifetimeSeconds?: number;
  /** The local clock; default the system clock. */
  now?: () => Date;
  /** Time-stamp the request with the KDC's clock (local clock + `tgt.kdcTimeOffsetMs`). Default false. */
  useKdcTime?: boolean;
}

/** The service principal of a SIP proxy: `sip/<fqdn>@REALM`, NT-SRV-INST. */
export function sipServicePrincipal(fqdn: string, realm: string): Principal {
  return { name: { nameType: NameType.NT_SRV_INST, nameString: ['sip', fqdn] }, realm };
}

function tgtRealm(tgt: Credentials): string {
  const n = tgt.server.name.nameString;
  if (n.length !== 2 || n[0] !== 'krbtgt') throw malformed(`${principalText(tgt.server)} is not a ticket-granting ticket`);
  return tgt.server.realm;
}

/**
 * Gets a service ticket with a TGT. Every failure is a `KrbError`: 'ticket-expired' (the TGT has
 * expired: log in again), 'unknown-principal' (no such service), 'clock-skew', 'unsupported-enctype',
 * 'kdc-unreachable', 'malformed', 'integrity' or 'kdc-error'.
 */
export function getServiceCredentials(o: ServiceCredentialsOptions): Promise<Credentials> {
  return typedErrors('TGS exchange', () => tgsExchange(o));
}

async function tgsExchange(o: ServiceCredentialsOptions): Promise<Credentials> {
  const now = o.now ?? systemClock;
  const { tgt } = o;
  const realm = tgtRealm(tgt);
  const server = typeof o.server === 'string' ? parsePrincipal(o.server, { defaultRealm: realm, nameType: NameType.NT_SRV_INST }) : o.server;
  if (server.realm !== realm) {
    throw new KrbError('kdc-error', `${principalText(server)} is in another realm than the log-in ticket (${realm}); cross-realm tickets are not supported`);
  }
  const canonicalize = o.canonicalize ?? false;
  const etypes = (o.etypes ?? preferredEnctypes).filter(isSupportedEnctype);
  if (etypes.length === 0) throw new KrbError('unsupported-enctype', 'No supported encryption type was offered; Keyhop uses AES only');

  const start = o.useKdcTime ? new Date(now().getTime() + tgt.kdcTimeOffsetMs) : now();
  if (tgt.endtime.getTime() + DEFAULT_MAX_SKEW_MS < start.getTime()) {
    throw new KrbError('ticket-expired', 'The log-in ticket has expired; log in again', 32);
  }

  const sessionEnctype = enctypeOf(tgt.sessionKey);
  let kdcOptions = 0;
  if (canonicalize) kdcOptions = withFlag(kdcOptions, KdcOption.canonicalize);
  if (hasFlag(tgt.flags, TicketFlag.forwardable)) kdcOptions = withFlag(kdcOptions, KdcOption.forwardable);
  const till = o.lifetimeSeconds === undefined ? tgt.endtime : new Date(start.getTime() + o.lifetimeSeconds * 1000);
  const body: KdcReqBody = { kdcOptions, realm, sname: server.name, till, nonce: randomNonce(), etype: [...etypes] };

  const subkey = sessionEnctype.generateKey();
  const stamp = kerberosTimestamp(start);
  const authenticator = encodeAuthenticator({
    crealm: tgt.client.realm,
    cname: tgt.client.name,
    cksum: makeChecksum(tgt.sessionKey, KeyUsage.TGS_REQ_AUTH_CKSUM, encodeKdcReqBody(body)),
    cusec: stamp.usec,
    ctime: stamp.time,
    subkey: { keytype: subkey.enctype, keyvalue: subkey.bytes },
  });
  const apReq = encodeApReq({
    apOptions: 0,
    ticket: decodeTicket(tgt.ticket),
    authenticator: { etype: tgt.sessionKey.enctype, cipher: sessionEnctype.encrypt(tgt.sessionKey, KeyUsage.TGS_REQ_AUTH, authenticator) },
  });
  const request = encodeTgsReq({ padata: [{ padataType: PaDataType.PA_TGS_REQ, padataValue: apReq }], reqBody: body });

  const answer = classifyReply(await sendToKdc(o.send, request, realm), MessageType.TGS_REP, 'TGS reply');
  if ('error' in answer) throw kdcError(answer.error, { exchange: 'TGS', client: tgt.client, server });
  const rep = decodeTgsRep(answer.reply);
  const plain = decryptTgsRepPart(rep.encPart.etype, rep.encPart.cipher, subkey, tgt.sessionKey);
  const part = decodeEncKdcRepPart(plain);
  const { server: ticketServer, sessionKey } = checkKdcReply(rep, part, { nonce: body.nonce, server, canonicalize });
  if (rep.crealm !== tgt.client.realm || !sameName(rep.cname, tgt.client.name)) {
    throw new KrbError('integrity', `The service ticket is for ${principalText({ name: rep.cname, realm: rep.crealm })}, not ${principalText(tgt.client)}`);
  }
  const n = ticketServer.name.nameString;
  if (n.length === 2 && n[0] === 'krbtgt' && !(server.name.nameString[0] === 'krbtgt')) {
    throw new KrbError('kdc-error', `The Kerberos server referred the request for ${principalText(server)} to realm ${n[1]}; cross-realm referrals are not supported`);
  }

  return {
    client: tgt.client,
    server: ticketServer,
    sessionKey,
    ticket: rawTicket(answer.reply, MessageType.TGS_REP),
    authtime: part.authtime,
    ...(part.starttime ? { starttime: part.starttime } : {}),
    endtime: part.endtime,
    ...(part.renewTill ? { renewTill: part.renewTill } : {}),
    flags: part.flags,
    kdcTimeOffsetMs: tgt.kdcTimeOffsetMs,
  };
}

/** The TGS-REP enc-part: in the authenticator subkey (usage 9), or else the TGT session key (usage 8). */
function decryptTgsRepPart(etype: number, cipher: Uint8Array, subkey: Key, sessionKey: Key): Uint8Array {
  if (etype !== subkey.enctype && etype !== sessionKey.enctype) {
    throw malformed(`the TGS-REP is encrypted with enctype ${etype}, not that of the keys it should use`);
  }
  const e = enctypeOf(subkey);
  try {
    return e.decrypt(subkey, KeyUsage.TGS_REP_ENC_PART_SUBKEY, cipher);
  } catch (first) {
    if (!(first instanceof KrbError) || first.code !== 'integrity') throw first;
    try {
      return enctypeOf(sessionKey).decrypt(sessionKey, KeyUsage.TGS_REP_ENC_PART_SESSION_KEY, cipher);
    } catch (second) {
      if (second instanceof KrbError && second.code === 'integrity') {
        throw new KrbError('integrity', 'The TGS reply does not decrypt with the request\'s keys: it was altered or is not for this request', undefined, { cause: second });
      }
      throw second;
    }
  }
}
