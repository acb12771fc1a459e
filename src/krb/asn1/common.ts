/**
 * The small structures shared by the Kerberos messages (RFC 4120 §5.2): EncryptedData,
 * EncryptionKey, Checksum, HostAddress(es), AuthorizationData, PA-DATA, LastReq and
 * TransitedEncoding (§5.3).
 */
import {
  Fields,
  decodeDer,
  defined,
  int32,
  kerberosTime,
  octets,
  opt,
  readInt32,
  readKerberosTime,
  readOctets,
  readSequenceOf,
  readUInt32,
  sequence,
  sequenceOf,
  toDer,
  uint32,
  type Node,
  type Read,
} from './der';

/** EncryptedData ::= SEQUENCE { etype [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING } */
export interface EncryptedData {
  etype: number;
  kvno?: number;
  cipher: Uint8Array;
}

/** EncryptionKey ::= SEQUENCE { keytype [0] Int32, keyvalue [1] OCTET STRING } */
export interface EncryptionKey {
  keytype: number;
  keyvalue: Uint8Array;
}

/** Checksum ::= SEQUENCE { cksumtype [0] Int32, checksum [1] OCTET STRING } */
export interface Checksum {
  cksumtype: number;
  checksum: Uint8Array;
}

/** HostAddress ::= SEQUENCE { addr-type [0] Int32, address [1] OCTET STRING } */
export interface HostAddress {
  addrType: number;
  address: Uint8Array;
}

/** One element of AuthorizationData: SEQUENCE { ad-type [0] Int32, ad-data [1] OCTET STRING } */
export interface AuthorizationDataEntry {
  adType: number;
  adData: Uint8Array;
}

/** AuthorizationData ::= SEQUENCE OF SEQUENCE { ad-type, ad-data } */
export type AuthorizationData = AuthorizationDataEntry[];

/** PA-DATA ::= SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET STRING } (tags start at 1) */
export interface PaData {
  padataType: number;
  padataValue: Uint8Array;
}

/** One element of LastReq: SEQUENCE { lr-type [0] Int32, lr-value [1] KerberosTime } */
export interface LastReqEntry {
  lrType: number;
  lrValue: Date;
}

/** LastReq ::= SEQUENCE OF SEQUENCE { lr-type, lr-value } */
export type LastReq = LastReqEntry[];

/** TransitedEncoding ::= SEQUENCE { tr-type [0] Int32, contents [1] OCTET STRING } */
export interface TransitedEncoding {
  trType: number;
  contents: Uint8Array;
}

// --- element builders and readers, used by the message codecs

export const encryptedDataNode = (v: EncryptedData): Node =>
  sequence([
    [0, int32(v.etype)],
    [1, opt(v.kvno, uint32)],
    [2, octets(v.cipher)],
  ]);

export const readEncryptedData: Read<EncryptedData> = (node, what) => {
  const f = new Fields(node, what);
  return defined({ etype: f.req(0, 'etype', readInt32), kvno: f.opt(1, 'kvno', readUInt32), cipher: f.req(2, 'cipher', readOctets) });
};

export const encryptionKeyNode = (v: EncryptionKey): Node =>
  sequence([
    [0, int32(v.keytype)],
    [1, octets(v.keyvalue)],
  ]);

export const readEncryptionKey: Read<EncryptionKey> = (node, what) => {
  const f = new Fields(node, what);
  return { keytype: f.req(0, 'keytype', readInt32), keyvalue: f.req(1, 'keyvalue', readOctets) };
};

export const checksumNode = (v: Checksum): Node =>
  sequence([
    [0, int32(v.cksumtype)],
    [1, octets(v.checksum)],
  ]);

export const readChecksum: Read<Checksum> = (node, what) => {
  const f = new Fields(node, what);
  return { cksumtype: f.req(0, 'cksumtype', readInt32), checksum: f.req(1, 'checksum', readOctets) };
};

export const hostAddressNode = (v: HostAddress): Node =>
  sequence([
    [0, int32(v.addrType)],
    [1, octets(v.address)],
  ]);

export const readHostAddress: Read<HostAddress> = (node, what) => {
  const f = new Fields(node, what);
  return { addrType: f.req(0, 'addr-type', readInt32), address: f.req(1, 'address', readOctets) };
};

export const hostAddressesNode = (v: readonly HostAddress[]): Node => sequenceOf(v, hostAddressNode);
export const readHostAddresses: Read<HostAddress[]> = readSequenceOf(readHostAddress);

export const authorizationDataNode = (v: AuthorizationData): Node =>
  sequenceOf(v, (e) =>
    sequence([
      [0, int32(e.adType)],
      [1, octets(e.adData)],
    ]),
  );

export const readAuthorizationData: Read<AuthorizationData> = readSequenceOf((node, what) => {
  const f = new Fields(node, what);
  return { adType: f.req(0, 'ad-type', readInt32), adData: f.req(1, 'ad-data', readOctets) };
});

export const paDataNode = (v: PaData): Node =>
  sequence([
    [1, int32(v.padataType)],
    [2, octets(v.padataValue)],
  ]);

export const readPaData: Read<PaData> = (node, what) => {
  const f = new Fields(node, what);
  return { padataType: f.req(1, 'padata-type', readInt32), padataValue: f.req(2, 'padata-value', readOctets) };
};

export const paDataListNode = (v: readonly PaData[]): Node => sequenceOf(v, paDataNode);
export const readPaDataList: Read<PaData[]> = readSequenceOf(readPaData);

export const lastReqNode = (v: LastReq): Node =>
  sequenceOf(v, (e) =>
    sequence([
      [0, int32(e.lrType)],
      [1, kerberosTime(e.lrValue)],
    ]),
  );

export const readLastReq: Read<LastReq> = readSequenceOf((node, what) => {
  const f = new Fields(node, what);
  return { lrType: f.req(0, 'lr-type', readInt32), lrValue: f.req(1, 'lr-value', readKerberosTime) };
});

export const transitedEncodingNode = (v: TransitedEncoding): Node =>
  sequence([
    [0, int32(v.trType)],
    [1, octets(v.contents)],
  ]);

export const readTransitedEncoding: Read<TransitedEncoding> = (node, what) => {
  const f = new Fields(node, what);
  return { trType: f.req(0, 'tr-type', readInt32), contents: f.req(1, 'contents', readOctets) };
};

// --- standalone encoders and decoders

export const encodeEncryptedData = (v: EncryptedData): Uint8Array => toDer(encryptedDataNode(v));
export const decodeEncryptedData = (bytes: Uint8Array): EncryptedData => decodeDer(bytes, 'EncryptedData', readEncryptedData);
export const encodeEncryptionKey = (v: EncryptionKey): Uint8Array => toDer(encryptionKeyNode(v));
export const decodeEncryptionKey = (bytes: Uint8Array): EncryptionKey => decodeDer(bytes, 'EncryptionKey', readEncryptionKey);
export const encodeChecksum = (v: Checksum): Uint8Array => toDer(checksumNode(v));
export const decodeChecksum = (bytes: Uint8Array): Checksum => decodeDer(bytes, 'Checksum', readChecksum);
export const encodeHostAddress = (v: HostAddress): Uint8Array => toDer(hostAddressNode(v));
export const decodeHostAddress = (bytes: Uint8Array): HostAddress => decodeDer(bytes, 'HostAddress', readHostAddress);
export const encodeHostAddresses = (v: readonly HostAddress[]): Uint8Array => toDer(hostAddressesNode(v));
export const decodeHostAddresses = (bytes: Uint8Array): HostAddress[] => decodeDer(bytes, 'HostAddresses', readHostAddresses);
export const encodeAuthorizationData = (v: AuthorizationData): Uint8Array => toDer(authorizationDataNode(v));
export const decodeAuthorizationData = (bytes: Uint8Array): AuthorizationData => decodeDer(bytes, 'AuthorizationData', readAuthorizationData);
export const encodePaData = (v: PaData): Uint8Array => toDer(paDataNode(v));
export const decodePaData = (bytes: Uint8Array): PaData => decodeDer(bytes, 'PA-DATA', readPaData);
export const encodeLastReq = (v: LastReq): Uint8Array => toDer(lastReqNode(v));
export const decodeLastReq = (bytes: Uint8Array): LastReq => decodeDer(bytes, 'LastReq', readLastReq);
export const encodeTransitedEncoding = (v: TransitedEncoding): Uint8Array => toDer(transitedEncodingNode(v));
export const decodeTransitedEncoding = (bytes: Uint8Array): TransitedEncoding => decodeDer(bytes, 'TransitedEncoding', readTransitedEncoding);
