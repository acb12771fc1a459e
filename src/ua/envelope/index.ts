/** Sealed SDP in the user agent (seed 003 §7). See README.md. */
export { EnvelopeStage, type EnvelopeHooks, type EnvelopeStageOptions, type OutgoingPlan } from './envelope-stage.js';
export type { EnvelopeCertificates, OwnIdentity } from './certificates.js';
export { DEFAULT_KEY_RENEWAL, type KeyRenewal } from './dialog-key.js';
export { undecipherableOutcome } from './undecipherable.js';
