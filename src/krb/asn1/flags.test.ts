import { describe, expect, it } from 'vitest';
import { ApOption, KdcOption, TicketFlag, flagNames, flagsOf, hasFlag, namedFlags, withFlag } from './flags';

describe('KerberosFlags helpers', () => {
  it('bit 0 is the most significant bit', () => {
    expect(flagsOf([0])).toBe(0x80000000);
    expect(flagsOf([31])).toBe(1);
    expect(namedFlags(ApOption, ['mutualRequired'])).toBe(0x20000000);
    expect(namedFlags(KdcOption, ['forwardable', 'renewable', 'canonicalize', 'renewableOk'])).toBe(0x40810010);
    expect(namedFlags(TicketFlag, ['forwardable', 'renewable', 'initial', 'preAuthent'])).toBe(0x40e00000);
  });

  it('tests, sets and clears bits', () => {
    let f = 0;
    f = withFlag(f, TicketFlag.okAsDelegate);
    expect(hasFlag(f, TicketFlag.okAsDelegate)).toBe(true);
    expect(hasFlag(f, TicketFlag.forwardable)).toBe(false);
    f = withFlag(f, 0);
    expect(f).toBe(0x80040000);
    f = withFlag(f, 0, false);
    expect(f).toBe(0x00040000);
    expect(() => hasFlag(f, 32)).toThrow(RangeError);
  });

  it('names set bits', () => {
    expect(flagNames(TicketFlag, 0x40e10000)).toEqual(['forwardable', 'renewable', 'initial', 'preAuthent', 'encPaRep']);
    expect(flagNames(ApOption, flagsOf([2, 20]))).toEqual(['mutualRequired', 'bit20']);
    expect(flagNames(KdcOption, 0)).toEqual([]);
  });
});
