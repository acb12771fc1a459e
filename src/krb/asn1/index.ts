/** Kerberos V5 ASN.1 (RFC 4120) and GSS-API framing (RFC 4121) codecs. See README.md. */
export * from './constants';
export * from './flags';
export * from './principal';
export * from './common';
export * from './ticket';
export * from './kdc-req';
export * from './kdc-rep';
export * from './ap';
export * from './krb-error';
export * from './preauth';
export * from './message';
export * from './gss-checksum';
export * from './gss-token';
export { formatKerberosTime, parseKerberosTime } from './der';
