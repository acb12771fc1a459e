/**
 * Bounded memories for results that depend only on their key. A proxy reads the same entry texts
 * and dialog identifiers several times per request (link check, structure check, its own entry)
 * and again on every response; a browser sees the same chain on a 180 and a 200. Computing them
 * again would give the same result.
 */

/** A Map that forgets its oldest key beyond `limit` entries. */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Stores `value` as the newest entry. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    if (this.#entries.size > this.limit) this.#entries.delete(this.#entries.keys().next().value!);
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}

/** `compute`, remembered for the most recent `limit` keys. Thrown errors are not remembered. */
export function memoize<T>(limit: number, compute: (key: string) => T): (key: string) => T {
  const results = new BoundedMap<string, T>(limit);
  return (key) => {
    const known = results.get(key);
    if (known !== undefined) return known;
    const value = compute(key);
    results.set(key, value);
    return value;
  };
}
