import { describe, expect, it } from 'vitest';
import { parseCallTarget, parseSipAddress } from './address.js';

describe('parseSipAddress', () => {
  it('splits user and domain and lower-cases the domain', () => {
    expect(parseSipAddress('alice@A.Keyhop.Test')).toEqual({
      user: 'alice',
      domain: 'a.keyhop.test',
      aor: 'alice@a.keyhop.test',
      uri: 'sip:alice@a.keyhop.test',
    });
  });

  it('accepts a sip: prefix and surrounding spaces', () => {
    expect(parseSipAddress('  sip:bob@b.keyhop.test ')?.aor).toBe('bob@b.keyhop.test');
  });

  it('refuses text that is not an address', () => {
    for (const bad of ['', 'alice', '@a.keyhop.test', 'alice@', 'al ice@a.keyhop.test', 'alice@a..test', 'alice@-a.test']) {
      expect(parseSipAddress(bad)).toBeNull();
    }
  });
});

describe('parseCallTarget', () => {
  it('completes a bare user name with the caller’s domain', () => {
    expect(parseCallTarget('carol', 'a.keyhop.test')?.uri).toBe('sip:carol@a.keyhop.test');
  });

  it('keeps a full address as given', () => {
    expect(parseCallTarget('bob@b.keyhop.test', 'a.keyhop.test')?.uri).toBe('sip:bob@b.keyhop.test');
  });

  it('refuses empty or malformed targets', () => {
    expect(parseCallTarget('  ', 'a.keyhop.test')).toBeNull();
    expect(parseCallTarget('bob@', 'a.keyhop.test')).toBeNull();
  });
});
