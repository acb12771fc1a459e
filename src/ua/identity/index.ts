/** Seed 004 in the user agent: identity keys, the certificate issued at REGISTER, lookups. See README.md. */
export { CertificateStore, type CertificateStatus } from './certificate-store.js';
export { certificateStage } from './certificate-stage.js';
export { defaultKeyStore, IndexedDbKeyStore, MemoryKeyStore, type KeyStore } from './key-store.js';
