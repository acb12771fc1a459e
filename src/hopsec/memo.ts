/**
 * Results of pure functions of one string, remembered for the most recent keys. A proxy reads the
 * same entry texts and dialog identifiers several times per request (link check, structure check,
 * its own entry) and again on every response; parsing and hashing them again would give the same
 * result. Thrown errors are not remembered.
 */
export function memoize<T>(limit: number, compute: (key: string) => T): (key: string) => T {
  const results = new Map<string, T>();
  return (key) => {
    const known = results.get(key);
    if (known !== undefined) return known;
    const value = compute(key);
    results.set(key, value);
    if (results.size > limit) results.delete(results.keys().next().value!);
    return value;
  };
}
