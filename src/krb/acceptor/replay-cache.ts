/**
 * The authenticator replay cache of an acceptor (RFC 4120 §3.2.3, §10): an authenticator is
 * accepted once. Entries are (client, server, ctime, cusec); each is kept until its ctime is
 * older than the clock-skew window, after which the clock check refuses the authenticator anyway.
 *
 * Memory is bounded by `maxEntries`. Expired entries are dropped at most once a second, and
 * whenever the cache is full; if it is still full, new authenticators are refused ('full') rather
 * than forgetting entries that could still be replayed. Only authenticators that passed every other
 * check (so only holders of valid tickets) add entries.
 */
import { DEFAULT_MAX_SKEW_MS } from '../client/common';

export interface ReplayCacheOptions {
  /** How long an entry is kept after its ctime; should equal the acceptor's clock skew. Default 5 minutes. */
  windowMs?: number;
  /** The most entries kept. Default 100 000 (about 330 authentications a second for 5 minutes). */
  maxEntries?: number;
}

export type ReplayCheck = 'new' | 'replay' | 'full';

export class ReplayCache {
  readonly windowMs: number;
  readonly maxEntries: number;
  /** key → the time (ms) after which the entry can be forgotten */
  private readonly entries = new Map<string, number>();
  private lastPrune = -Infinity;

  constructor(options: ReplayCacheOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_MAX_SKEW_MS;
    this.maxEntries = options.maxEntries ?? 100_000;
    if (!(this.windowMs >= 0) || !Number.isInteger(this.maxEntries) || this.maxEntries < 1) throw new RangeError('bad replay cache options');
  }

  /** The key of an authenticator. */
  static key(client: string, server: string, ctimeMs: number, cusec: number): string {
    return `${ctimeMs}|${cusec}|${client.length}|${client}|${server}`;
  }

  /**
   * Records an authenticator: 'new' the first time, 'replay' when seen within the window, 'full'
   * when it cannot be recorded. `keepMs` lengthens the window for this entry (an acceptor passes
   * its clock skew, so a larger skew than the cache's window cannot open a gap).
   */
  check(key: string, ctimeMs: number, nowMs: number, keepMs = 0): ReplayCheck {
    const expires = this.entries.get(key);
    if (expires !== undefined && expires >= nowMs) return 'replay';
    if (nowMs - this.lastPrune >= 1000 || this.entries.size >= this.maxEntries) this.prune(nowMs);
    if (this.entries.size >= this.maxEntries) return 'full';
    this.entries.set(key, Math.max(ctimeMs, nowMs) + Math.max(this.windowMs, keepMs));
    return 'new';
  }

  /** Number of entries held. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops the entries that have expired by `nowMs`. */
  prune(nowMs: number): void {
    this.lastPrune = nowMs;
    for (const [key, expires] of this.entries) if (expires < nowMs) this.entries.delete(key);
  }
}
