import { describe, expect, it } from 'vitest';
import { describeLevel, isSecureTransport, linkLevel } from './level.js';

describe('linkLevel', () => {
  it('counts a property only together with those below it', () => {
    const at = (peerAuthenticated: boolean, integrity: boolean, confidentiality: boolean) => linkLevel({ peerAuthenticated, integrity, confidentiality });
    expect(at(false, false, false)).toBe(0);
    expect(at(false, true, true)).toBe(0);
    expect(at(true, false, false)).toBe(1);
    expect(at(true, false, true)).toBe(1);
    expect(at(true, true, false)).toBe(2);
    expect(at(true, true, true)).toBe(3);
  });

  it('knows which transports run over TLS and has words for each level', () => {
    expect(['ws', 'wss', 'tcp', 'tls'].map((t) => isSecureTransport(t as 'ws'))).toEqual([false, true, false, true]);
    expect(describeLevel(0)).toBe('unprotected');
    expect(describeLevel(3)).toContain('encrypted');
  });
});
