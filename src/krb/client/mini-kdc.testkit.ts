/**
 * A tiny in-memory KDC for unit tests of the client, made from the ASN.1 codecs: AS exchange with
 * optional encrypted-timestamp pre-authentication (ETYPE-INFO2, PA-REQ-ENC-PA-REP) and TGS
 * exchange (PA-TGS-REQ with the req-body checksum, reply in the subkey). Only what the tests need;
 * hooks let a test alter replies. Not a KDC for real use.
 */
import { decodeApReq, decodeAuthenticator } from '../asn1/ap';
import { decodeChecksum, encodeChecksum, type PaData } from '../asn1/common';
import { ErrorCode, KeyUsage, MessageType, NameType, PaDataType } from '../asn1/constants';
import { TicketFlag, flagsOf, withFlag } from '../asn1/flags';
import { encodeAsRep, encodeEncAsRepPart, encodeEncTgsRepPart, encodeTgsRep, type EncKdcRepPart } from '../asn1/kdc-rep';
import { decodeAsReq, decodeTgsReq, rawReqBody } from '../asn1/kdc-req';
import { encodeKrbError } from '../asn1/krb-error';
import { messageType } from '../asn1/message';
import { decodePaEncTimestamp, decodePaEncTsEnc, encodeEtypeInfo2, encodeMethodData, findPaData } from '../asn1/preauth';
import { formatPrincipal, type PrincipalName } from '../asn1/principal';
import { decodeEncTicketPart, encodeEncTicketPart, type EncTicketPart, type Ticket } from '../asn1/ticket';
import { checkChecksum, makeChecksum } from '../crypto/checksum';
import { getEnctype, iterationParams, type Key } from '../crypto';
import { KrbError } from '../errors';
import type { KeytabEntry } from '../keytab';

export interface MiniUser {
  password: string;
  keys: Map<number, Key>;
  salt: string;
  iterations: number;
  requirePreauth: boolean;
}

export interface MiniService {
  keys: KeytabEntry[];
  /** Enctype of the key the tickets are encrypted with. */
  ticketEnctype: number;
  kvno: number;
}

export interface MiniKdcHooks {
  /** Tag of the AS-REP enc-part: 26 like MIT (default) or 25. */
  asRepTag?: 25 | 26;
  /** Answer PA-REQ-ENC-PA-REP requests (default true). */
  encPaRep?: boolean;
  /** Encrypt the TGS-REP in the TGT session key even when the authenticator has a subkey. */
  ignoreSubkey?: boolean;
  /** Changes a reply before it is returned. */
  alterReply?: (reply: Uint8Array, request: Uint8Array) => Uint8Array;
  /** Changes the decrypted EncKDCRepPart before it is encrypted. */
  alterEncPart?: (part: EncKdcRepPart) => void;
  /** cname to put in the AS-REP (for canonicalization tests). */
  replyCname?: PrincipalName;
}

const SKEW_MS = 300_000;

export class MiniKdc {
  readonly users = new Map<string, MiniUser>();
  readonly services = new Map<string, MiniService>();
  readonly krbtgt: Key;
  readonly requests: Uint8Array[] = [];
  hooks: MiniKdcHooks = {};
  /** The KDC's clock. */
  now: () => Date = () => new Date();

  constructor(readonly realm: string) {
    this.krbtgt = getEnctype(18).generateKey();
  }

  /** A user with keys of `etypes` derived from `password` (low iteration count, for speed). */
  addUser(name: string, password: string, o: { etypes?: number[]; requirePreauth?: boolean; iterations?: number } = {}): void {
    const salt = this.realm + name.split('/').join('');
    const iterations = o.iterations ?? 64;
    const keys = new Map<number, Key>();
    for (const etype of o.etypes ?? [18, 17, 20, 19]) keys.set(etype, getEnctype(etype).stringToKey(password, salt, iterationParams(iterations)));
    this.users.set(name, { password, keys, salt, iterations, requirePreauth: o.requirePreauth ?? true });
  }

  /** A service (e.g. `sip/proxy.test`) with random keys; returns its keytab entries. */
  addService(name: string, o: { etypes?: number[]; kvno?: number; ticketEnctype?: number } = {}): KeytabEntry[] {
    const kvno = o.kvno ?? 2;
    const etypes = o.etypes ?? [18, 20];
    const parts = name.split('/');
    const keys = etypes.map((etype) => ({
      principal: { name: { nameType: NameType.NT_SRV_INST, nameString: parts }, realm: this.realm },
      timestamp: new Date(0),
      kvno,
      enctype: etype,
      key: getEnctype(etype).generateKey().bytes,
    }));
    this.services.set(name, { keys, kvno, ticketEnctype: o.ticketEnctype ?? (etypes[0] as number) });
    return keys;
  }

  /** The transport to hand to the client. */
  readonly send = async (request: Uint8Array, realm: string): Promise<Uint8Array> => {
    this.requests.push(request);
    if (realm !== this.realm) throw new Error(`no KDC for ${realm}`);
    const reply = this.handle(request);
    return this.hooks.alterReply ? this.hooks.alterReply(reply, request) : reply;
  };

  private handle(request: Uint8Array): Uint8Array {
    const type = messageType(request);
    if (type === MessageType.AS_REQ) return this.as(request);
    if (type === MessageType.TGS_REQ) return this.tgs(request);
    return this.error(ErrorCode.KRB_AP_ERR_MSG_TYPE, { nameType: 2, nameString: ['krbtgt', this.realm] });
  }

  error(code: number, sname: PrincipalName, eData?: Uint8Array, eText?: string): Uint8Array {
    const t = this.now();
    return encodeKrbError({
      stime: new Date(Math.floor(t.getTime() / 1000) * 1000),
      susec: (t.getTime() % 1000) * 1000,
      errorCode: code,
      realm: this.realm,
      sname,
      ...(eData ? { eData } : {}),
      ...(eText ? { eText } : {}),
    });
  }

  private as(bytes: Uint8Array): Uint8Array {
    const req = decodeAsReq(bytes);
    const body = req.reqBody;
    const sname = body.sname ?? { nameType: 2, nameString: ['krbtgt', this.realm] };
    const user = body.cname ? this.users.get(formatPrincipal(body.cname)) : undefined;
    if (!user || !body.cname) return this.error(ErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN, sname);
    const etype = body.etype.find((e) => user.keys.has(e));
    if (etype === undefined) return this.error(ErrorCode.KDC_ERR_ETYPE_NOSUPP, sname);
    const userKey = user.keys.get(etype) as Key;
    const info2: PaData = { padataType: PaDataType.PA_ETYPE_INFO2, padataValue: encodeEtypeInfo2([{ etype, salt: user.salt, s2kparams: iterationParams(user.iterations) }]) };
    let replyKey = userKey;
    if (user.requirePreauth) {
      const pa = findPaData(req.padata, PaDataType.PA_ENC_TIMESTAMP);
      if (!pa) {
        const methodData = encodeMethodData([{ padataType: PaDataType.PA_ENC_TIMESTAMP, padataValue: new Uint8Array(0) }, info2]);
        return this.error(ErrorCode.KDC_ERR_PREAUTH_REQUIRED, sname, methodData);
      }
      const enc = decodePaEncTimestamp(pa.padataValue);
      const key = user.keys.get(enc.etype);
      if (!key) return this.error(ErrorCode.KDC_ERR_ETYPE_NOSUPP, sname);
      let ts;
      try {
        ts = decodePaEncTsEnc(getEnctype(enc.etype).decrypt(key, KeyUsage.AS_REQ_PA_ENC_TIMESTAMP, enc.cipher));
      } catch (e) {
        if (e instanceof KrbError && e.code === 'integrity') return this.error(ErrorCode.KDC_ERR_PREAUTH_FAILED, sname);
        throw e;
      }
      if (Math.abs(ts.patimestamp.getTime() + Math.floor((ts.pausec ?? 0) / 1000) - this.now().getTime()) > SKEW_MS) {
        return this.error(ErrorCode.KRB_AP_ERR_SKEW, sname);
      }
      replyKey = key;
    }
    const server = formatPrincipal(sname);
    const serverKey = server === `krbtgt/${this.realm}` ? { key: this.krbtgt, kvno: 1 } : this.serviceKey(server);
    if (!serverKey) return this.error(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, sname);
    const sessionEtype = body.etype[0] as number;
    const now = this.now();
    const authtime = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const endtime = new Date(Math.min(body.till.getTime(), authtime.getTime() + 10 * 3600_000));
    const sessionKey = getEnctype(sessionEtype).generateKey();
    let flags = flagsOf([TicketFlag.initial, ...(user.requirePreauth ? [TicketFlag.preAuthent] : [])]);
    const ticket = this.ticket(sname, serverKey, { flags, key: sessionKey, crealm: this.realm, cname: body.cname, authtime, endtime });
    const part: EncKdcRepPart = { key: { keytype: sessionKey.enctype, keyvalue: sessionKey.bytes }, lastReq: [], nonce: body.nonce, flags, authtime, endtime, srealm: this.realm, sname };
    if ((this.hooks.encPaRep ?? true) && findPaData(req.padata, PaDataType.PA_REQ_ENC_PA_REP)) {
      flags = withFlag(flags, TicketFlag.encPaRep);
      part.flags = flags;
      part.encryptedPaData = [{ padataType: PaDataType.PA_REQ_ENC_PA_REP, padataValue: encodeChecksum(makeChecksum(replyKey, KeyUsage.AS_REQ, bytes)) }];
    }
    this.hooks.alterEncPart?.(part);
    const plain = (this.hooks.asRepTag ?? 26) === 26 ? encodeEncTgsRepPart(part) : encodeEncAsRepPart(part);
    return encodeAsRep({
      padata: [info2],
      crealm: this.realm,
      cname: this.hooks.replyCname ?? body.cname,
      ticket,
      encPart: { etype: replyKey.enctype, cipher: getEnctype(replyKey.enctype).encrypt(replyKey, KeyUsage.AS_REP_ENC_PART, plain) },
    });
  }

  private serviceKey(name: string): { key: Key; kvno: number } | undefined {
    const s = this.services.get(name);
    const entry = s?.keys.find((k) => k.enctype === s.ticketEnctype);
    return s && entry ? { key: { enctype: entry.enctype, bytes: entry.key }, kvno: s.kvno } : undefined;
  }

  private ticket(sname: PrincipalName, serverKey: { key: Key; kvno: number }, p: Omit<EncTicketPart, 'transited' | 'key'> & { key: Key }): Ticket {
    const part: EncTicketPart = { ...p, key: { keytype: p.key.enctype, keyvalue: p.key.bytes }, transited: { trType: 1, contents: new Uint8Array(0) } };
    const cipher = getEnctype(serverKey.key.enctype).encrypt(serverKey.key, KeyUsage.KDC_REP_TICKET, encodeEncTicketPart(part));
    return { realm: this.realm, sname, encPart: { etype: serverKey.key.enctype, kvno: serverKey.kvno, cipher } };
  }

  private tgs(bytes: Uint8Array): Uint8Array {
    const req = decodeTgsReq(bytes);
    const body = req.reqBody;
    const sname = body.sname ?? { nameType: 2, nameString: ['krbtgt', this.realm] };
    const pa = findPaData(req.padata, PaDataType.PA_TGS_REQ);
    if (!pa) return this.error(ErrorCode.KDC_ERR_PADATA_TYPE_NOSUPP, sname);
    const apReq = decodeApReq(pa.padataValue);
    let tgt: EncTicketPart;
    try {
      tgt = decodeEncTicketPart(getEnctype(apReq.ticket.encPart.etype).decrypt(this.krbtgt, KeyUsage.KDC_REP_TICKET, apReq.ticket.encPart.cipher));
    } catch {
      return this.error(ErrorCode.KRB_AP_ERR_BAD_INTEGRITY, sname);
    }
    const session: Key = { enctype: tgt.key.keytype, bytes: tgt.key.keyvalue };
    const auth = decodeAuthenticator(getEnctype(session.enctype).decrypt(session, KeyUsage.TGS_REQ_AUTH, apReq.authenticator.cipher));
    if (!auth.cksum) return this.error(ErrorCode.KRB_AP_ERR_INAPP_CKSUM, sname);
    try {
      checkChecksum(session, KeyUsage.TGS_REQ_AUTH_CKSUM, rawReqBody(bytes, MessageType.TGS_REQ), decodeChecksum(encodeChecksum(auth.cksum)));
    } catch {
      return this.error(ErrorCode.KRB_AP_ERR_MODIFIED, sname);
    }
    const now = this.now();
    if (Math.abs(auth.ctime.getTime() - now.getTime()) > SKEW_MS) return this.error(ErrorCode.KRB_AP_ERR_SKEW, sname);
    if (tgt.endtime.getTime() < now.getTime()) return this.error(ErrorCode.KRB_AP_ERR_TKT_EXPIRED, sname);
    const server = formatPrincipal(sname);
    const serverKey = this.serviceKey(server);
    if (!serverKey) return this.error(ErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN, sname, undefined, 'Server not found in Kerberos database');
    const sessionEtype = body.etype[0] as number;
    const sessionKey = getEnctype(sessionEtype).generateKey();
    const authtime = tgt.authtime;
    const endtime = new Date(Math.min(body.till.getTime(), tgt.endtime.getTime()));
    const flags = flagsOf([TicketFlag.preAuthent]);
    const ticket = this.ticket(sname, serverKey, { flags, key: sessionKey, crealm: tgt.crealm, cname: tgt.cname, authtime, endtime });
    const part: EncKdcRepPart = { key: { keytype: sessionKey.enctype, keyvalue: sessionKey.bytes }, lastReq: [], nonce: body.nonce, flags, authtime, endtime, srealm: this.realm, sname };
    this.hooks.alterEncPart?.(part);
    const useSubkey = auth.subkey && !this.hooks.ignoreSubkey;
    const replyKey: Key = useSubkey && auth.subkey ? { enctype: auth.subkey.keytype, bytes: auth.subkey.keyvalue } : session;
    const usage = useSubkey ? KeyUsage.TGS_REP_ENC_PART_SUBKEY : KeyUsage.TGS_REP_ENC_PART_SESSION_KEY;
    return encodeTgsRep({
      crealm: tgt.crealm,
      cname: tgt.cname,
      ticket,
      encPart: { etype: replyKey.enctype, cipher: getEnctype(replyKey.enctype).encrypt(replyKey, usage, encodeEncTgsRepPart(part)) },
    });
  }
}
