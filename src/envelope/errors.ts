/**
 * Every failure of this module is thrown as one of two typed errors with a `code` a program can
 * switch on and a message a person can read. Nothing else escapes the public functions: unexpected
 * library exceptions on hostile input are reported as `malformed`.
 */

export type EnvelopeErrorCode =
  /** None of the envelope's recipient infos names the given certificate. */
  | 'not-a-recipient'
  /** The recipient info names us, but the content key does not unwrap (AES key wrap check). */
  | 'bad-wrapped-key'
  /** The AES-GCM tag does not match: ciphertext, nonce or authenticated attributes were altered. */
  | 'bad-ciphertext'
  /** The inner SignedData's signature or message digest does not verify. */
  | 'bad-signature'
  /** The signer's certificate does not chain to a trusted CA, is out of its validity or may not sign. */
  | 'untrusted-signer'
  /** When sealing with `trust`: a reader's certificate does not chain to a trusted CA or is out of date. */
  | 'untrusted-reader'
  /** The signed list of readers differs from the recipient infos actually in the envelope. */
  | 'reader-mismatch'
  /** The signed dialog context differs from the one the caller expects. */
  | 'context-mismatch'
  /** Not the expected DER structure (or not DER at all). */
  | 'malformed'
  /** Well formed, but uses an algorithm this profile does not accept. */
  | 'unsupported-algorithm'
  /** The caller passed unusable arguments (wrong key type, bad certificate, no readers). */
  | 'invalid-argument';

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
  constructor(
    readonly code: EnvelopeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type CertificateErrorCode =
  /** Not a parseable CSR, certificate or PEM block. */
  | 'malformed'
  /** The CSR's or certificate's signature does not verify. */
  | 'bad-signature'
  /** The CSR does not name the identity it is expected to name. */
  | 'identity-mismatch'
  /** A key or signature algorithm other than ECDSA P-256 with SHA-256. */
  | 'unsupported-algorithm'
  /** Unusable arguments (an address that is not a SIP AOR, an empty lifetime, a non-CA issuer). */
  | 'invalid-argument';

export class CertificateError extends Error {
  override readonly name = 'CertificateError';
  constructor(
    readonly code: CertificateErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Keeps typed errors, turns anything else into `fallback` (with the original as `cause`). */
export function asEnvelopeError(e: unknown, fallback: EnvelopeErrorCode, what: string): EnvelopeError {
  if (e instanceof EnvelopeError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new EnvelopeError(fallback, `${what}: ${detail}`, { cause: e });
}

export function asCertificateError(e: unknown, fallback: CertificateErrorCode, what: string): CertificateError {
  if (e instanceof CertificateError) return e;
  const detail = e instanceof Error ? e.message : String(e);
  return new CertificateError(fallback, `${what}: ${detail}`, { cause: e });
}
