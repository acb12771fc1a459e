/**
 * The Authentication Service exchange (RFC 4120 §3.1): AS-REQ in, AS-REP or KRB-ERROR out.
 * Pre-authentication with PA-ENC-TIMESTAMP is required of every client; a request without it
 * gets KDC_ERR_PREAUTH_REQUIRED with the ETYPE-INFO2 the client needs to derive its key.
 */
import {
  decodeAsReq,
  decodePaEncTimestamp,
  decodePaEncTsEnc,
  encodeAsRep,
  encodeChecksum,
  encodeEncAsRepPart,
  encodeEtypeInfo2,
  encodeMethodData,
  ErrorCode,
  findPaData,
  flagsOf,
  hasFlag,
  KdcOption,
  KeyUsage,
  PaDataType,
  TicketFlag,
  TransitedType,
  type EtypeInfo2Entry,
  type PaData,
} from '../../krb/asn1/index.js';
import { enctypeName, getEnctype, iterationParams, makeChecksum } from '../../krb/crypto/index.js';
import { KrbError } from '../../krb/errors.js';
import { chooseEnctype, keyOf, type PrincipalRecord } from './database.js';
import { KdcFailure, type FailureContext } from './failure.js';
import { endTime, nameText, sealTicket, type KdcContext, type KdcOutcome } from './issue.js';

function etypeInfo2(client: PrincipalRecord, enctype: number): EtypeInfo2Entry {
  const k = keyOf(client, enctype);
  return { etype: enctype, salt: client.salt, ...(k?.iterations !== undefined ? { s2kparams: iterationParams(k.iterations) } : {}) };
}

export function processAsReq(ctx: KdcContext, bytes: Uint8Array): KdcOutcome {
  const req = decodeAsReq(bytes);
  const body = req.reqBody;
  const who: FailureContext = { crealm: body.realm, ...(body.cname ? { cname: body.cname } : {}), ...(body.sname ? { sname: body.sname } : {}) };
  const fail = (code: number, text: string, eData?: Uint8Array) => new KdcFailure(code, text, who, eData);
  const client = nameText(body.cname, body.realm);
  const service = nameText(body.sname, body.realm);

  if (body.realm !== ctx.realm) throw fail(ErrorCode.KDC_ERR_WRONG_REALM, `This KDC serves realm ${ctx.realm}, not ${body.realm}`);
  if (!body.cname) throw fail(ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN, 'The AS-REQ names no client (cname)');
  if (!body.sname) throw fail(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, 'The AS-REQ names no service (sname)');
  const clientRec = ctx.db.get(body.cname);
  if (!clientRec) throw fail(ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN, `Client ${client} is not known to this KDC`);
  const serviceRec = ctx.db.get(body.sname);
  if (!serviceRec) throw fail(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, `Service ${service} is not known to this KDC`);

  const replyEtype = chooseEnctype(body.etype, clientRec);
  if (replyEtype === undefined) {
    throw fail(
      ErrorCode.KDC_ERR_ETYPE_NOSUPP,
      `None of the requested encryption types (${body.etype.join(', ') || 'none'}) is available for ${client}; this KDC offers ${clientRec.keys.map((k) => enctypeName(k.key.enctype)).join(', ')}`,
    );
  }
  const sessionEtype = chooseEnctype(body.etype, serviceRec);
  if (sessionEtype === undefined) {
    throw fail(ErrorCode.KDC_ERR_ETYPE_NOSUPP, `None of the requested encryption types (${body.etype.join(', ')}) is available for ${service}`);
  }

  // Pre-authentication: PA-ENC-TIMESTAMP with the client's long-term key (RFC 4120 §5.2.7.2).
  const info2: PaData = { padataType: PaDataType.PA_ETYPE_INFO2, padataValue: encodeEtypeInfo2([etypeInfo2(clientRec, replyEtype)]) };
  const methodData = encodeMethodData([info2, { padataType: PaDataType.PA_ENC_TIMESTAMP, padataValue: new Uint8Array(0) }]);
  const pa = findPaData(req.padata, PaDataType.PA_ENC_TIMESTAMP);
  if (!pa) {
    throw fail(ErrorCode.KDC_ERR_PREAUTH_REQUIRED, `Pre-authentication required: send PA-ENC-TIMESTAMP encrypted with the key of ${client}`, methodData);
  }
  const preauthFailed = (why: string) => fail(ErrorCode.KDC_ERR_PREAUTH_FAILED, `Pre-authentication failed for ${client}: ${why}`, methodData);
  let timestamp: Date;
  try {
    const enc = decodePaEncTimestamp(pa.padataValue);
    const k = keyOf(clientRec, enc.etype);
    if (!k) throw preauthFailed(`the timestamp is encrypted with ${enctypeName(enc.etype)}, a type this principal has no key for`);
    const ts = decodePaEncTsEnc(getEnctype(enc.etype).decrypt(k.key, KeyUsage.AS_REQ_PA_ENC_TIMESTAMP, enc.cipher));
    timestamp = new Date(ts.patimestamp.getTime() + Math.floor((ts.pausec ?? 0) / 1000));
  } catch (e) {
    if (e instanceof KdcFailure) throw e;
    if (e instanceof KrbError && e.code === 'integrity') throw preauthFailed('wrong password (the encrypted timestamp does not decrypt)');
    throw preauthFailed(`the encrypted timestamp is malformed (${(e as Error).message})`);
  }
  const skew = Math.abs(timestamp.getTime() - ctx.clock.getTime());
  if (skew > ctx.skewMs) {
    throw fail(
      ErrorCode.KRB_AP_ERR_SKEW,
      `Clock skew too great: the client's clock is ${Math.round(skew / 1000)} s away from the KDC's (at most ${ctx.skewMs / 1000} s allowed)`,
    );
  }

  // The ticket and the reply.
  const sessionKey = getEnctype(sessionEtype).generateKey();
  const replyKey = keyOf(clientRec, replyEtype)!;
  const endtime = endTime(ctx, body.till);
  const ticketFlags = flagsOf([
    TicketFlag.initial,
    TicketFlag.preAuthent,
    ...(hasFlag(body.kdcOptions, KdcOption.forwardable) ? [TicketFlag.forwardable] : []),
  ]);
  const ticket = sealTicket(serviceRec, ctx.realm, body.sname, {
    flags: ticketFlags,
    key: { keytype: sessionKey.enctype, keyvalue: sessionKey.bytes },
    crealm: ctx.realm,
    cname: body.cname,
    transited: { trType: TransitedType.DOMAIN_X500_COMPRESS, contents: new Uint8Array(0) },
    authtime: ctx.now,
    starttime: ctx.now,
    endtime,
    ...(body.addresses?.length ? { caddr: body.addresses } : {}),
  });

  // RFC 6806 §11: a client that sends PA-REQ-ENC-PA-REP gets a checksum of its request back
  // inside the encrypted part, which protects the unauthenticated first exchange.
  const wantsEncPaRep = findPaData(req.padata, PaDataType.PA_REQ_ENC_PA_REP) !== undefined;
  const encryptedPaData: PaData[] | undefined = wantsEncPaRep
    ? [{ padataType: PaDataType.PA_REQ_ENC_PA_REP, padataValue: encodeChecksum(makeChecksum(replyKey.key, KeyUsage.AS_REQ, bytes)) }]
    : undefined;
  const encPart = encodeEncAsRepPart({
    key: { keytype: sessionKey.enctype, keyvalue: sessionKey.bytes },
    lastReq: [{ lrType: 0, lrValue: ctx.now }],
    nonce: body.nonce,
    flags: wantsEncPaRep ? ticketFlags | flagsOf([TicketFlag.encPaRep]) : ticketFlags,
    authtime: ctx.now,
    starttime: ctx.now,
    endtime,
    srealm: ctx.realm,
    sname: body.sname,
    ...(body.addresses?.length ? { caddr: body.addresses } : {}),
    ...(encryptedPaData ? { encryptedPaData } : {}),
  });
  const reply = encodeAsRep({
    padata: [info2],
    crealm: ctx.realm,
    cname: body.cname,
    ticket,
    encPart: { etype: replyEtype, kvno: clientRec.kvno, cipher: getEnctype(replyEtype).encrypt(replyKey.key, KeyUsage.AS_REP_ENC_PART, encPart) },
  });
  return {
    reply,
    summary: `AS-REQ ${client} for ${service}: issued, reply ${enctypeName(replyEtype)}, session ${enctypeName(sessionEtype)}, until ${endtime.toISOString()}`,
  };
}
