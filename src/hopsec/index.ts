/** Route-Security (seeds 001/002): per-hop entries, levels, signing and chain checks. Pure code, no I/O. */
export { canonicalAddr, formatAddr, joinHostPort, parseAddr, sameAddr, type HostPort } from './addr.js';
export { addEntry, chainValues, copyChain, insertUnattested, MAX_ENTRIES, parseChain, type EntrySigner, type NewEntry, type UnattestedHop } from './chain.js';
export { checkTopEntry, type TopEntryContext, type TopEntryFailure, type TopEntryResult } from './check-top.js';
export { DIALOG_LABEL, dialogDigest, dialogIds, type DialogIds } from './dialog.js';
export { formatEntry, HEADER, isUserAgentNode, MAX_ENTRY_LENGTH, parseEntry, type ParsedEntry, type RouteSecurityEntry } from './entry.js';
export { RouteSecurityError, type RouteSecurityErrorCode } from './errors.js';
export { describeLevel, isLevel, isSecureTransport, isTransport, LEVELS, linkLevel, TRANSPORTS, type Level, type LinkSecurity, type Transport } from './level.js';
export { isValidPublicKey, preverifyEntrySignature, publicKeyFromPrivate, SIGNING_LABEL, signEntry, signingInput, verifyEntrySignature, type SignedFields } from './sign.js';
export {
  checkOwnEntry,
  DIAGNOSTIC_VERIFICATIONS,
  FAILURE_PRECEDENCE,
  preverifyChain,
  verifyChain,
  type ChainFailure,
  type ChainReport,
  type FailureReason,
  type HopReport,
  type OwnEntry,
  type OwnEntryResult,
  type VerifyOptions,
} from './verify.js';
