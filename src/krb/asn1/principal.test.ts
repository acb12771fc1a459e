import { describe, expect, it } from 'vitest';
import { KrbError } from '../errors';
import { NameType } from './constants';
import { enterpriseName, formatPrincipal, parsePrincipal, sameName } from './principal';

describe('principal text form', () => {
  it('parses users and services', () => {
    expect(parsePrincipal('alice@EXAMPLE.TEST')).toEqual({ name: { nameType: NameType.NT_PRINCIPAL, nameString: ['alice'] }, realm: 'EXAMPLE.TEST' });
    expect(parsePrincipal('sip/proxy-a.example@EXAMPLE.TEST')).toEqual({
      name: { nameType: NameType.NT_PRINCIPAL, nameString: ['sip', 'proxy-a.example'] },
      realm: 'EXAMPLE.TEST',
    });
    expect(parsePrincipal('sip/proxy-a.example@EXAMPLE.TEST', { nameType: NameType.NT_SRV_HST }).name.nameType).toBe(NameType.NT_SRV_HST);
    expect(parsePrincipal('krbtgt/EXAMPLE.TEST@EXAMPLE.TEST').name.nameType).toBe(NameType.NT_SRV_INST);
    expect(parsePrincipal('bob', { defaultRealm: 'R' })).toEqual({ name: { nameType: 1, nameString: ['bob'] }, realm: 'R' });
    expect(parsePrincipal('a/b/c@R').name.nameString).toEqual(['a', 'b', 'c']);
    expect(parsePrincipal('a@R/X').realm).toBe('R/X');
  });

  it('handles escapes both ways', () => {
    const p = parsePrincipal('we\\/ird\\@name\\\\x/inst@RE\\@ALM');
    expect(p.name.nameString).toEqual(['we/ird@name\\x', 'inst']);
    expect(p.realm).toBe('RE@ALM');
    expect(formatPrincipal(p.name, p.realm)).toBe('we\\/ird\\@name\\\\x/inst@RE\\@ALM');
    expect(parsePrincipal('a\\tb\\nc\\0d\\be@R').name.nameString).toEqual(['a\tb\nc\0d\be']);
    expect(formatPrincipal({ nameType: 1, nameString: ['a\tb'] })).toBe('a\\tb');
    for (const text of ['x@R', 'sip/host.example@R', 'a\\/b@R\\\\S', 'alice\\@corp.example@R']) {
      const q = parsePrincipal(text);
      expect(formatPrincipal(q.name, q.realm)).toBe(text);
    }
  });

  it('refuses broken text', () => {
    for (const bad of ['', '@R', 'a@', 'a//b@R', '/a@R', 'a/@R', 'a@R@S', 'a\\', 'a\\q@R', 'nobody']) {
      let e: unknown;
      try {
        parsePrincipal(bad);
      } catch (x) {
        e = x;
      }
      expect(e, bad).toBeInstanceOf(KrbError);
      expect((e as KrbError).code).toBe('malformed');
    }
  });

  it('enterprise names and comparison', () => {
    const e = enterpriseName('alice@corp.example');
    expect(e).toEqual({ nameType: NameType.NT_ENTERPRISE, nameString: ['alice@corp.example'] });
    expect(formatPrincipal(e, 'CORP.EXAMPLE')).toBe('alice\\@corp.example@CORP.EXAMPLE');
    expect(sameName({ nameType: 1, nameString: ['a', 'b'] }, { nameType: 3, nameString: ['a', 'b'] })).toBe(true);
    expect(sameName({ nameType: 1, nameString: ['a'] }, { nameType: 1, nameString: ['a', 'b'] })).toBe(false);
  });
});
