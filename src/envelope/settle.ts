/**
 * Independent WebCrypto work started together but judged in a fixed order: `settle` starts
 * waiting on a promise without letting its rejection go unreported, and `outcome` later returns its
 * value or throws its error, so the failure reported is the one the sequential order would give.
 */
export type Settled<T> = Promise<{ ok: true; value: T } | { ok: false; error: unknown }>;

export function settle<T>(work: Promise<T>): Settled<T> {
  return work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

export async function outcome<T>(settled: Settled<T>): Promise<T> {
  const result = await settled;
  if (!result.ok) throw result.error;
  return result.value;
}
