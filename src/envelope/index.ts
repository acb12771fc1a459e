/**
 * Public API of the envelope and certificate core (seeds 003 and 004). Pure and isomorphic: WebCrypto
 * from `globalThis.crypto`, ASN.1 through the `@peculiar` libraries, no I/O. See README.md.
 */
export { EnvelopeError, CertificateError, type EnvelopeErrorCode, type CertificateErrorCode } from './errors.js';
export {
  sealSdp,
  openSdp,
  type SealSdpOptions,
  type SealedSdp,
  type OpenSdpOptions,
  type OpenedSdp,
  type ReaderInfo,
  type Der,
} from './sdp-envelope.js';
export { newContentKey } from './content-key.js';
export { inspectEnvelope, isAddressedTo, addressedToExactly, type EnvelopeSummary, type RecipientSummary } from './inspect.js';
export {
  SDP_READERS_HEADER,
  formatReaderHeader,
  parseReaderHeader,
  readerHeaderFor,
  checkReaderHeader,
  checkReaderHeaderByCertificates,
  type ReaderHeaderCheck,
} from './reader-header.js';
export { generateIdentityKeys, importIdentityKeys, isIdentityKeys, type IdentityKeys } from './keys.js';
export { createCsr, verifyCsr, type CreateCsrOptions, type VerifiedCsr } from './csr.js';
export {
  issueCertificate,
  issueUserCertificate,
  createCaCertificate,
  randomSerial,
  type IssueOptions,
  type IssueUserOptions,
  type IssuingCa,
  type CreateCaOptions,
} from './issue.js';
export { normalizeAor, aorUri, sameAor } from './aor.js';
export { toPem, fromPem, fromPemOne, type PemLabel } from './pem.js';
export { SEALED_SDP_CONTENT_TYPE } from './media-type.js';
export { CERTS_ONLY_CONTENT_TYPE, CSR_CONTENT_TYPE, CERTIFICATE_CONTENT_TYPE, encodeCertsOnly, decodeCertsOnly } from './certs-only.js';
export { readRegistrationCertificates, verifyUserCertificate, rawPublicKey, dnsNames, type RegistrationCertificates } from './registration-answer.js';
