/**
 * The AS exchange with a password (RFC 4120 §3.1): a ticket-granting ticket for a user.
 *
 * 1. AS-REQ without pre-authentication. A KDC that requires it answers KDC_ERR_PREAUTH_REQUIRED
 *    (25) with METHOD-DATA listing the methods it accepts and, in ETYPE-INFO2, the encryption
 *    type, salt and string-to-key parameters of the user's key.
 * 2. The key is derived from the password (PBKDF2, asynchronously so a page stays responsive) and
 *    the AS-REQ is sent again with PA-ENC-TIMESTAMP: the current time encrypted in that key (key
 *    usage 1).
 * 3. The AS-REP's enc-part is decrypted with the same key (key usage 3) and checked: nonce, server
 *    name and realm, and — when the KDC supports it — PA-REQ-ENC-PA-REP (RFC 6806 §11), a checksum
 *    of the whole AS-REQ under the reply key that proves nobody changed the request (e.g. its list
 *    of encryption types) on the way.
 *
 * A KDC that does not require pre-authentication answers the first request with an AS-REP at once;
 * the salt then comes from the reply's PA-ETYPE-INFO2 (or the default salt).
 */
import { KrbError, malformed } from '../errors';
import { decodeChecksum } from '../asn1/common';
import type { PaData } from '../asn1/common';
import { KeyUsage, MessageType, NameType, PaDataType } from '../asn1/constants';
import { KdcOption, TicketFlag, hasFlag, withFlag } from '../asn1/flags';
import { decodeAsRep, decodeEncKdcRepPart } from '../asn1/kdc-rep';
import { encodeAsReq, type KdcReqBody } from '../asn1/kdc-req';
import type { KrbErrorMessage } from '../asn1/krb-error';
import { decodeEtypeInfo, decodeEtypeInfo2, decodeMethodData, encodePaEncTimestamp, encodePaEncTsEnc, findPaData } from '../asn1/preauth';
import { parsePrincipal, sameName, type Principal } from '../asn1/principal';
import { verifyChecksum } from '../crypto/checksum';
import { enctypeName, getEnctype, isSupportedEnctype, preferredEnctypes } from '../crypto/enctype';
import type { Key, StringToKeyOptions } from '../crypto/types';
import {
  classifyReply,
  kdcError,
  kerberosTimestamp,
  principalText,
  randomNonce,
  sendToKdc,
  systemClock,
  timestampMs,
  typedErrors,
  type Credentials,
  type ErrorContext,
  type KdcSend,
} from './common';
import { checkKdcReply, rawTicket } from './kdc-reply';

export interface InitialCredentialsOptions {
  /** The user: `alice@REALM`, or `alice` with `realm`. */
  client: string | Principal;
  password: string;
  /** Transport to the KDC. */
  send: KdcSend;
  /** Realm when `client` names none. */
  realm?: string;
  /** The service to get a ticket for; default `krbtgt/REALM@REALM` (a TGT). */
  server?: string | Principal;
  /** Encryption types to offer, most preferred first; default [18, 17, 20, 19]. */
  etypes?: readonly number[];
  /**
   * Let the KDC canonicalize the client's name (KDC option `canonicalize`, RFC 6806): the
   * credentials then carry the name the KDC returns (e.g. with corrected case). Default false:
   * the reply must name exactly the requested client.
   */
  canonicalize?: boolean;
  /** Requested lifetime; the KDC may shorten it. Default 10 hours. */
  lifetimeSeconds?: number;
  /** Ask for a renewable ticket renewable for this long. */
  renewableSeconds?: number;
  /** Ask for a forwardable ticket. */
  forwardable?: boolean;
  /** The local clock; default the system clock. */
  now?: () => Date;
  /**
   * Time-stamp the pre-authentication with the KDC's clock (as its PREAUTH_REQUIRED error states
   * it) instead of the local one, so a wrong local clock does not fail the log-in. The returned
   * `kdcTimeOffsetMs` still tells how far off the local clock is. Default false.
   */
  useKdcTime?: boolean;
  /** Bounds on the PBKDF2 iteration count a KDC may ask for. */
  stringToKey?: StringToKeyOptions;
}

const DEFAULT_LIFETIME_SECONDS = 10 * 3600;

interface SaltInfo {
  etype: number;
  salt: string | Uint8Array;
  params?: Uint8Array;
}

/** Derives password keys, each (etype, salt, parameters) at most once. */
class PasswordKeys {
  private readonly cache = new Map<string, Promise<Key>>();

  constructor(
    private readonly password: string,
    private readonly options: StringToKeyOptions | undefined,
  ) {}

  key(info: SaltInfo): Promise<Key> {
    const id = `${info.etype}|${hex(typeof info.salt === 'string' ? new TextEncoder().encode(info.salt) : info.salt)}|${info.params ? hex(info.params) : '-'}`;
    let key = this.cache.get(id);
    if (key === undefined) {
      key = getEnctype(info.etype).stringToKeyAsync(this.password, info.salt, info.params, this.options);
      this.cache.set(id, key);
    }
    return key;
  }
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** The default salt (RFC 4120 §4): the realm followed by the name's components. */
export function defaultSalt(client: Principal): string {
  return client.realm + client.name.nameString.join('');
}

/**
 * The key parameters a KDC announced in PA-DATA (ETYPE-INFO2, else ETYPE-INFO, else PW-SALT),
 * for the first of `etypes` it lists; undefined when it announced none.
 */
function saltInfoFrom(padata: readonly PaData[] | undefined, etypes: readonly number[], client: Principal): SaltInfo | undefined {
  const usable = (etype: number): boolean => etypes.includes(etype) && isSupportedEnctype(etype);
  const info2 = findPaData(padata, PaDataType.PA_ETYPE_INFO2);
  if (info2) {
    const entries = decodeEtypeInfo2(info2.padataValue);
    const entry = entries.find((e) => usable(e.etype));
    if (!entry) throw noCommonEnctype(entries.map((e) => e.etype));
    return { etype: entry.etype, salt: entry.salt ?? defaultSalt(client), ...(entry.s2kparams ? { params: entry.s2kparams } : {}) };
  }
  const info = findPaData(padata, PaDataType.PA_ETYPE_INFO);
  if (info) {
    const entries = decodeEtypeInfo(info.padataValue);
    const entry = entries.find((e) => usable(e.etype));
    if (!entry) throw noCommonEnctype(entries.map((e) => e.etype));
    return { etype: entry.etype, salt: entry.salt ?? defaultSalt(client) };
  }
  return undefined;
}

/** The key parameters a reply's PA-DATA announces for exactly `etype`, if any. */
function announcedFor(padata: readonly PaData[] | undefined, etype: number, client: Principal): SaltInfo | undefined {
  const info2 = findPaData(padata, PaDataType.PA_ETYPE_INFO2);
  const entry2 = info2 ? decodeEtypeInfo2(info2.padataValue).find((e) => e.etype === etype) : undefined;
  if (entry2) return { etype, salt: entry2.salt ?? defaultSalt(client), ...(entry2.s2kparams ? { params: entry2.s2kparams } : {}) };
  const info = findPaData(padata, PaDataType.PA_ETYPE_INFO);
  const entry = info ? decodeEtypeInfo(info.padataValue).find((e) => e.etype === etype) : undefined;
  if (entry) return { etype, salt: entry.salt ?? defaultSalt(client) };
  return undefined;
}

function noCommonEnctype(offered: readonly number[]): KrbError {
  return new KrbError(
    'unsupported-enctype',
    `The user's key is of a type Keyhop does not support (${offered.map((e) => `${enctypeName(e)} (${e})`).join(', ') || 'none'}); Keyhop uses AES only`,
  );
}

function pwSalt(padata: readonly PaData[] | undefined): Uint8Array | undefined {
  return findPaData(padata, PaDataType.PA_PW_SALT)?.padataValue;
}

function toPrincipal(p: string | Principal, realm: string | undefined, nameType?: number): Principal {
  if (typeof p !== 'string') return p;
  return parsePrincipal(p, { ...(realm === undefined ? {} : { defaultRealm: realm }), ...(nameType === undefined ? {} : { nameType }) });
}

/** KDC time minus local time, from a KRB-ERROR's stime/susec. */
function offsetFromError(err: KrbErrorMessage, localNow: Date): number {
  return timestampMs(err.stime, err.susec) - localNow.getTime();
}

/**
 * Gets a ticket (by default a TGT) for a user with a password. Every failure is a `KrbError`:
 * 'wrong-password', 'unknown-principal', 'clock-skew', 'unsupported-enctype', 'kdc-unreachable',
 * 'malformed', 'integrity' (a reply that does not answer the request) or 'kdc-error'.
 */
export function getInitialCredentials(o: InitialCredentialsOptions): Promise<Credentials> {
  return typedErrors('AS exchange', () => asExchange(o));
}

async function asExchange(o: InitialCredentialsOptions): Promise<Credentials> {
  const now = o.now ?? systemClock;
  const client = toPrincipal(o.client, o.realm);
  const realm = client.realm;
  const server = o.server === undefined ? { name: { nameType: NameType.NT_SRV_INST, nameString: ['krbtgt', realm] }, realm } : toPrincipal(o.server, realm, NameType.NT_SRV_INST);
  if (server.realm !== realm) throw malformed(`an AS request is for a server of the client's own realm, not ${principalText(server)}`);
  const etypes = (o.etypes ?? preferredEnctypes).filter(isSupportedEnctype);
  if (etypes.length === 0) throw noCommonEnctype(o.etypes ?? []);
  const canonicalize = o.canonicalize ?? false;
  const ctx: ErrorContext = { exchange: 'AS', client, server };
  const keys = new PasswordKeys(o.password, o.stringToKey);

  let kdcOptions = 0;
  if (canonicalize) kdcOptions = withFlag(kdcOptions, KdcOption.canonicalize);
  if (o.forwardable) kdcOptions = withFlag(kdcOptions, KdcOption.forwardable);
  if (o.renewableSeconds !== undefined) kdcOptions = withFlag(kdcOptions, KdcOption.renewable);
  // An empty PA-REQ-ENC-PA-REP asks the KDC to return a checksum of this request (RFC 6806 §11).
  const encPaRepRequest: PaData = { padataType: PaDataType.PA_REQ_ENC_PA_REP, padataValue: new Uint8Array(0) };

  const request = (padata: PaData[]): { nonce: number; bytes: Uint8Array } => {
    const start = now().getTime();
    const body: KdcReqBody = {
      kdcOptions,
      cname: client.name,
      realm,
      sname: server.name,
      till: new Date(start + (o.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS) * 1000),
      nonce: randomNonce(),
      etype: [...etypes],
    };
    if (o.renewableSeconds !== undefined) body.rtime = new Date(start + o.renewableSeconds * 1000);
    return { nonce: body.nonce, bytes: encodeAsReq({ padata, reqBody: body }) };
  };

  let sent = request([encPaRepRequest]);
  let answer = classifyReply(await sendToKdc(o.send, sent.bytes, realm), MessageType.AS_REP, 'AS reply');
  let preauth: { info: SaltInfo; key: Key } | undefined;

  if ('error' in answer) {
    const err = answer.error;
    const offset = offsetFromError(err, now());
    if (err.errorCode !== 25) throw kdcError(err, ctx);
    const methodData = err.eData === undefined ? [] : decodeMethodData(err.eData);
    if (!findPaData(methodData, PaDataType.PA_ENC_TIMESTAMP)) {
      if (!findPaData(methodData, PaDataType.PA_ETYPE_INFO2) && !findPaData(methodData, PaDataType.PA_ETYPE_INFO)) {
        // MIT offers neither when the user has no key of any requested type.
        throw new KrbError('unsupported-enctype', `The Kerberos server has no key for ${principalText(client)} of a type Keyhop supports (AES)`, 25, { cause: err });
      }
      throw new KrbError('kdc-error', 'The Kerberos server requires a pre-authentication method Keyhop does not implement (no encrypted timestamp)', 25, { cause: err });
    }
    const salt = pwSalt(methodData);
    const info = saltInfoFrom(methodData, etypes, client) ?? { etype: etypes[0] as number, salt: salt ?? defaultSalt(client) };
    const key = await keys.key(info);
    const stamp = kerberosTimestamp(o.useKdcTime ? new Date(now().getTime() + offset) : now());
    const cipher = getEnctype(key.enctype).encrypt(key, KeyUsage.AS_REQ_PA_ENC_TIMESTAMP, encodePaEncTsEnc({ patimestamp: stamp.time, pausec: stamp.usec }));
    const paTimestamp: PaData = { padataType: PaDataType.PA_ENC_TIMESTAMP, padataValue: encodePaEncTimestamp({ etype: key.enctype, cipher }) };
    preauth = { info, key };
    sent = request([paTimestamp, encPaRepRequest]);
    answer = classifyReply(await sendToKdc(o.send, sent.bytes, realm), MessageType.AS_REP, 'AS reply');
    if ('error' in answer) {
      if (answer.error.errorCode === 25) {
        throw new KrbError('kdc-error', 'The Kerberos server did not accept the encrypted-timestamp pre-authentication', 25, { cause: answer.error });
      }
      throw kdcError(answer.error, ctx);
    }
  }

  const received = now();
  const rep = decodeAsRep(answer.reply);
  const etype = rep.encPart.etype;
  if (!etypes.includes(etype)) {
    if (!isSupportedEnctype(etype)) throw noCommonEnctype([etype]);
    throw malformed(`the AS-REP is encrypted with ${enctypeName(etype)}, which was not requested`);
  }
  // The reply key: the one pre-authentication used unless the reply announces other parameters.
  const announced = announcedFor(rep.padata, etype, client);
  const info = announced ?? (preauth?.info.etype === etype ? preauth.info : { etype, salt: pwSalt(rep.padata) ?? defaultSalt(client) });
  const replyKey = await keys.key(info);

  let plain: Uint8Array;
  try {
    plain = getEnctype(etype).decrypt(replyKey, KeyUsage.AS_REP_ENC_PART, rep.encPart.cipher);
  } catch (e) {
    if (e instanceof KrbError && e.code === 'integrity') throw new KrbError('wrong-password', 'Wrong user name or password', undefined, { cause: e });
    throw e;
  }
  const part = decodeEncKdcRepPart(plain);
  const { server: ticketServer, sessionKey } = checkKdcReply(rep, part, { nonce: sent.nonce, server, canonicalize });

  const replyClient: Principal = { name: rep.cname, realm: rep.crealm };
  if (!canonicalize && (rep.crealm !== client.realm || !sameName(rep.cname, client.name))) {
    throw new KrbError('integrity', `Asked for ${principalText(client)} but the Kerberos reply is for ${principalText(replyClient)}`);
  }

  if (hasFlag(part.flags, TicketFlag.encPaRep)) {
    const pa = findPaData(part.encryptedPaData, PaDataType.PA_REQ_ENC_PA_REP);
    if (!pa) throw new KrbError('integrity', 'The Kerberos reply claims to protect the request but carries no checksum of it');
    if (!verifyChecksum(replyKey, KeyUsage.AS_REQ, sent.bytes, decodeChecksum(pa.padataValue))) {
      throw new KrbError('integrity', 'The request was altered on its way to the Kerberos server (its checksum in the reply does not match)');
    }
  }

  // authtime of a fresh AS-REP is the KDC's clock when it answered (authenticated, unlike stime).
  const offset = (part.starttime ?? part.authtime).getTime() - Math.floor(received.getTime() / 1000) * 1000;

  return {
    client: canonicalize ? replyClient : client,
    server: ticketServer,
    sessionKey,
    ticket: rawTicket(answer.reply, MessageType.AS_REP),
    authtime: part.authtime,
    ...(part.starttime ? { starttime: part.starttime } : {}),
    endtime: part.endtime,
    ...(part.renewTill ? { renewTill: part.renewTill } : {}),
    flags: part.flags,
    kdcTimeOffsetMs: offset,
  };
}
