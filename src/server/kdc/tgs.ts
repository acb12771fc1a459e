/**
 * The Ticket-Granting Service exchange (RFC 4120 §3.3): TGS-REQ in, TGS-REP or KRB-ERROR out.
 * The PA-TGS-REQ AP-REQ must carry a TGT of this realm (checked with the krbtgt key), an
 * authenticator from the same client within the clock skew, not replayed, and a keyed
 * checksum over the req-body exactly as it was sent. The reply is encrypted with the
 * authenticator's subkey when there is one (key usage 9), else with the TGT session key (8).
 */
import {
  decodeApReq,
  decodeAuthenticator,
  decodeEncTicketPart,
  decodeTgsReq,
  encodeEncTgsRepPart,
  encodeTgsRep,
  ErrorCode,
  findPaData,
  flagNames,
  flagsOf,
  hasFlag,
  KdcOption,
  KeyUsage,
  MessageType,
  PaDataType,
  rawReqBody,
  sameName,
  TicketFlag,
  type Authenticator,
  type EncTicketPart,
} from '../../krb/asn1/index.js';
import { enctypeName, getEnctype, makeKey, verifyChecksum, type Key } from '../../krb/crypto/index.js';
import { KrbError } from '../../krb/errors.js';
import { chooseEnctype, keyOf } from './database.js';
import { KdcFailure, type FailureContext } from './failure.js';
import { endTime, nameText, sealTicket, type KdcContext, type KdcOutcome } from './issue.js';

/** KDC options this KDC does not grant: renewal, validation, user-to-user, forwarding, S4U. */
const REFUSED_OPTIONS = [KdcOption.forwarded, KdcOption.proxy, KdcOption.cnameInAddlTkt, KdcOption.encTktInSkey, KdcOption.renew, KdcOption.validate];

export function processTgsReq(ctx: KdcContext, bytes: Uint8Array): KdcOutcome {
  const req = decodeTgsReq(bytes);
  const body = req.reqBody;
  const who: FailureContext = { crealm: ctx.realm, ...(body.sname ? { sname: body.sname } : {}) };
  const fail = (code: number, text: string) => new KdcFailure(code, text, who);
  const service = nameText(body.sname, body.realm);

  // The TGT.
  const pa = findPaData(req.padata, PaDataType.PA_TGS_REQ);
  if (!pa) throw fail(ErrorCode.KDC_ERR_PADATA_TYPE_NOSUPP, 'The TGS-REQ has no PA-TGS-REQ (the AP-REQ with the ticket-granting ticket)');
  const apReq = decodeApReq(pa.padataValue);
  const tgt = apReq.ticket;
  if (tgt.realm !== ctx.realm || !ctx.db.isKrbtgt(tgt.sname)) {
    throw fail(ErrorCode.KRB_AP_ERR_NOT_US, `The PA-TGS-REQ ticket is for ${nameText(tgt.sname, tgt.realm)}, not a ticket-granting ticket of ${ctx.realm}`);
  }
  const krbtgt = ctx.db.get(tgt.sname)!;
  if (tgt.encPart.kvno !== undefined && tgt.encPart.kvno !== krbtgt.kvno) {
    throw fail(ErrorCode.KRB_AP_ERR_BADKEYVER, `The ticket-granting ticket has key version ${tgt.encPart.kvno}; the current one is ${krbtgt.kvno}`);
  }
  const tgsKey = keyOf(krbtgt, tgt.encPart.etype);
  if (!tgsKey) throw fail(ErrorCode.KRB_AP_ERR_NOKEY, `No ${enctypeName(tgt.encPart.etype)} key for the ticket-granting ticket`);
  const tp: EncTicketPart = decryptOr(fail, () => decodeEncTicketPart(getEnctype(tgsKey.key.enctype).decrypt(tgsKey.key, KeyUsage.KDC_REP_TICKET, tgt.encPart.cipher)), 'ticket-granting ticket');
  who.crealm = tp.crealm;
  who.cname = tp.cname;
  const client = nameText(tp.cname, tp.crealm);

  // The authenticator.
  let sessionKey: Key;
  try {
    sessionKey = makeKey(tp.key.keytype, tp.key.keyvalue);
  } catch {
    throw fail(ErrorCode.KDC_ERR_ETYPE_NOSUPP, `The ticket-granting ticket's session key type ${enctypeName(tp.key.keytype)} is not supported`);
  }
  const auth: Authenticator = decryptOr(fail, () => decodeAuthenticator(getEnctype(sessionKey.enctype).decrypt(sessionKey, KeyUsage.TGS_REQ_AUTH, apReq.authenticator.cipher)), 'authenticator');
  if (auth.crealm !== tp.crealm || !sameName(auth.cname, tp.cname)) {
    throw fail(ErrorCode.KRB_AP_ERR_BADMATCH, `The authenticator names ${nameText(auth.cname, auth.crealm)} but the ticket is for ${client}`);
  }
  const ctime = auth.ctime.getTime() + Math.floor(auth.cusec / 1000);
  const skew = Math.abs(ctime - ctx.clock.getTime());
  if (skew > ctx.skewMs) {
    throw fail(ErrorCode.KRB_AP_ERR_SKEW, `Clock skew too great: the authenticator is ${Math.round(skew / 1000)} s away from the KDC's clock (at most ${ctx.skewMs / 1000} s allowed)`);
  }
  if (hasFlag(tp.flags, TicketFlag.invalid) || (tp.starttime ?? tp.authtime).getTime() > ctx.clock.getTime() + ctx.skewMs) {
    throw fail(ErrorCode.KRB_AP_ERR_TKT_NYV, `The ticket-granting ticket of ${client} is not yet valid`);
  }
  if (tp.endtime.getTime() < ctx.clock.getTime() - ctx.skewMs) {
    throw fail(ErrorCode.KRB_AP_ERR_TKT_EXPIRED, `The ticket-granting ticket of ${client} expired at ${tp.endtime.toISOString()}; get a new one`);
  }
  if (!auth.cksum) throw fail(ErrorCode.KRB_AP_ERR_INAPP_CKSUM, 'The authenticator has no checksum over the request body');
  let bodyOk: boolean;
  try {
    bodyOk = verifyChecksum(sessionKey, KeyUsage.TGS_REQ_AUTH_CKSUM, rawReqBody(bytes, MessageType.TGS_REQ), auth.cksum);
  } catch (e) {
    if (e instanceof KrbError && e.code === 'unsupported-enctype') throw fail(ErrorCode.KDC_ERR_SUMTYPE_NOSUPP, e.message);
    throw e;
  }
  if (!bodyOk) throw fail(ErrorCode.KRB_AP_ERR_MODIFIED, 'The request body does not match the checksum in the authenticator');

  // The same authenticator twice: the same reply for a retransmission, an error otherwise.
  const seen = ctx.replay.check(apReq.authenticator.cipher, bytes, ctx.clock.getTime());
  if (seen === 'replay') throw fail(ErrorCode.KRB_AP_ERR_REPEAT, 'This authenticator was already used (replay)');
  if (seen !== 'new') return { reply: seen, summary: `TGS-REQ ${client} for ${service}: retransmission, same reply` };

  // The service and the request.
  if (body.realm !== ctx.realm) throw fail(ErrorCode.KDC_ERR_WRONG_REALM, `This KDC serves realm ${ctx.realm}, not ${body.realm}; cross-realm is not supported`);
  if (!body.sname) throw fail(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, 'The TGS-REQ names no service (sname)');
  const refused = REFUSED_OPTIONS.filter((o) => hasFlag(body.kdcOptions, o));
  if (refused.length) {
    throw fail(ErrorCode.KDC_ERR_BADOPTION, `KDC option(s) not supported here: ${flagNames(KdcOption, flagsOf(refused)).join(', ')}`);
  }
  if (body.encAuthorizationData) throw fail(ErrorCode.KDC_ERR_BADOPTION, 'enc-authorization-data in a TGS-REQ is not supported here');
  const serviceRec = ctx.db.get(body.sname);
  if (!serviceRec) throw fail(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, `Service ${service} is not known to this KDC`);
  const sessionEtype = chooseEnctype(body.etype, serviceRec);
  if (sessionEtype === undefined) {
    throw fail(ErrorCode.KDC_ERR_ETYPE_NOSUPP, `None of the requested encryption types (${body.etype.join(', ') || 'none'}) is available for ${service}`);
  }
  let replyKey: Key = sessionKey;
  let replyUsage: number = KeyUsage.TGS_REP_ENC_PART_SESSION_KEY;
  if (auth.subkey) {
    try {
      replyKey = makeKey(auth.subkey.keytype, auth.subkey.keyvalue);
    } catch {
      throw fail(ErrorCode.KDC_ERR_ETYPE_NOSUPP, `The authenticator subkey type ${enctypeName(auth.subkey.keytype)} is not supported`);
    }
    replyUsage = KeyUsage.TGS_REP_ENC_PART_SUBKEY;
  }

  // The service ticket.
  const newKey = getEnctype(sessionEtype).generateKey();
  const endtime = endTime(ctx, body.till, tp.endtime);
  const flags = flagsOf([
    ...(hasFlag(tp.flags, TicketFlag.preAuthent) ? [TicketFlag.preAuthent] : []),
    ...(hasFlag(body.kdcOptions, KdcOption.forwardable) && hasFlag(tp.flags, TicketFlag.forwardable) ? [TicketFlag.forwardable] : []),
  ]);
  const ticket = sealTicket(serviceRec, ctx.realm, body.sname, {
    flags,
    key: { keytype: newKey.enctype, keyvalue: newKey.bytes },
    crealm: tp.crealm,
    cname: tp.cname,
    transited: tp.transited,
    authtime: tp.authtime,
    starttime: ctx.now,
    endtime,
    ...(tp.caddr ? { caddr: tp.caddr } : {}),
    ...(tp.authorizationData ? { authorizationData: tp.authorizationData } : {}),
  });
  const encPart = encodeEncTgsRepPart({
    key: { keytype: newKey.enctype, keyvalue: newKey.bytes },
    lastReq: [{ lrType: 0, lrValue: ctx.now }],
    nonce: body.nonce,
    flags,
    authtime: tp.authtime,
    starttime: ctx.now,
    endtime,
    srealm: ctx.realm,
    sname: body.sname,
    ...(tp.caddr ? { caddr: tp.caddr } : {}),
  });
  const reply = encodeTgsRep({
    crealm: tp.crealm,
    cname: tp.cname,
    ticket,
    encPart: { etype: replyKey.enctype, cipher: getEnctype(replyKey.enctype).encrypt(replyKey, replyUsage, encPart) },
  });
  ctx.replay.remember(apReq.authenticator.cipher, bytes, reply, ctx.clock.getTime());
  return {
    reply,
    summary: `TGS-REQ ${client} for ${service}: issued, session ${enctypeName(sessionEtype)}, reply with the ${auth.subkey ? 'subkey' : 'session key'}, until ${endtime.toISOString()}`,
  };
}

/** Decrypts and decodes; a failed integrity check or bad contents is KRB_AP_ERR_BAD_INTEGRITY. */
function decryptOr<T>(fail: (code: number, text: string) => KdcFailure, f: () => T, what: string): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof KrbError && e.code === 'integrity') throw fail(ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, `The ${what} does not decrypt (wrong key or altered)`);
    if (e instanceof KrbError && e.code === 'malformed') throw fail(ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, `The ${what} is malformed: ${e.message}`);
    throw e;
  }
}
