/** KRB-ERROR (RFC 4120 §5.9.1) and TYPED-DATA (§5.9.1, for e-data). */
import { KRB5_PVNO, MessageType } from './constants';
import {
  Fields,
  application,
  applicationFields,
  decodeDer,
  defined,
  int32,
  kerberosString,
  kerberosTime,
  microseconds,
  octets,
  opt,
  readExactly,
  readInt32,
  readKerberosString,
  readKerberosText,
  readKerberosTime,
  readMicroseconds,
  readOctets,
  readSequenceOf,
  sequence,
  sequenceOf,
  toDer,
  type Node,
  type Read,
} from './der';
import { principalNameNode, readPrincipalName, type PrincipalName } from './principal';

/**
 * KRB-ERROR ::= [APPLICATION 30] SEQUENCE { pvno [0] INTEGER (5), msg-type [1] INTEGER (30),
 *   ctime [2] KerberosTime OPTIONAL, cusec [3] Microseconds OPTIONAL, stime [4] KerberosTime,
 *   susec [5] Microseconds, error-code [6] Int32, crealm [7] Realm OPTIONAL,
 *   cname [8] PrincipalName OPTIONAL, realm [9] Realm, sname [10] PrincipalName,
 *   e-text [11] KerberosString OPTIONAL, e-data [12] OCTET STRING OPTIONAL }
 */
export interface KrbErrorMessage {
  ctime?: Date;
  cusec?: number;
  stime: Date;
  susec: number;
  /** See `ErrorCode`. */
  errorCode: number;
  crealm?: string;
  cname?: PrincipalName;
  /** Service realm. */
  realm: string;
  /** Service name. */
  sname: PrincipalName;
  eText?: string;
  /** METHOD-DATA for KDC_ERR_PREAUTH_REQUIRED, TYPED-DATA for some other errors. */
  eData?: Uint8Array;
}

/** One element of TYPED-DATA: SEQUENCE { data-type [0] Int32, data-value [1] OCTET STRING OPTIONAL } */
export interface TypedDataEntry {
  dataType: number;
  dataValue?: Uint8Array;
}

export const krbErrorNode = (e: KrbErrorMessage): Node =>
  application(
    MessageType.KRB_ERROR,
    sequence([
      [0, int32(KRB5_PVNO)],
      [1, int32(MessageType.KRB_ERROR)],
      [2, opt(e.ctime, kerberosTime)],
      [3, opt(e.cusec, microseconds)],
      [4, kerberosTime(e.stime)],
      [5, microseconds(e.susec)],
      [6, int32(e.errorCode)],
      [7, opt(e.crealm, kerberosString)],
      [8, opt(e.cname, principalNameNode)],
      [9, kerberosString(e.realm)],
      [10, principalNameNode(e.sname)],
      [11, opt(e.eText, kerberosString)],
      [12, opt(e.eData, octets)],
    ]),
  );

export const readKrbError: Read<KrbErrorMessage> = (node, what) => {
  const f = applicationFields(node, MessageType.KRB_ERROR, what);
  f.req(0, 'pvno', readExactly(KRB5_PVNO));
  f.req(1, 'msg-type', readExactly(MessageType.KRB_ERROR));
  return defined({
    ctime: f.opt(2, 'ctime', readKerberosTime),
    cusec: f.opt(3, 'cusec', readMicroseconds),
    stime: f.req(4, 'stime', readKerberosTime),
    susec: f.req(5, 'susec', readMicroseconds),
    errorCode: f.req(6, 'error-code', readInt32),
    crealm: f.opt(7, 'crealm', readKerberosString),
    cname: f.opt(8, 'cname', readPrincipalName),
    realm: f.req(9, 'realm', readKerberosString),
    sname: f.req(10, 'sname', readPrincipalName),
    eText: f.opt(11, 'e-text', readKerberosText),
    eData: f.opt(12, 'e-data', readOctets),
  });
};

export const typedDataNode = (entries: readonly TypedDataEntry[]): Node =>
  sequenceOf(entries, (e) =>
    sequence([
      [0, int32(e.dataType)],
      [1, opt(e.dataValue, octets)],
    ]),
  );

export const readTypedData: Read<TypedDataEntry[]> = readSequenceOf((node, what) => {
  const f = new Fields(node, what);
  return defined({ dataType: f.req(0, 'data-type', readInt32), dataValue: f.opt(1, 'data-value', readOctets) });
});

export const encodeKrbError = (e: KrbErrorMessage): Uint8Array => toDer(krbErrorNode(e));
export const decodeKrbError = (bytes: Uint8Array): KrbErrorMessage => decodeDer(bytes, 'KRB-ERROR', readKrbError);
/** TYPED-DATA ::= SEQUENCE SIZE (1..MAX) OF SEQUENCE { data-type, data-value } */
export const encodeTypedData = (entries: readonly TypedDataEntry[]): Uint8Array => toDer(typedDataNode(entries));
export const decodeTypedData = (bytes: Uint8Array): TypedDataEntry[] => decodeDer(bytes, 'TYPED-DATA', readTypedData);
