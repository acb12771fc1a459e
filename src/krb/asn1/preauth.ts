/**
 * Pre-authentication structures (RFC 4120 §5.2.7): METHOD-DATA, PA-ENC-TIMESTAMP /
 * PA-ENC-TS-ENC, ETYPE-INFO2 and the older ETYPE-INFO.
 */
import { decodeEncryptedData, encodeEncryptedData, paDataListNode, readPaDataList, type EncryptedData, type PaData } from './common';
import {
  Fields,
  decodeDer,
  defined,
  int32,
  kerberosString,
  kerberosTime,
  microseconds,
  octets,
  opt,
  readInt32,
  readKerberosString,
  readKerberosTime,
  readMicroseconds,
  readOctets,
  readSequenceOf,
  sequence,
  sequenceOf,
  toDer,
  type Read,
} from './der';

/** PA-ENC-TS-ENC ::= SEQUENCE { patimestamp [0] KerberosTime, pausec [1] Microseconds OPTIONAL } */
export interface PaEncTsEnc {
  patimestamp: Date;
  pausec?: number;
}

/**
 * ETYPE-INFO2-ENTRY ::= SEQUENCE { etype [0] Int32, salt [1] KerberosString OPTIONAL,
 *   s2kparams [2] OCTET STRING OPTIONAL }
 */
export interface EtypeInfo2Entry {
  etype: number;
  salt?: string;
  s2kparams?: Uint8Array;
}

/** ETYPE-INFO-ENTRY ::= SEQUENCE { etype [0] Int32, salt [1] OCTET STRING OPTIONAL } */
export interface EtypeInfoEntry {
  etype: number;
  salt?: Uint8Array;
}

/** METHOD-DATA ::= SEQUENCE OF PA-DATA (the e-data of KDC_ERR_PREAUTH_REQUIRED). */
export const encodeMethodData = (padata: readonly PaData[]): Uint8Array => toDer(paDataListNode(padata));
export const decodeMethodData = (bytes: Uint8Array): PaData[] => decodeDer(bytes, 'METHOD-DATA', readPaDataList);

/** The first PA-DATA of a type, if any. */
export function findPaData(padata: readonly PaData[] | undefined, padataType: number): PaData | undefined {
  return padata?.find((p) => p.padataType === padataType);
}

export const readPaEncTsEnc: Read<PaEncTsEnc> = (node, what) => {
  const f = new Fields(node, what);
  return defined({ patimestamp: f.req(0, 'patimestamp', readKerberosTime), pausec: f.opt(1, 'pausec', readMicroseconds) });
};

export const encodePaEncTsEnc = (ts: PaEncTsEnc): Uint8Array =>
  toDer(
    sequence([
      [0, kerberosTime(ts.patimestamp)],
      [1, opt(ts.pausec, microseconds)],
    ]),
  );
export const decodePaEncTsEnc = (bytes: Uint8Array): PaEncTsEnc => decodeDer(bytes, 'PA-ENC-TS-ENC', readPaEncTsEnc);

/** PA-ENC-TIMESTAMP ::= EncryptedData -- PA-ENC-TS-ENC, key usage 1 */
export const encodePaEncTimestamp = (enc: EncryptedData): Uint8Array => encodeEncryptedData(enc);
export const decodePaEncTimestamp = (bytes: Uint8Array): EncryptedData => decodeEncryptedData(bytes);

export const readEtypeInfo2: Read<EtypeInfo2Entry[]> = readSequenceOf((node, what) => {
  const f = new Fields(node, what);
  return defined({ etype: f.req(0, 'etype', readInt32), salt: f.opt(1, 'salt', readKerberosString), s2kparams: f.opt(2, 's2kparams', readOctets) });
});

/** ETYPE-INFO2 ::= SEQUENCE SIZE (1..MAX) OF ETYPE-INFO2-ENTRY */
export const encodeEtypeInfo2 = (entries: readonly EtypeInfo2Entry[]): Uint8Array =>
  toDer(
    sequenceOf(entries, (e) =>
      sequence([
        [0, int32(e.etype)],
        [1, opt(e.salt, kerberosString)],
        [2, opt(e.s2kparams, octets)],
      ]),
    ),
  );
export const decodeEtypeInfo2 = (bytes: Uint8Array): EtypeInfo2Entry[] => decodeDer(bytes, 'ETYPE-INFO2', readEtypeInfo2);

export const readEtypeInfo: Read<EtypeInfoEntry[]> = readSequenceOf((node, what) => {
  const f = new Fields(node, what);
  return defined({ etype: f.req(0, 'etype', readInt32), salt: f.opt(1, 'salt', readOctets) });
});

/** ETYPE-INFO ::= SEQUENCE OF ETYPE-INFO-ENTRY (PA type 11, superseded by ETYPE-INFO2) */
export const encodeEtypeInfo = (entries: readonly EtypeInfoEntry[]): Uint8Array =>
  toDer(
    sequenceOf(entries, (e) =>
      sequence([
        [0, int32(e.etype)],
        [1, opt(e.salt, octets)],
      ]),
    ),
  );
export const decodeEtypeInfo = (bytes: Uint8Array): EtypeInfoEntry[] => decodeDer(bytes, 'ETYPE-INFO', readEtypeInfo);
