/** AP-REQ, Authenticator (RFC 4120 §5.5.1), AP-REP and EncAPRepPart (§5.5.2). */
import {
  authorizationDataNode,
  checksumNode,
  encryptedDataNode,
  encryptionKeyNode,
  readAuthorizationData,
  readChecksum,
  readEncryptedData,
  readEncryptionKey,
  type AuthorizationData,
  type Checksum,
  type EncryptedData,
  type EncryptionKey,
} from './common';
import { ApplicationTag, KRB5_PVNO, MessageType } from './constants';
import {
  application,
  applicationFields,
  decodeDer,
  defined,
  int32,
  kerberosFlags,
  kerberosString,
  kerberosTime,
  microseconds,
  opt,
  readExactly,
  readKerberosFlags,
  readKerberosString,
  readKerberosTime,
  readMicroseconds,
  readUInt32,
  sequence,
  toDer,
  uint32,
  type Node,
  type Read,
} from './der';
import { principalNameNode, readPrincipalName, type PrincipalName } from './principal';
import { readTicket, ticketNode, type Ticket } from './ticket';

/**
 * AP-REQ ::= [APPLICATION 14] SEQUENCE { pvno [0] INTEGER (5), msg-type [1] INTEGER (14),
 *   ap-options [2] APOptions, ticket [3] Ticket, authenticator [4] EncryptedData -- Authenticator }
 */
export interface ApReq {
  /** APOptions, see `ApOption`. */
  apOptions: number;
  ticket: Ticket;
  authenticator: EncryptedData;
}

/**
 * Authenticator ::= [APPLICATION 2] SEQUENCE { authenticator-vno [0] INTEGER (5), crealm [1] Realm,
 *   cname [2] PrincipalName, cksum [3] Checksum OPTIONAL, cusec [4] Microseconds,
 *   ctime [5] KerberosTime, subkey [6] EncryptionKey OPTIONAL, seq-number [7] UInt32 OPTIONAL,
 *   authorization-data [8] AuthorizationData OPTIONAL }
 */
export interface Authenticator {
  crealm: string;
  cname: PrincipalName;
  cksum?: Checksum;
  cusec: number;
  ctime: Date;
  subkey?: EncryptionKey;
  seqNumber?: number;
  authorizationData?: AuthorizationData;
}

/** AP-REP ::= [APPLICATION 15] SEQUENCE { pvno [0] INTEGER (5), msg-type [1] INTEGER (15), enc-part [2] EncryptedData } */
export interface ApRep {
  encPart: EncryptedData;
}

/**
 * EncAPRepPart ::= [APPLICATION 27] SEQUENCE { ctime [0] KerberosTime, cusec [1] Microseconds,
 *   subkey [2] EncryptionKey OPTIONAL, seq-number [3] UInt32 OPTIONAL }
 */
export interface EncApRepPart {
  ctime: Date;
  cusec: number;
  subkey?: EncryptionKey;
  seqNumber?: number;
}

export const apReqNode = (m: ApReq): Node =>
  application(
    MessageType.AP_REQ,
    sequence([
      [0, int32(KRB5_PVNO)],
      [1, int32(MessageType.AP_REQ)],
      [2, kerberosFlags(m.apOptions)],
      [3, ticketNode(m.ticket)],
      [4, encryptedDataNode(m.authenticator)],
    ]),
  );

export const readApReq: Read<ApReq> = (node, what) => {
  const f = applicationFields(node, MessageType.AP_REQ, what);
  f.req(0, 'pvno', readExactly(KRB5_PVNO));
  f.req(1, 'msg-type', readExactly(MessageType.AP_REQ));
  return { apOptions: f.req(2, 'ap-options', readKerberosFlags), ticket: f.req(3, 'ticket', readTicket), authenticator: f.req(4, 'authenticator', readEncryptedData) };
};

export const authenticatorNode = (a: Authenticator): Node =>
  application(
    ApplicationTag.AUTHENTICATOR,
    sequence([
      [0, int32(KRB5_PVNO)],
      [1, kerberosString(a.crealm)],
      [2, principalNameNode(a.cname)],
      [3, opt(a.cksum, checksumNode)],
      [4, microseconds(a.cusec)],
      [5, kerberosTime(a.ctime)],
      [6, opt(a.subkey, encryptionKeyNode)],
      [7, opt(a.seqNumber, uint32)],
      [8, opt(a.authorizationData, authorizationDataNode)],
    ]),
  );

export const readAuthenticator: Read<Authenticator> = (node, what) => {
  const f = applicationFields(node, ApplicationTag.AUTHENTICATOR, what);
  f.req(0, 'authenticator-vno', readExactly(KRB5_PVNO));
  return defined({
    crealm: f.req(1, 'crealm', readKerberosString),
    cname: f.req(2, 'cname', readPrincipalName),
    cksum: f.opt(3, 'cksum', readChecksum),
    cusec: f.req(4, 'cusec', readMicroseconds),
    ctime: f.req(5, 'ctime', readKerberosTime),
    subkey: f.opt(6, 'subkey', readEncryptionKey),
    seqNumber: f.opt(7, 'seq-number', readUInt32),
    authorizationData: f.opt(8, 'authorization-data', readAuthorizationData),
  });
};

export const apRepNode = (m: ApRep): Node =>
  application(
    MessageType.AP_REP,
    sequence([
      [0, int32(KRB5_PVNO)],
      [1, int32(MessageType.AP_REP)],
      [2, encryptedDataNode(m.encPart)],
    ]),
  );

export const readApRep: Read<ApRep> = (node, what) => {
  const f = applicationFields(node, MessageType.AP_REP, what);
  f.req(0, 'pvno', readExactly(KRB5_PVNO));
  f.req(1, 'msg-type', readExactly(MessageType.AP_REP));
  return { encPart: f.req(2, 'enc-part', readEncryptedData) };
};

export const encApRepPartNode = (p: EncApRepPart): Node =>
  application(
    ApplicationTag.ENC_AP_REP_PART,
    sequence([
      [0, kerberosTime(p.ctime)],
      [1, microseconds(p.cusec)],
      [2, opt(p.subkey, encryptionKeyNode)],
      [3, opt(p.seqNumber, uint32)],
    ]),
  );

export const readEncApRepPart: Read<EncApRepPart> = (node, what) => {
  const f = applicationFields(node, ApplicationTag.ENC_AP_REP_PART, what);
  return defined({
    ctime: f.req(0, 'ctime', readKerberosTime),
    cusec: f.req(1, 'cusec', readMicroseconds),
    subkey: f.opt(2, 'subkey', readEncryptionKey),
    seqNumber: f.opt(3, 'seq-number', readUInt32),
  });
};

export const encodeApReq = (m: ApReq): Uint8Array => toDer(apReqNode(m));
export const decodeApReq = (bytes: Uint8Array): ApReq => decodeDer(bytes, 'AP-REQ', readApReq);
export const encodeAuthenticator = (a: Authenticator): Uint8Array => toDer(authenticatorNode(a));
export const decodeAuthenticator = (bytes: Uint8Array): Authenticator => decodeDer(bytes, 'Authenticator', readAuthenticator);
export const encodeApRep = (m: ApRep): Uint8Array => toDer(apRepNode(m));
export const decodeApRep = (bytes: Uint8Array): ApRep => decodeDer(bytes, 'AP-REP', readApRep);
export const encodeEncApRepPart = (p: EncApRepPart): Uint8Array => toDer(encApRepPartNode(p));
export const decodeEncApRepPart = (bytes: Uint8Array): EncApRepPart => decodeDer(bytes, 'EncAPRepPart', readEncApRepPart);
