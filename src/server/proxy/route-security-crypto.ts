/**
 * A proxy's Route-Security signatures through OpenSSL (node:crypto). The signing input, encoding
 * and entry layout are src/hopsec's; only the ECDSA P-256 arithmetic runs in OpenSSL, which is
 * some thirty times faster than the pure-JS curve the browser shares. Signatures are written in the
 * low-S form src/hopsec writes, so they verify everywhere. OpenSSL's nonces are random rather than
 * RFC 6979's: nothing on the wire depends on which.
 */
import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { addEntry, dialogIds, signingInput, type EntrySigner, type NewEntry, type ParsedEntry } from '../../hopsec/index.js';
import type { SipMessage } from '../../sip/message.js';
import { rawPublicKeyOfCertificate } from './route-security-keys.js';

/** Order of the P-256 group. */
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

export interface EntryCrypto {
  /** Puts this proxy's signed entry on top of the chain (as `addEntry` with a key does). */
  addSigned(msg: SipMessage, spec: NewEntry): ParsedEntry;
  /** Whether `entry`'s signature on `msg` verifies with its node's key; undefined when the key is unknown. */
  verifies(msg: SipMessage, entry: ParsedEntry): boolean | undefined;
  /** Raw 65-byte public keys by node, for `verifyChain`. */
  rawKey(node: string): Uint8Array | undefined;
}

/** `privateKeyPem`: this proxy's certificate key; `certificates`: PEM certificates of the deployment's proxies by domain. */
export function entryCrypto(privateKeyPem: string, certificates: ReadonlyMap<string, string>): EntryCrypto {
  const privateKey = createPrivateKey(privateKeyPem);
  const publicKeys = new Map<string, KeyObject>();
  const raw = new Map<string, Uint8Array>();
  for (const [domain, pem] of certificates) {
    const point = rawPublicKeyOfCertificate(pem, `${domain} certificate`);
    raw.set(domain, point);
    publicKeys.set(domain, createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64u(point.subarray(1, 33)), y: b64u(point.subarray(33)) }, format: 'jwk' }));
  }
  const signer: EntrySigner = (input) => lowS(new Uint8Array(sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' })));
  return {
    addSigned: (msg, spec) => addEntry(msg, spec, signer),
    verifies(msg, entry) {
      const key = publicKeys.get(entry.node);
      if (key === undefined || entry.sig === undefined) return undefined;
      const sig = Buffer.from(entry.sig, 'base64url');
      return sig.length === 64 && verify('sha256', signingInput(entry, dialogIds(msg)), { key, dsaEncoding: 'ieee-p1363' }, sig);
    },
    rawKey: (node) => raw.get(node),
  };
}

/** r || s with s replaced by N − s when it is in the upper half, as src/hopsec signs. */
function lowS(sig: Uint8Array): Uint8Array {
  const s = BigInt(`0x${Buffer.from(sig.subarray(32)).toString('hex')}`);
  if (s <= N >> 1n) return sig;
  const out = new Uint8Array(sig);
  out.set(Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return out;
}

function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}
