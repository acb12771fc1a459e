/**
 * The TGS replay cache (RFC 4120 §3.3.3.1 via §3.2.3): an authenticator is accepted once while
 * it is within the clock skew. A byte-identical request seen again (a client retransmitting
 * after a lost reply) gets the same reply again rather than an error, as MIT's lookaside cache
 * does. Entries expire after twice the skew; the cache holds at most `maxEntries`.
 */
import { sha256 } from '@noble/hashes/sha2.js';

interface Entry {
  request: string;
  reply: Uint8Array;
  expires: number;
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

export class ReplayCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly maxEntries = 20_000,
  ) {}

  /**
   * What to do with a request whose authenticator ciphertext is `authenticator`: 'new' (not seen),
   * the earlier reply (same request again), or 'replay' (same authenticator, different request).
   */
  check(authenticator: Uint8Array, request: Uint8Array, now: number): 'new' | 'replay' | Uint8Array {
    this.expire(now);
    const seen = this.entries.get(hex(sha256(authenticator)));
    if (!seen) return 'new';
    return seen.request === hex(sha256(request)) ? seen.reply : 'replay';
  }

  remember(authenticator: Uint8Array, request: Uint8Array, reply: Uint8Array, now: number): void {
    this.expire(now);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(hex(sha256(authenticator)), { request: hex(sha256(request)), reply, expires: now + this.lifetimeMs });
  }

  get size(): number {
    return this.entries.size;
  }

  private expire(now: number): void {
    for (const [k, e] of this.entries) {
      if (e.expires > now) break;
      this.entries.delete(k);
    }
  }
}
