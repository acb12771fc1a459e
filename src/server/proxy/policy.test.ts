import { describe, expect, it } from 'vitest';
import { ConnectionPolicy, DEMO_POLICY, PolicyError } from './policy.js';

describe('connection policy', () => {
  it('applies the demo policy: carol may not reach bob, everyone else may', () => {
    const p = ConnectionPolicy.parse(DEMO_POLICY);
    expect(p.allows('carol@a.keyhop.test', 'bob@b.keyhop.test')).toBe(false);
    expect(p.allows('Carol@A.keyhop.test', 'bob@b.keyhop.test')).toBe(false);
    expect(p.allows('alice@a.keyhop.test', 'bob@b.keyhop.test')).toBe(true);
    expect(p.allows('bob@b.keyhop.test', 'carol@a.keyhop.test')).toBe(true);
  });

  it('uses the first matching rule, domain wildcards and the default', () => {
    const p = ConnectionPolicy.parse('allow alice@a.test -> *\ndeny *@a.test -> *@b.test\ndefault deny\n');
    expect(p.allows('alice@a.test', 'bob@b.test')).toBe(true);
    expect(p.allows('carol@a.test', 'bob@b.test')).toBe(false);
    expect(p.allows('carol@a.test', 'dave@c.test')).toBe(false);
  });

  it('names the line of a bad rule', () => {
    expect(() => ConnectionPolicy.parse('# ok\npermit a@b -> c@d', 'policy.txt')).toThrow(PolicyError);
    expect(() => ConnectionPolicy.parse('# ok\npermit a@b -> c@d', 'policy.txt')).toThrow(/policy\.txt:2/);
  });
});
