/** KDC-REP, AS-REP, TGS-REP and EncKDCRepPart / EncASRepPart / EncTGSRepPart (RFC 4120 §5.4.2). */
import {
  encryptedDataNode,
  encryptionKeyNode,
  hostAddressesNode,
  lastReqNode,
  paDataListNode,
  readEncryptedData,
  readEncryptionKey,
  readHostAddresses,
  readLastReq,
  readPaDataList,
  type EncryptedData,
  type EncryptionKey,
  type HostAddress,
  type LastReq,
  type PaData,
} from './common';
import { ApplicationTag, KRB5_PVNO, MessageType } from './constants';
import {
  Fields,
  application,
  applicationFields,
  applicationTag,
  decodeDer,
  defined,
  int32,
  kerberosFlags,
  kerberosString,
  kerberosTime,
  opt,
  readApplication,
  readExactly,
  readKerberosFlags,
  readKerberosString,
  readKerberosTime,
  readUInt32,
  sequence,
  toDer,
  uint32,
  type Node,
  type Read,
} from './der';
import { malformed } from '../errors';
import { principalNameNode, readPrincipalName, type PrincipalName } from './principal';
import { readTicket, ticketNode, type Ticket } from './ticket';

/**
 * KDC-REP ::= SEQUENCE { pvno [0] INTEGER (5), msg-type [1] INTEGER (11 | 13),
 *   padata [2] SEQUENCE OF PA-DATA OPTIONAL, crealm [3] Realm, cname [4] PrincipalName,
 *   ticket [5] Ticket, enc-part [6] EncryptedData -- EncASRepPart or EncTGSRepPart }
 */
export interface KdcRep {
  padata?: PaData[];
  crealm: string;
  cname: PrincipalName;
  ticket: Ticket;
  encPart: EncryptedData;
}

/** EncKDCRepPart ::= SEQUENCE { key [0] ... caddr [11], encrypted-pa-data [12] (RFC 6806) } */
export interface EncKdcRepPart {
  key: EncryptionKey;
  lastReq: LastReq;
  nonce: number;
  keyExpiration?: Date;
  /** TicketFlags, see `TicketFlag`. */
  flags: number;
  authtime: Date;
  starttime?: Date;
  endtime: Date;
  renewTill?: Date;
  srealm: string;
  sname: PrincipalName;
  caddr?: HostAddress[];
  encryptedPaData?: PaData[];
}

function kdcRepNode(msgType: number, rep: KdcRep): Node {
  return application(
    msgType,
    sequence([
      [0, int32(KRB5_PVNO)],
      [1, int32(msgType)],
      [2, opt(rep.padata, paDataListNode)],
      [3, kerberosString(rep.crealm)],
      [4, principalNameNode(rep.cname)],
      [5, ticketNode(rep.ticket)],
      [6, encryptedDataNode(rep.encPart)],
    ]),
  );
}

function readKdcRep(msgType: number): Read<KdcRep> {
  return (node, what) => {
    const f = applicationFields(node, msgType, what);
    f.req(0, 'pvno', readExactly(KRB5_PVNO));
    f.req(1, 'msg-type', readExactly(msgType));
    return defined({
      padata: f.opt(2, 'padata', readPaDataList),
      crealm: f.req(3, 'crealm', readKerberosString),
      cname: f.req(4, 'cname', readPrincipalName),
      ticket: f.req(5, 'ticket', readTicket),
      encPart: f.req(6, 'enc-part', readEncryptedData),
    });
  };
}

export const encKdcRepPartNode = (p: EncKdcRepPart): Node =>
  sequence([
    [0, encryptionKeyNode(p.key)],
    [1, lastReqNode(p.lastReq)],
    [2, uint32(p.nonce)],
    [3, opt(p.keyExpiration, kerberosTime)],
    [4, kerberosFlags(p.flags)],
    [5, kerberosTime(p.authtime)],
    [6, opt(p.starttime, kerberosTime)],
    [7, kerberosTime(p.endtime)],
    [8, opt(p.renewTill, kerberosTime)],
    [9, kerberosString(p.srealm)],
    [10, principalNameNode(p.sname)],
    [11, opt(p.caddr, hostAddressesNode)],
    [12, opt(p.encryptedPaData, paDataListNode)],
  ]);

export const readEncKdcRepPart: Read<EncKdcRepPart> = (node, what) => {
  const f = new Fields(node, what);
  return defined({
    key: f.req(0, 'key', readEncryptionKey),
    lastReq: f.req(1, 'last-req', readLastReq),
    nonce: f.req(2, 'nonce', readUInt32),
    keyExpiration: f.opt(3, 'key-expiration', readKerberosTime),
    flags: f.req(4, 'flags', readKerberosFlags),
    authtime: f.req(5, 'authtime', readKerberosTime),
    starttime: f.opt(6, 'starttime', readKerberosTime),
    endtime: f.req(7, 'endtime', readKerberosTime),
    renewTill: f.opt(8, 'renew-till', readKerberosTime),
    srealm: f.req(9, 'srealm', readKerberosString),
    sname: f.req(10, 'sname', readPrincipalName),
    caddr: f.opt(11, 'caddr', readHostAddresses),
    encryptedPaData: f.opt(12, 'encrypted-pa-data', readPaDataList),
  });
};

/** AS-REP ::= [APPLICATION 11] KDC-REP */
export const encodeAsRep = (rep: KdcRep): Uint8Array => toDer(kdcRepNode(MessageType.AS_REP, rep));
export const decodeAsRep = (bytes: Uint8Array): KdcRep => decodeDer(bytes, 'AS-REP', readKdcRep(MessageType.AS_REP));
/** TGS-REP ::= [APPLICATION 13] KDC-REP */
export const encodeTgsRep = (rep: KdcRep): Uint8Array => toDer(kdcRepNode(MessageType.TGS_REP, rep));
export const decodeTgsRep = (bytes: Uint8Array): KdcRep => decodeDer(bytes, 'TGS-REP', readKdcRep(MessageType.TGS_REP));

/** EncASRepPart ::= [APPLICATION 25] EncKDCRepPart */
export const encodeEncAsRepPart = (p: EncKdcRepPart): Uint8Array => toDer(application(ApplicationTag.ENC_AS_REP_PART, encKdcRepPartNode(p)));
export const decodeEncAsRepPart = (bytes: Uint8Array): EncKdcRepPart =>
  decodeDer(bytes, 'EncASRepPart', (node, what) => readEncKdcRepPart(readApplication(node, ApplicationTag.ENC_AS_REP_PART, what), what));
/** EncTGSRepPart ::= [APPLICATION 26] EncKDCRepPart */
export const encodeEncTgsRepPart = (p: EncKdcRepPart): Uint8Array => toDer(application(ApplicationTag.ENC_TGS_REP_PART, encKdcRepPartNode(p)));
export const decodeEncTgsRepPart = (bytes: Uint8Array): EncKdcRepPart =>
  decodeDer(bytes, 'EncTGSRepPart', (node, what) => readEncKdcRepPart(readApplication(node, ApplicationTag.ENC_TGS_REP_PART, what), what));

/**
 * Either EncASRepPart or EncTGSRepPart. RFC 4120 §5.4.2 lets a client accept either tag in either
 * reply, since some KDCs send tag 26 in an AS-REP; a client should decode replies with this.
 */
export const decodeEncKdcRepPart = (bytes: Uint8Array): EncKdcRepPart =>
  decodeDer(bytes, 'EncKDCRepPart', (node, what) => {
    const tag = applicationTag(node);
    if (tag !== ApplicationTag.ENC_AS_REP_PART && tag !== ApplicationTag.ENC_TGS_REP_PART) {
      throw malformed(`${what}: expected [APPLICATION 25] or [APPLICATION 26]`);
    }
    return readEncKdcRepPart(readApplication(node, tag, what), what);
  });
