import { describe, expect, it } from 'vitest';
import { canonicalAddr, joinHostPort, parseAddr, sameAddr } from './addr.js';

describe('addr', () => {
  it('reads host[:port] in its three host forms', () => {
    expect(parseAddr('a.keyhop.test:5061')).toEqual({ host: 'a.keyhop.test', port: 5061 });
    expect(parseAddr('192.0.2.1')).toEqual({ host: '192.0.2.1', port: null });
    expect(parseAddr('[2001:DB8::1]:5060')).toEqual({ host: '[2001:db8::1]', port: 5060 });
    expect(parseAddr('k3j2h4d1.invalid')).toEqual({ host: 'k3j2h4d1.invalid', port: null });
  });

  it('writes IPv6 in RFC 5952 form and IPv4-mapped addresses as IPv4', () => {
    expect(canonicalAddr('[2001:0db8:0000:0000:0000:0000:0000:0001]:443')).toBe('[2001:db8::1]:443');
    expect(canonicalAddr('[2001:db8:0:0:1:0:0:1]')).toBe('[2001:db8::1:0:0:1]');
    expect(canonicalAddr('[2001:db8:0:1:1:1:1:1]')).toBe('[2001:db8:0:1:1:1:1:1]');
    expect(canonicalAddr('[::]')).toBe('[::]');
    expect(canonicalAddr('[::ffff:127.0.0.1]:5060')).toBe('127.0.0.1:5060');
    expect(canonicalAddr('[::FFFF:7f00:1]:5060')).toBe('127.0.0.1:5060');
    expect(canonicalAddr('A.Keyhop.TEST:5060')).toBe('a.keyhop.test:5060');
  });

  it('compares canonical forms', () => {
    expect(sameAddr('[::ffff:192.0.2.10]:5061', '192.0.2.10:5061')).toBe(true);
    expect(sameAddr('[2001:db8::1]:5060', '[2001:db8:0::0:1]:5060')).toBe(true);
    expect(sameAddr('192.0.2.10:5061', '192.0.2.10:5062')).toBe(false);
    expect(sameAddr('192.0.2.10', '192.0.2.10:5061')).toBe(false);
    expect(sameAddr('not an address', 'not an address')).toBe(false);
  });

  it('brackets bare IPv6 hosts as sockets report them', () => {
    expect(joinHostPort('::1', 5060)).toBe('[::1]:5060');
    expect(joinHostPort('192.0.2.1', null)).toBe('192.0.2.1');
  });

  it('refuses what is not host[:port]', () => {
    for (const bad of ['', ':5060', 'a.test:', 'a.test:65536', 'a.test:5x', '::1', '2001:db8::1:5060', '[2001:db8::1', '[2001:db8::1]5060', '[1:2:3:4:5:6:7:8:9]', '[1::2::3]', '[::g]', '256.1.1.1', '1.2.3', '10', 'a b', 'a;b', 'a,b', '-']) {
      expect(parseAddr(bad), bad).toBeUndefined();
    }
  });
});
