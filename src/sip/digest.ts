/** HTTP Digest for SIP (RFC 3261 §22.4, RFC 2617, RFC 8760: SHA-256 and MD5, qop=auth). */
import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export type DigestAlgorithm = 'MD5' | 'SHA-256';

export interface DigestInput {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  method: string;
  uri: string;
  nonce: string;
  /** With qop=auth: client nonce and nonce count (8 hex digits). */
  qop?: { cnonce: string; nc: string };
}

export function digestHash(algorithm: DigestAlgorithm, text: string): string {
  return bytesToHex((algorithm === 'MD5' ? md5 : sha256)(utf8ToBytes(text)));
}

/** HA1 = H(username:realm:password); a registrar may store this instead of the password. */
export function digestHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/** The request-digest (`response` parameter) from HA1. */
export function digestResponse(algorithm: DigestAlgorithm, ha1: string, d: Omit<DigestInput, 'algorithm' | 'username' | 'realm' | 'password'>): string {
  const ha2 = digestHash(algorithm, `${d.method}:${d.uri}`);
  const middle = d.qop ? `${d.nonce}:${d.qop.nc}:${d.qop.cnonce}:auth` : d.nonce;
  return digestHash(algorithm, `${ha1}:${middle}:${ha2}`);
}

export function computeDigest(d: DigestInput): string {
  return digestResponse(d.algorithm, digestHa1(d.algorithm, d.username, d.realm, d.password), d);
}
