/** KDC-REQ, AS-REQ, TGS-REQ and KDC-REQ-BODY (RFC 4120 §5.4.1). */
import {
  encryptedDataNode,
  hostAddressesNode,
  paDataListNode,
  readEncryptedData,
  readHostAddresses,
  readPaDataList,
  type EncryptedData,
  type HostAddress,
  type PaData,
} from './common';
import { KRB5_PVNO, MessageType } from './constants';
import {
  Fields,
  application,
  applicationFields,
  decodeDer,
  defined,
  int32,
  kerberosFlags,
  kerberosString,
  kerberosTime,
  opt,
  readExactly,
  readInt32,
  readKerberosFlags,
  readKerberosString,
  readKerberosTime,
  readRaw,
  readSequenceOf,
  readUInt32,
  sequence,
  sequenceOf,
  toDer,
  uint32,
  type Node,
  type Read,
} from './der';
import { principalNameNode, readPrincipalName, type PrincipalName } from './principal';
import { readTicket, ticketNode, type Ticket } from './ticket';

/**
 * KDC-REQ ::= SEQUENCE { pvno [1] INTEGER (5), msg-type [2] INTEGER (10 | 12),
 *   padata [3] SEQUENCE OF PA-DATA OPTIONAL, req-body [4] KDC-REQ-BODY }
 * pvno and msg-type are implied by the encoder used (AS-REQ or TGS-REQ) and checked on decode.
 */
export interface KdcReq {
  padata?: PaData[];
  reqBody: KdcReqBody;
}

/** KDC-REQ-BODY ::= SEQUENCE { kdc-options [0] KDCOptions, ... additional-tickets [11] ... } */
export interface KdcReqBody {
  /** KDCOptions, see `KdcOption`. */
  kdcOptions: number;
  cname?: PrincipalName;
  /** Server's realm; also the client's realm in an AS-REQ. */
  realm: string;
  sname?: PrincipalName;
  from?: Date;
  till: Date;
  rtime?: Date;
  nonce: number;
  /** Encryption types in order of preference. */
  etype: number[];
  addresses?: HostAddress[];
  encAuthorizationData?: EncryptedData;
  additionalTickets?: Ticket[];
}

export const kdcReqBodyNode = (b: KdcReqBody): Node =>
  sequence([
    [0, kerberosFlags(b.kdcOptions)],
    [1, opt(b.cname, principalNameNode)],
    [2, kerberosString(b.realm)],
    [3, opt(b.sname, principalNameNode)],
    [4, opt(b.from, kerberosTime)],
    [5, kerberosTime(b.till)],
    [6, opt(b.rtime, kerberosTime)],
    [7, uint32(b.nonce)],
    [8, sequenceOf(b.etype, int32)],
    [9, opt(b.addresses, hostAddressesNode)],
    [10, opt(b.encAuthorizationData, encryptedDataNode)],
    [11, opt(b.additionalTickets, (t) => sequenceOf(t, ticketNode))],
  ]);

export const readKdcReqBody: Read<KdcReqBody> = (node, what) => {
  const f = new Fields(node, what);
  return defined({
    kdcOptions: f.req(0, 'kdc-options', readKerberosFlags),
    cname: f.opt(1, 'cname', readPrincipalName),
    realm: f.req(2, 'realm', readKerberosString),
    sname: f.opt(3, 'sname', readPrincipalName),
    from: f.opt(4, 'from', readKerberosTime),
    till: f.req(5, 'till', readKerberosTime),
    rtime: f.opt(6, 'rtime', readKerberosTime),
    nonce: f.req(7, 'nonce', readUInt32),
    etype: f.req(8, 'etype', readSequenceOf(readInt32)),
    addresses: f.opt(9, 'addresses', readHostAddresses),
    encAuthorizationData: f.opt(10, 'enc-authorization-data', readEncryptedData),
    additionalTickets: f.opt(11, 'additional-tickets', readSequenceOf(readTicket)),
  });
};

function kdcReqNode(msgType: number, req: KdcReq): Node {
  return application(
    msgType,
    sequence([
      [1, int32(KRB5_PVNO)],
      [2, int32(msgType)],
      [3, opt(req.padata, paDataListNode)],
      [4, kdcReqBodyNode(req.reqBody)],
    ]),
  );
}

function kdcReqFields(node: Node, msgType: number, what: string): Fields {
  const f = applicationFields(node, msgType, what);
  f.req(1, 'pvno', readExactly(KRB5_PVNO));
  f.req(2, 'msg-type', readExactly(msgType));
  return f;
}

function readKdcReq(msgType: number): Read<KdcReq> {
  return (node, what) => {
    const f = kdcReqFields(node, msgType, what);
    return defined({ padata: f.opt(3, 'padata', readPaDataList), reqBody: f.req(4, 'req-body', readKdcReqBody) });
  };
}

export const asReqNode = (req: KdcReq): Node => kdcReqNode(MessageType.AS_REQ, req);
export const tgsReqNode = (req: KdcReq): Node => kdcReqNode(MessageType.TGS_REQ, req);
export const readAsReq = readKdcReq(MessageType.AS_REQ);
export const readTgsReq = readKdcReq(MessageType.TGS_REQ);

/** AS-REQ ::= [APPLICATION 10] KDC-REQ */
export const encodeAsReq = (req: KdcReq): Uint8Array => toDer(asReqNode(req));
export const decodeAsReq = (bytes: Uint8Array): KdcReq => decodeDer(bytes, 'AS-REQ', readAsReq);
/** TGS-REQ ::= [APPLICATION 12] KDC-REQ */
export const encodeTgsReq = (req: KdcReq): Uint8Array => toDer(tgsReqNode(req));
export const decodeTgsReq = (bytes: Uint8Array): KdcReq => decodeDer(bytes, 'TGS-REQ', readTgsReq);

/**
 * KDC-REQ-BODY alone: a TGS-REQ authenticator's cksum is computed over these bytes (RFC 4120
 * §7.2.2 / §5.4.1).
 */
export const encodeKdcReqBody = (body: KdcReqBody): Uint8Array => toDer(kdcReqBodyNode(body));
export const decodeKdcReqBody = (bytes: Uint8Array): KdcReqBody => decodeDer(bytes, 'KDC-REQ-BODY', readKdcReqBody);

/**
 * The req-body of an encoded AS-REQ or TGS-REQ exactly as it was received, for verifying a
 * checksum over it without depending on re-encoding.
 */
export function rawReqBody(bytes: Uint8Array, msgType: typeof MessageType.AS_REQ | typeof MessageType.TGS_REQ): Uint8Array {
  const what = msgType === MessageType.AS_REQ ? 'AS-REQ' : 'TGS-REQ';
  return decodeDer(bytes, what, (node, w) => kdcReqFields(node, msgType, w).req(4, 'req-body', readRaw));
}
