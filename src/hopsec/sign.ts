/**
 * Entry signatures: ECDSA over P-256 with SHA-256 (RFC 6979 deterministic nonces), raw keys
 * (32-byte private scalar, 65-byte uncompressed public point) and 64-byte r||s signatures.
 *
 * Signing input (every parameter but `sig`, in a fixed order, so re-ordering parameters in the
 * header does not change it while changing any value does):
 *
 *   field("Keyhop Route-Security v1")
 *   || field(Call-ID) || field(CSeq number) || field(CSeq method) || field(From tag)
 *   || field("node") || field(node) || field("addr") || field(addr) || field("level") || field(level)
 *   || field("tr") || field(tr) || field("n") || field(n) || field("d") || field(d)
 *   || [ field("b") || field(b) ]                    when b is present
 *   || [ field("unattested") || field("") ]          when the flag is present
 *   || for each extension parameter, by ascending name: field(name) || field(value as written, "" for a flag)
 */
import { p256 } from '@noble/curves/nist.js';
import { base64urlDecode, base64urlEncode, fields } from './encoding.js';
import { dialogFields, type DialogIds } from './dialog.js';
import type { RouteSecurityEntry } from './entry.js';
import { RouteSecurityError } from './errors.js';
import { preverify, rememberedResult, rememberResult, verificationId } from './verified.js';

export const SIGNING_LABEL = 'Keyhop Route-Security v1';

export const PRIVATE_KEY_BYTES = 32;
export const PUBLIC_KEY_BYTES = 65;

/** The values that are signed: everything in an entry except `sig`. */
export type SignedFields = Omit<RouteSecurityEntry, 'sig'>;

export function signingInput(entry: SignedFields, ids: DialogIds): Uint8Array {
  const texts = [
    SIGNING_LABEL,
    ...dialogFields(ids),
    'node', entry.node,
    'addr', entry.addr,
    'level', String(entry.level),
    'tr', entry.transport,
    'n', String(entry.n),
    'd', entry.d,
  ];
  if (entry.b !== undefined) texts.push('b', entry.b);
  if (entry.unattested) texts.push('unattested', '');
  const ext = [...entry.extensions].map(([name, value]) => [name.toLowerCase(), value ?? ''] as const);
  ext.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, value] of ext) texts.push(name, value);
  return fields(texts);
}

/** The `sig` value for an entry. Throws `RouteSecurityError('key')` for an unusable private key. */
export function signEntry(entry: SignedFields, ids: DialogIds, privateKey: Uint8Array): string {
  if (!(privateKey instanceof Uint8Array) || privateKey.length !== PRIVATE_KEY_BYTES || !p256.utils.isValidSecretKey(privateKey)) {
    throw new RouteSecurityError('key', 'Route-Security signing key must be a valid 32-byte P-256 private key');
  }
  return base64urlEncode(p256.sign(signingInput(entry, ids), privateKey));
}

/**
 * True when `sig` is a valid signature over the entry's values. Never throws: a malformed
 * signature or key simply does not verify. High-S signatures are accepted, so signers other than
 * this module (WebCrypto, OpenSSL) interoperate.
 */
export function verifyEntrySignature(entry: SignedFields, ids: DialogIds, sig: string, publicKey: Uint8Array): boolean {
  try {
    const sigBytes = base64urlDecode(sig);
    if (!sigBytes || sigBytes.length !== 64 || !isValidPublicKey(publicKey)) return false;
    const input = signingInput(entry, ids);
    const id = verificationId(input, sigBytes, publicKey);
    const known = rememberedResult(id);
    if (known !== undefined) return known;
    const ok = p256.verify(sigBytes, input, publicKey, { lowS: false });
    rememberResult(id, ok);
    return ok;
  } catch {
    return false;
  }
}

/**
 * Checks the signature ahead of `verifyEntrySignature` with WebCrypto, so that the synchronous
 * check that follows finds the result (`verified.ts`). Never throws.
 */
export async function preverifyEntrySignature(entry: SignedFields, ids: DialogIds, sig: string, publicKey: Uint8Array): Promise<void> {
  try {
    const sigBytes = base64urlDecode(sig);
    if (!sigBytes || sigBytes.length !== 64 || !isValidPublicKey(publicKey)) return;
    const input = signingInput(entry, ids);
    await preverify(verificationId(input, sigBytes, publicKey), input, sigBytes, publicKey);
  } catch {
    // The synchronous check decides.
  }
}

/** The 65-byte uncompressed public key of a private key. */
export function publicKeyFromPrivate(privateKey: Uint8Array): Uint8Array {
  try {
    return p256.getPublicKey(privateKey, false);
  } catch {
    throw new RouteSecurityError('key', 'Not a valid 32-byte P-256 private key');
  }
}

/** A 65-byte uncompressed point on P-256. */
export function isValidPublicKey(publicKey: Uint8Array): boolean {
  try {
    return publicKey instanceof Uint8Array && publicKey.length === PUBLIC_KEY_BYTES && p256.utils.isValidPublicKey(publicKey, false);
  } catch {
    return false;
  }
}
