import { describe, expect, it } from 'vitest';
import { KrbError } from '../errors';
import {
  decodeDer,
  formatKerberosTime,
  int32,
  kerberosFlags,
  kerberosString,
  kerberosTime,
  microseconds,
  parseKerberosTime,
  readInt32,
  readInteger,
  readKerberosFlags,
  readKerberosString,
  readKerberosTime,
  readUInt32,
  toDer,
  uint32,
} from './der';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (h: string) => new Uint8Array((h.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));
const decode = <T>(h: string, read: (n: never, w: string) => T) => decodeDer(unhex(h), 'test', read as never) as T;

describe('KerberosTime', () => {
  it('formats whole seconds in UTC', () => {
    expect(formatKerberosTime(new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 999)))).toBe('20250102030405Z');
    expect(formatKerberosTime(new Date(Date.UTC(1970, 0, 1)))).toBe('19700101000000Z');
    expect(formatKerberosTime(new Date(Date.UTC(9999, 11, 31, 23, 59, 59)))).toBe('99991231235959Z');
    expect(hex(toDer(kerberosTime(new Date(Date.UTC(2037, 11, 31, 23, 59, 59)))))).toBe('180f32303337313233313233353935395a');
  });

  it('parses strictly', () => {
    expect(parseKerberosTime('20240229120000Z').toISOString()).toBe('2024-02-29T12:00:00.000Z');
    expect(parseKerberosTime('00500101000000Z').getUTCFullYear()).toBe(50);
    expect(() => parseKerberosTime('20230229120000Z')).toThrow(KrbError);
    expect(() => parseKerberosTime('20240101240000Z')).toThrow(KrbError);
    expect(() => parseKerberosTime('20240101235960Z')).toThrow(KrbError);
    expect(() => parseKerberosTime(' 20240101235959Z')).toThrow(KrbError);
  });

  it('round-trips through DER', () => {
    const d = new Date(Date.UTC(2001, 8, 9, 1, 46, 40));
    expect(decode(hex(toDer(kerberosTime(d))), readKerberosTime)).toEqual(d);
  });
});

describe('INTEGER', () => {
  it('encodes Int32, UInt32 and Microseconds minimally', () => {
    expect(hex(toDer(int32(0)))).toBe('020100');
    expect(hex(toDer(int32(-1)))).toBe('0201ff');
    expect(hex(toDer(int32(128)))).toBe('02020080');
    expect(hex(toDer(int32(-129)))).toBe('0202ff7f');
    expect(hex(toDer(int32(-2147483648)))).toBe('020480000000');
    expect(hex(toDer(uint32(4294967295)))).toBe('020500ffffffff');
    expect(hex(toDer(microseconds(999999)))).toBe('02030f423f');
  });

  it('refuses out-of-range or non-integer values when encoding', () => {
    for (const f of [() => int32(2 ** 31), () => int32(0.5), () => uint32(-1), () => uint32(2 ** 32), () => microseconds(-1), () => int32(Number.NaN)]) {
      expect(f).toThrow(KrbError);
    }
  });

  it('decodes with range checks', () => {
    expect(decode('0204ffffff7f', readInteger)).toBe(-129);
    expect(decode('02080000000000000001', readInteger)).toBe(1);
    expect(decode('020480000000', readInt32)).toBe(-2147483648);
    expect(decode('020500ffffffff', readUInt32)).toBe(4294967295);
    expect(decode('020480000000', readUInt32)).toBe(0x80000000);
    expect(() => decode('0209000000000000000001', readInteger)).toThrow(KrbError);
    expect(() => decode('0208 0020000000000000', readInteger)).toThrow(/too large/);
    expect(() => decode('020500ffffffff', readInt32)).toThrow(/Int32/);
  });
});

describe('KerberosFlags BIT STRING', () => {
  it('encodes exactly 32 bits with no unused bits', () => {
    expect(hex(toDer(kerberosFlags(0)))).toBe('03050000000000');
    expect(hex(toDer(kerberosFlags(0x50800000)))).toBe('03050050800000');
    expect(hex(toDer(kerberosFlags(0xffffffff)))).toBe('030500ffffffff');
    expect(() => kerberosFlags(2 ** 32)).toThrow(KrbError);
  });

  it('zero-extends shorter strings, ignores bits past 32, masks unused bits', () => {
    expect(decode('03020020', readKerberosFlags)).toBe(0x20000000);
    expect(decode('030100', readKerberosFlags)).toBe(0);
    expect(decode('0303 07 ff ff', readKerberosFlags)).toBe(0xff800000);
    expect(decode('0306 00 40000001 ff', readKerberosFlags)).toBe(0x40000001);
  });

  it('refuses bad padding', () => {
    expect(() => decode('030108', readKerberosFlags)).toThrow(KrbError);
    expect(() => decode('030105', readKerberosFlags)).toThrow(KrbError);
  });
});

describe('KerberosString', () => {
  it('is a GeneralString carrying UTF-8', () => {
    expect(hex(toDer(kerberosString('EXAMPLE.TEST')))).toBe('1b0c4558414d504c452e54455354');
    expect(hex(toDer(kerberosString('é')))).toBe('1b02c3a9');
    expect(decode('1b02c3a9', readKerberosString)).toBe('é');
    expect(() => decode('0c02c3a9', readKerberosString)).toThrow(/GeneralString/);
  });
});
