/**
 * What the envelope stage needs from the phone's certificate store (seed 004): the user's own
 * certificate and keys (from registration), the deployment CA certificates (trust for signers and
 * readers) and the proxies' certificates by domain. The peer's certificate is looked up by the
 * Phone before the INVITE (`prepareCall`), never by the stage: a lookup is an OPTIONS, which would
 * queue behind the INVITE the stage is holding.
 */
import type { IdentityKeys } from '../../envelope/index.js';

export interface OwnIdentity {
  /** The user's certificate, DER. */
  readonly cert: Uint8Array;
  readonly keys: IdentityKeys;
}

/** The store may answer at once or asynchronously. */
type Maybe<T> = T | Promise<T>;

export interface EnvelopeCertificates {
  /** The user's certificate and keys; null before registration gave one. */
  own(): Maybe<OwnIdentity | null>;
  /** The deployment CA certificates (DER). */
  caCerts(): Maybe<readonly Uint8Array[]>;
  /** A Keyhop proxy's certificate (DER) by domain; null or undefined when unknown. */
  proxyCert(domain: string): Maybe<Uint8Array | null | undefined>;
}
