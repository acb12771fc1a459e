/** Keyhop's Kerberos acceptor: AP-REQ validation and AP-REP creation for a service. See README.md. */
export { acceptSecContext, krbErrorToken, type AcceptedContext, type AcceptorOptions } from './accept';
export { ReplayCache, type ReplayCacheOptions, type ReplayCheck } from './replay-cache';
export { micSigner, type MicSigner, type SecurityContext } from '../client/context';
