/**
 * Key checks and the per-key cache of derived keys.
 *
 * Deriving Kc/Ke/Ki costs a few AES blocks or one HMAC, and the SIP signing path takes a
 * checksum with the same session key for every message, so derived keys are cached per base key
 * and purpose. The cache is a WeakMap keyed by the key's byte array: it never keeps a key alive,
 * and it keeps a copy of the bytes it saw so that a caller reusing (or overwriting) the same
 * array for another key can never be served a stale derived key.
 */
import { malformed } from '../errors';
import { sameBytes } from './bytes';
import type { Key } from './types';

/** Checks that `key` belongs to enctype `id` and has the right length. */
export function checkKey(key: Key, id: number, name: string, keyBytes: number): void {
  if (key.enctype !== id) throw malformed(`a key of encryption type ${key.enctype} was used with ${name} (${id})`);
  if (!(key.bytes instanceof Uint8Array) || key.bytes.length !== keyBytes) {
    throw malformed(`${name} key of ${key.bytes?.length ?? 0} bytes (expected ${keyBytes})`);
  }
}

/** At most this many derived keys are kept per base key (usages in practice: a handful). */
const MAX_PER_KEY = 64;

interface Entry {
  readonly snapshot: Uint8Array;
  readonly derived: Map<string, Uint8Array>;
}

/** A cache of keys derived from base keys, for one enctype. */
export class DerivedKeyCache {
  private readonly entries = new WeakMap<Uint8Array, Entry>();

  /**
   * The key derived from `base` for `slot` (e.g. "2:170"), computing it with `derive` on a miss.
   * The returned array is shared: callers must not modify or hand it out.
   */
  get(base: Uint8Array, slot: string, derive: () => Uint8Array): Uint8Array {
    let entry = this.entries.get(base);
    if (entry === undefined || !sameBytes(entry.snapshot, base)) {
      entry = { snapshot: base.slice(), derived: new Map() };
      this.entries.set(base, entry);
    }
    let k = entry.derived.get(slot);
    if (k === undefined) {
      k = derive();
      if (entry.derived.size >= MAX_PER_KEY) entry.derived.clear();
      entry.derived.set(slot, k);
    }
    return k;
  }
}
