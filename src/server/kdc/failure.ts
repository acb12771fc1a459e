/**
 * A KDC request that fails becomes a KRB-ERROR (RFC 4120 §5.9.1): the error code, the KDC's
 * time, the realm and the service asked for, the client when known, and an e-text a person can
 * read (MIT and Heimdal tools print it).
 */
import { encodeKrbError, errorCodeName, type PrincipalName } from '../../krb/asn1/index.js';

export interface FailureContext {
  crealm?: string;
  cname?: PrincipalName;
  sname?: PrincipalName;
}

export class KdcFailure extends Error {
  override readonly name = 'KdcFailure';
  constructor(
    readonly errorCode: number,
    readonly eText: string,
    readonly context: FailureContext = {},
    readonly eData?: Uint8Array,
  ) {
    super(`${errorCodeName(errorCode)}: ${eText}`);
  }
}

/** The KRB-ERROR for a failure, stamped with `now`. */
export function encodeFailure(f: KdcFailure, realm: string, krbtgt: PrincipalName, now: Date): Uint8Array {
  const stime = new Date(Math.floor(now.getTime() / 1000) * 1000);
  return encodeKrbError({
    stime,
    susec: (now.getTime() % 1000) * 1000,
    errorCode: f.errorCode,
    ...(f.context.cname ? { crealm: f.context.crealm ?? realm, cname: f.context.cname } : {}),
    realm,
    sname: f.context.sname ?? krbtgt,
    eText: f.eText,
    ...(f.eData ? { eData: f.eData } : {}),
  });
}
