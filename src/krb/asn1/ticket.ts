/** Ticket and EncTicketPart (RFC 4120 §5.3). */
import {
  authorizationDataNode,
  encryptedDataNode,
  encryptionKeyNode,
  hostAddressesNode,
  readAuthorizationData,
  readEncryptedData,
  readEncryptionKey,
  readHostAddresses,
  readTransitedEncoding,
  transitedEncodingNode,
  type AuthorizationData,
  type EncryptedData,
  type EncryptionKey,
  type HostAddress,
  type TransitedEncoding,
} from './common';
import { ApplicationTag, KRB5_PVNO } from './constants';
import {
  applicationFields,
  application,
  decodeDer,
  defined,
  int32,
  kerberosFlags,
  kerberosString,
  kerberosTime,
  opt,
  readExactly,
  readKerberosFlags,
  readKerberosString,
  readKerberosTime,
  sequence,
  toDer,
  type Node,
  type Read,
} from './der';
import { principalNameNode, readPrincipalName, type PrincipalName } from './principal';

/**
 * Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0] INTEGER (5), realm [1] Realm,
 *   sname [2] PrincipalName, enc-part [3] EncryptedData -- EncTicketPart }
 * tkt-vno is implied: always 5.
 */
export interface Ticket {
  realm: string;
  sname: PrincipalName;
  encPart: EncryptedData;
}

/** EncTicketPart ::= [APPLICATION 3] SEQUENCE { ... } */
export interface EncTicketPart {
  /** TicketFlags, see `TicketFlag`. */
  flags: number;
  key: EncryptionKey;
  crealm: string;
  cname: PrincipalName;
  transited: TransitedEncoding;
  authtime: Date;
  starttime?: Date;
  endtime: Date;
  renewTill?: Date;
  caddr?: HostAddress[];
  authorizationData?: AuthorizationData;
}

export const ticketNode = (t: Ticket): Node =>
  application(
    ApplicationTag.TICKET,
    sequence([
      [0, int32(KRB5_PVNO)],
      [1, kerberosString(t.realm)],
      [2, principalNameNode(t.sname)],
      [3, encryptedDataNode(t.encPart)],
    ]),
  );

export const readTicket: Read<Ticket> = (node, what) => {
  const f = applicationFields(node, ApplicationTag.TICKET, what);
  f.req(0, 'tkt-vno', readExactly(KRB5_PVNO));
  return { realm: f.req(1, 'realm', readKerberosString), sname: f.req(2, 'sname', readPrincipalName), encPart: f.req(3, 'enc-part', readEncryptedData) };
};

export const encTicketPartNode = (t: EncTicketPart): Node =>
  application(
    ApplicationTag.ENC_TICKET_PART,
    sequence([
      [0, kerberosFlags(t.flags)],
      [1, encryptionKeyNode(t.key)],
      [2, kerberosString(t.crealm)],
      [3, principalNameNode(t.cname)],
      [4, transitedEncodingNode(t.transited)],
      [5, kerberosTime(t.authtime)],
      [6, opt(t.starttime, kerberosTime)],
      [7, kerberosTime(t.endtime)],
      [8, opt(t.renewTill, kerberosTime)],
      [9, opt(t.caddr, hostAddressesNode)],
      [10, opt(t.authorizationData, authorizationDataNode)],
    ]),
  );

export const readEncTicketPart: Read<EncTicketPart> = (node, what) => {
  const f = applicationFields(node, ApplicationTag.ENC_TICKET_PART, what);
  return defined({
    flags: f.req(0, 'flags', readKerberosFlags),
    key: f.req(1, 'key', readEncryptionKey),
    crealm: f.req(2, 'crealm', readKerberosString),
    cname: f.req(3, 'cname', readPrincipalName),
    transited: f.req(4, 'transited', readTransitedEncoding),
    authtime: f.req(5, 'authtime', readKerberosTime),
    starttime: f.opt(6, 'starttime', readKerberosTime),
    endtime: f.req(7, 'endtime', readKerberosTime),
    renewTill: f.opt(8, 'renew-till', readKerberosTime),
    caddr: f.opt(9, 'caddr', readHostAddresses),
    authorizationData: f.opt(10, 'authorization-data', readAuthorizationData),
  });
};

export const encodeTicket = (t: Ticket): Uint8Array => toDer(ticketNode(t));
export const decodeTicket = (bytes: Uint8Array): Ticket => decodeDer(bytes, 'Ticket', readTicket);
export const encodeEncTicketPart = (t: EncTicketPart): Uint8Array => toDer(encTicketPartNode(t));
export const decodeEncTicketPart = (bytes: Uint8Array): EncTicketPart => decodeDer(bytes, 'EncTicketPart', readEncTicketPart);
