/**
 * Entry signature checks remembered by the exact bytes checked: the signing input, the signature
 * and the public key. The result of ECDSA verification depends on nothing else, so a remembered
 * result is exactly what checking again would give. The 180 and the 200 answering one INVITE
 * carry the same chain, and a proxy's diagnostics may try the same candidate twice.
 *
 * `preverify` fills the memory ahead of a synchronous check using the platform's WebCrypto (much
 * faster than pure JavaScript): ECDSA P-256 with SHA-256 over the same input, r||s signature,
 * high-S accepted, the same function `verifyEntrySignature` computes with noble.
 */
import { bytesToHex } from '@noble/hashes/utils.js';
import { BoundedMap } from './memo.js';

/** Results kept; the oldest is forgotten beyond this. */
export const REMEMBERED_VERIFICATIONS = 512;
/** WebCrypto verification keys kept, one per signer's public key. */
const REMEMBERED_KEYS = 64;

const results = new BoundedMap<string, boolean>(REMEMBERED_VERIFICATIONS);
const keys = new BoundedMap<string, Promise<CryptoKey>>(REMEMBERED_KEYS);

/** The memory's key for one check: every byte the result depends on. */
export function verificationId(input: Uint8Array, sig: Uint8Array, publicKey: Uint8Array): string {
  return `${bytesToHex(publicKey)}.${bytesToHex(sig)}.${bytesToHex(input)}`;
}

export function rememberedResult(id: string): boolean | undefined {
  return results.get(id);
}

export function rememberResult(id: string, ok: boolean): void {
  results.set(id, ok);
}

/**
 * Checks the signature with WebCrypto and remembers the result. Does nothing where WebCrypto is
 * missing or refuses the key: the synchronous check then decides on its own.
 */
export async function preverify(id: string, input: Uint8Array, sig: Uint8Array, publicKey: Uint8Array): Promise<void> {
  if (results.has(id)) return;
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return;
  try {
    const key = await verificationKey(subtle, publicKey);
    rememberResult(id, await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, sig.slice(), input.slice()));
  } catch {
    // Left to the synchronous check.
  }
}

function verificationKey(subtle: SubtleCrypto, publicKey: Uint8Array): Promise<CryptoKey> {
  const hex = bytesToHex(publicKey);
  let key = keys.get(hex);
  if (!key) {
    key = subtle.importKey('raw', publicKey.slice(), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    key.catch(() => keys.delete(hex));
    keys.set(hex, key);
  }
  return key;
}
