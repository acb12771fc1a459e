/**
 * The content key of one dialog (seed 003's "first key", §7 UA-5, UA-12): made fresh for the
 * dialog's first sealed SDP, adopted from the peer when it opens one of theirs (the callee answers
 * under the caller's key), and renewed after a number of uses or an age, whichever comes first.
 * Every sealed message still wraps the key for each reader, so a renewal needs no extra signal.
 * Kept in memory only.
 */
import { newContentKey } from '../../envelope/index.js';

export interface KeyRenewal {
  /** Seals and opens under one key before a new one is made. */
  readonly maxUses: number;
  /** Milliseconds a key is used before a new one is made. */
  readonly maxAgeMs: number;
}

/** Defaults: a call's offer, answer and a few dozen holds and resumes share one key; at most an hour. */
export const DEFAULT_KEY_RENEWAL: KeyRenewal = { maxUses: 64, maxAgeMs: 60 * 60 * 1000 };

export class DialogKey {
  #key: CryptoKey | null = null;
  #raw: string | null = null;
  #uses = 0;
  #since = 0;

  constructor(
    private readonly renewal: KeyRenewal,
    private readonly now: () => number,
  ) {}

  /** The key to seal the next message with: the current one, or a new one when it is due. */
  async forSealing(): Promise<CryptoKey> {
    if (!this.#key || this.#uses >= this.renewal.maxUses || this.now() - this.#since >= this.renewal.maxAgeMs) {
      await this.#take(await newContentKey());
    }
    this.#uses += 1;
    return this.#key!;
  }

  /** The key a received message was sealed with: adopted when it is not the current one. */
  async opened(key: CryptoKey): Promise<void> {
    const raw = await fingerprint(key);
    if (raw !== this.#raw) await this.#take(key, raw);
    this.#uses += 1;
  }

  async #take(key: CryptoKey, raw?: string): Promise<void> {
    this.#key = key;
    this.#raw = raw ?? (await fingerprint(key));
    this.#uses = 0;
    this.#since = this.now();
  }
}

/** Compares keys without keeping their bytes around: a digest of the raw key. */
async function fingerprint(key: CryptoKey): Promise<string> {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', key));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', raw));
  raw.fill(0);
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
