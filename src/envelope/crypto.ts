/**
 * The one place that reaches for platform crypto: WebCrypto from `globalThis.crypto` (browsers and
 * Node 20 alike). It also prepares `@peculiar/x509`, which needs the `reflect-metadata` polyfill
 * loaded once and a crypto provider set before first use.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

let ready = false;

/** `@peculiar/x509`, with its crypto provider set to the platform's WebCrypto. */
export function x509Lib(): typeof x509 {
  if (!ready) {
    x509.cryptoProvider.set(globalThis.crypto);
    ready = true;
  }
  return x509;
}

export function subtle(): SubtleCrypto {
  return globalThis.crypto.subtle;
}

export const P256_ECDSA = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const P256_ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;
export const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** True for a WebCrypto key object (checked by shape, so keys from another realm pass too). */
export function isCryptoKey(value: unknown): value is CryptoKey {
  if (typeof value !== 'object' || value === null) return false;
  const k = value as Partial<CryptoKey>;
  return typeof k.type === 'string' && typeof k.extractable === 'boolean' && Array.isArray(k.usages) && typeof k.algorithm === 'object';
}
