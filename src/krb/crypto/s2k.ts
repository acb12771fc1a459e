/**
 * The PBKDF2 iteration count of the AES string-to-key functions: s2kparams are four octets, an
 * unsigned big-endian count, where 00 00 00 00 means 2^32 (RFC 3962 §4; RFC 8009 §4 reuses the
 * format). Counts outside the caller's bounds are refused, since a spoofed KDC reply chooses them
 * (RFC 3962 §8).
 */
import { malformed } from '../errors';
import type { StringToKeyOptions } from './types';

/** The largest count accepted unless the caller says otherwise (2^24, about 16.8 million). */
export const DEFAULT_MAX_ITERATIONS = 0x100_0000;

export function iterationCount(params: Uint8Array | undefined, defaultCount: number, options?: StringToKeyOptions): number {
  let count = defaultCount;
  if (params !== undefined) {
    if (params.length !== 4) throw malformed(`string-to-key parameters of ${params.length} bytes (expected 4)`);
    count = new DataView(params.buffer, params.byteOffset, 4).getUint32(0, false);
    if (count === 0) count = 2 ** 32;
  }
  const max = options?.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const min = options?.minIterations ?? 1;
  if (count > max) throw malformed(`string-to-key iteration count ${count} exceeds the limit of ${max}`);
  if (count < min) throw malformed(`string-to-key iteration count ${count} is below the minimum of ${min}`);
  return count;
}

/** s2kparams for an iteration count (the inverse of `iterationCount`). */
export function iterationParams(count: number): Uint8Array {
  if (!Number.isInteger(count) || count < 1 || count > 2 ** 32) throw malformed(`iteration count ${count}`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, count === 2 ** 32 ? 0 : count, false);
  return out;
}
