import { describe, expect, it } from 'vitest';
import { parseChain } from './chain.js';
import { parseEntry } from './entry.js';
import { memoize } from './memo.js';
import { invite, keyPair, scenario } from './test-support.js';

describe('memoize', () => {
  it('computes each key once while it is among the latest, and again once forgotten', () => {
    const calls: string[] = [];
    const upper = memoize(2, (k) => (calls.push(k), k.toUpperCase()));
    expect([upper('a'), upper('b'), upper('a')]).toEqual(['A', 'B', 'A']);
    upper('c');
    upper('a');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });

  it('does not remember a thrown error', () => {
    let n = 0;
    const failsOnce = memoize(4, (k) => {
      if (n++ === 0) throw new Error('first');
      return k;
    });
    expect(() => failsOnce('x')).toThrow('first');
    expect(failsOnce('x')).toBe('x');
  });
});

describe('remembered parses', () => {
  it('give each caller its own entry to change', () => {
    const { msg } = scenario(keyPair(), keyPair(), [3, 3, 3], invite());
    const [bottom] = parseChain(msg);
    const first = parseEntry(bottom!.raw);
    first.level = 0;
    first.node = 'mallory@a.keyhop.test';
    expect(parseEntry(bottom!.raw)).toMatchObject({ level: 3, node: bottom!.node });
    expect(parseChain(msg)[0]).toEqual(bottom);
  });
});
