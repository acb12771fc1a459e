/**
 * How the entries of a chain fit together through `n` (entries below when added) and `b` (digest
 * of the exact entry below): which entries were inserted, where entries were removed, whether the
 * order was changed, and which entry's text is not what the entry above it covered.
 *
 * Only entries whose own claims are believable accuse others: an entry is trusted when its
 * signature verifies, when the entry above covers its exact text, or when it is the top entry and
 * its signature is not known to be bad. An untrusted entry's broken link is blamed on itself.
 */
import { entryDigest } from './encoding.js';
import type { ParsedEntry } from './entry.js';

export type StructuralReason = 'inserted' | 'removed' | 'reordered' | 'tampered';

export interface StructuralFinding {
  index: number;
  reason: StructuralReason;
  detail: string;
}

export interface StructureResult {
  /** At most one finding per path index. */
  findings: Map<number, StructuralFinding>;
  /** confirmed[i]: the entry above entry i covers entry i's exact text through its `b`. */
  confirmed: boolean[];
}

const RANK: Record<StructuralReason, number> = { removed: 0, inserted: 1, reordered: 2, tampered: 3 };

/**
 * `entries` in path order (bottom first); `signatureValid[i]` true / false when entry i's signature
 * was checked, undefined when it is unsigned or its key is unknown.
 */
export function analyseStructure(entries: readonly ParsedEntry[], signatureValid: ReadonlyArray<boolean | undefined>): StructureResult {
  const count = entries.length;
  const top = count - 1;
  const dig = entries.map((e) => entryDigest(e.raw));
  const confirmed = entries.map((_, i) => i < top && entries[i + 1]!.b === dig[i]);
  const trusted = (i: number): boolean => confirmed[i]! || signatureValid[i] === true || (i === top && signatureValid[i] !== false);
  const findings = new Map<number, StructuralFinding>();
  const add = (index: number, reason: StructuralReason, detail: string): void => {
    const old = findings.get(index);
    if (!old || RANK[reason] < RANK[old.reason]) findings.set(index, { index, reason, detail });
  };

  // 1. Every entry genuine and linked, only out of order.
  const byN = [...entries.keys()].sort((a, b) => entries[a]!.n - entries[b]!.n);
  const permutation = byN.every((idx, k) => entries[idx]!.n === k);
  if (permutation && byN.some((idx, k) => idx !== k)) {
    const linked = byN.every((idx, k) => (k === 0 ? entries[idx]!.b === undefined : entries[idx]!.b === dig[byN[k - 1]!]));
    if (linked) {
      byN.forEach((idx, k) => {
        if (idx !== k) add(k, 'reordered', `entry of ${entries[k]!.node} was added at position ${entries[k]!.n}`);
      });
      return { findings, confirmed };
    }
  }

  // 2. From the top down, follow b: entries a trusted entry's b skips over were inserted.
  const inserted = new Set<number>();
  const matchBelow = (cur: number, b: string): number | undefined => {
    for (let j = cur - 1; j >= 0; j--) if (dig[j] === b) return j;
    return undefined;
  };
  for (let cur = top; cur > 0; ) {
    const e = entries[cur]!;
    if (e.b === undefined) {
      if (e.n === 0 && trusted(cur)) {
        // A trusted entry written as the bottom: everything under it was slipped in.
        for (let k = 0; k < cur; k++) inserted.add(k);
        break;
      }
      cur--;
      continue;
    }
    const j = matchBelow(cur, e.b);
    if (j === undefined) {
      cur--;
      continue;
    }
    if (j < cur - 1 && trusted(cur)) for (let k = j + 1; k < cur; k++) inserted.add(k);
    cur = j;
  }
  for (const k of inserted) add(k, 'inserted', `entry of ${entries[k]!.node} is not covered by the entries above it`);

  // 3. From the bottom up over the rest: counts and links.
  const kept = [...entries.keys()].filter((i) => !inserted.has(i));
  let offset = 0;
  kept.forEach((i, p) => {
    const e = entries[i]!;
    const want = p + offset;
    if (p === 0) {
      if (e.n === 0 && e.b === undefined) return;
      if (e.n > 0 && trusted(i)) {
        add(i, 'removed', `${e.n} entr${e.n === 1 ? 'y' : 'ies'} missing below ${e.node}`);
        offset = e.n;
      } else add(i, 'tampered', `n and b of the bottom entry disagree`);
      return;
    }
    const below = kept[p - 1]!;
    if (e.b !== undefined && e.b === dig[below]) {
      if (e.n !== want) add(i, 'tampered', `n=${e.n} does not fit the ${want} entries below`);
      return;
    }
    if (e.b === undefined) {
      add(i, 'tampered', `n=${e.n} without b above other entries`);
      return;
    }
    const j = dig.findIndex((x, k) => k !== i && x === e.b);
    if (j > i) {
      add(i, 'reordered', `b of ${e.node} covers an entry above it`);
      return;
    }
    if (!trusted(i)) {
      if (i === top) add(i, 'tampered', `b of ${e.node} covers no entry below it`);
      return;
    }
    if (j >= 0) {
      add(below, 'inserted', `entry of ${entries[below]!.node} is not the one ${e.node} covered`);
      return;
    }
    const gap = e.n - want;
    if (gap > 0) {
      add(i, 'removed', `${gap} entr${gap === 1 ? 'y' : 'ies'} missing below ${e.node}`);
      offset += gap;
    } else if (gap === 0) {
      add(below, 'tampered', `entry of ${entries[below]!.node} differs from what ${e.node} covered`);
    } else {
      add(below, 'inserted', `${e.node} was added above ${e.n} entries, there are more`);
      offset += gap;
    }
  });
  return { findings, confirmed };
}
