/** Keyhop's Kerberos client: AS and TGS exchanges and the GSS-API initiator. See README.md. */
export { getInitialCredentials, defaultSalt, type InitialCredentialsOptions } from './as';
export { getServiceCredentials, sipServicePrincipal, type ServiceCredentialsOptions } from './tgs';
export {
  DEFAULT_INITIATOR_FLAGS,
  acceptorError,
  completeSecContext,
  initSecContext,
  type InitiatorOptions,
  type InitiatorStart,
  type PendingInitiatorContext,
} from './initiator';
export { micSigner, type MicSigner, type SecurityContext } from './context';
export { DEFAULT_MAX_SKEW_MS, kdcError, type Credentials, type KdcSend } from './common';
