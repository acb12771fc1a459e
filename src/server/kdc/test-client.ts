/**
 * A deliberately small Kerberos client for testing the KDC: builds AS-REQs and TGS-REQs field by
 * field (so tests can leave things out or get them wrong) and opens the replies. Not for
 * production use: `src/krb/client` is the real client.
 */
import {
  decodeAsRep,
  decodeEncKdcRepPart,
  decodeKrbError,
  decodeTgsRep,
  encodeApReq,
  encodeAsReq,
  encodeAuthenticator,
  encodeKdcReqBody,
  encodePaEncTimestamp,
  encodePaEncTsEnc,
  encodeTgsReq,
  isKrbError,
  KeyUsage,
  NameType,
  PaDataType,
  type EncKdcRepPart,
  type KdcRep,
  type KdcReqBody,
  type KrbErrorMessage,
  type PaData,
  type PrincipalName,
  type Ticket,
} from '../../krb/asn1/index.js';
import { getEnctype, makeChecksum, makeKey, type Key } from '../../krb/crypto/index.js';

export const user = (name: string): PrincipalName => ({ nameType: NameType.NT_PRINCIPAL, nameString: name.split('/') });
export const service = (name: string): PrincipalName => ({ nameType: NameType.NT_SRV_INST, nameString: name.split('/') });

export interface AsReqOptions {
  realm: string;
  client: string;
  /** Default `krbtgt/REALM`. */
  server?: string;
  etypes?: number[];
  /** With a key, a PA-ENC-TIMESTAMP of `timestamp` (default now) is added. */
  preauthKey?: Key;
  timestamp?: Date;
  nonce?: number;
  till?: Date;
  kdcOptions?: number;
  extraPadata?: PaData[];
}

export function buildAsReq(o: AsReqOptions): Uint8Array {
  const padata: PaData[] = [...(o.extraPadata ?? [])];
  if (o.preauthKey) {
    const ts = o.timestamp ?? new Date();
    const plain = encodePaEncTsEnc({ patimestamp: new Date(Math.floor(ts.getTime() / 1000) * 1000), pausec: (ts.getTime() % 1000) * 1000 });
    const cipher = getEnctype(o.preauthKey.enctype).encrypt(o.preauthKey, KeyUsage.AS_REQ_PA_ENC_TIMESTAMP, plain);
    padata.push({ padataType: PaDataType.PA_ENC_TIMESTAMP, padataValue: encodePaEncTimestamp({ etype: o.preauthKey.enctype, cipher }) });
  }
  const body: KdcReqBody = {
    kdcOptions: o.kdcOptions ?? 0,
    cname: user(o.client),
    realm: o.realm,
    sname: service(o.server ?? `krbtgt/${o.realm}`),
    till: o.till ?? new Date(Date.now() + 10 * 3600_000),
    nonce: o.nonce ?? 12345,
    etype: o.etypes ?? [18, 17, 20, 19],
  };
  return encodeAsReq({ ...(padata.length ? { padata } : {}), reqBody: body });
}

export type Reply<T> = { error: KrbErrorMessage } | ({ error?: undefined } & T);

export interface OpenedRep {
  rep: KdcRep;
  part: EncKdcRepPart;
  sessionKey: Key;
}

/** Decodes an AS-REP (decrypting it with `key`) or the KRB-ERROR in its place. */
export function openAsRep(reply: Uint8Array, key: Key): Reply<OpenedRep> {
  if (isKrbError(reply)) return { error: decodeKrbError(reply) };
  const rep = decodeAsRep(reply);
  const part = decodeEncKdcRepPart(getEnctype(key.enctype).decrypt(key, KeyUsage.AS_REP_ENC_PART, rep.encPart.cipher));
  return { rep, part, sessionKey: makeKey(part.key.keytype, part.key.keyvalue) };
}

export interface TgsReqOptions {
  realm: string;
  tgt: Ticket;
  sessionKey: Key;
  client: string;
  server: string;
  etypes?: number[];
  subkey?: Key;
  /** Authenticator time (default now). */
  ctime?: Date;
  nonce?: number;
  till?: Date;
  kdcOptions?: number;
  /** Checksum over something other than the sent body (to test the check). */
  tamperBody?: boolean;
  omitChecksum?: boolean;
}

export function buildTgsReq(o: TgsReqOptions): Uint8Array {
  const body: KdcReqBody = {
    kdcOptions: o.kdcOptions ?? 0,
    realm: o.realm,
    sname: service(o.server),
    till: o.till ?? new Date(Date.now() + 3600_000),
    nonce: o.nonce ?? 54321,
    etype: o.etypes ?? [18, 17, 20, 19],
  };
  const summed = o.tamperBody ? { ...body, nonce: body.nonce + 1 } : body;
  const ctime = o.ctime ?? new Date();
  const authenticator = encodeAuthenticator({
    crealm: o.realm,
    cname: user(o.client),
    ...(o.omitChecksum ? {} : { cksum: makeChecksum(o.sessionKey, KeyUsage.TGS_REQ_AUTH_CKSUM, encodeKdcReqBody(summed)) }),
    cusec: (ctime.getTime() % 1000) * 1000,
    ctime: new Date(Math.floor(ctime.getTime() / 1000) * 1000),
    ...(o.subkey ? { subkey: { keytype: o.subkey.enctype, keyvalue: o.subkey.bytes } } : {}),
  });
  const apReq = encodeApReq({
    apOptions: 0,
    ticket: o.tgt,
    authenticator: { etype: o.sessionKey.enctype, cipher: getEnctype(o.sessionKey.enctype).encrypt(o.sessionKey, KeyUsage.TGS_REQ_AUTH, authenticator) },
  });
  return encodeTgsReq({ padata: [{ padataType: PaDataType.PA_TGS_REQ, padataValue: apReq }], reqBody: body });
}

/** Decodes a TGS-REP (decrypting it with the subkey, usage 9, or the session key, usage 8) or the KRB-ERROR. */
export function openTgsRep(reply: Uint8Array, key: Key, subkey: boolean): Reply<OpenedRep> {
  if (isKrbError(reply)) return { error: decodeKrbError(reply) };
  const rep = decodeTgsRep(reply);
  const usage = subkey ? KeyUsage.TGS_REP_ENC_PART_SUBKEY : KeyUsage.TGS_REP_ENC_PART_SESSION_KEY;
  const part = decodeEncKdcRepPart(getEnctype(key.enctype).decrypt(key, usage, rep.encPart.cipher));
  return { rep, part, sessionKey: makeKey(part.key.keytype, part.key.keyvalue) };
}

/** The KRB-ERROR in a reply, or undefined when the reply is not one. */
export function errorOf(reply: Uint8Array): KrbErrorMessage | undefined {
  return isKrbError(reply) ? decodeKrbError(reply) : undefined;
}
