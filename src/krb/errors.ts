/**
 * Every Kerberos failure is one of these, with a `code` a UI can switch on and a message a person
 * can read. Protocol errors from a KDC carry the RFC 4120 §7.5.9 error code too.
 */
export type KrbErrorCode =
  | 'wrong-password'
  | 'unknown-principal'
  | 'clock-skew'
  | 'ticket-expired'
  | 'kdc-unreachable'
  | 'unsupported-enctype'
  | 'malformed'
  | 'integrity'
  | 'replay'
  | 'kdc-error';

export class KrbError extends Error {
  override readonly name = 'KrbError';
  constructor(
    readonly code: KrbErrorCode,
    message: string,
    /** The RFC 4120 error-code when a KRB-ERROR said so. */
    readonly krbErrorCode?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A message that is not well-formed DER or not the structure expected. */
export function malformed(what: string, cause?: unknown): KrbError {
  return new KrbError('malformed', `Malformed Kerberos data: ${what}`, undefined, cause === undefined ? undefined : { cause });
}
