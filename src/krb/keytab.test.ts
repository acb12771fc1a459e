import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KrbError } from './errors';
import { findKeytabEntry, readKeytab, writeKeytab, type KeytabEntry } from './keytab';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./asn1/fixtures/keytab/${name}`, import.meta.url)));
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (h: string) => new Uint8Array((h.replace(/\s+/g, '').match(/../g) ?? []).map((x) => parseInt(x, 16)));

const AES256 = 18;
const AES128 = 17;
/** alice@EXAMPLE.TEST, password "alicepw", default salt: the AES keys MIT derived (see fixtures/README.md). */
const ALICE_AES256 = '3b706c009fd6fcf684a7c7806a3127f051208bdd757a334cfc2dbe7564ff889d';
const ALICE_AES128 = 'fb5ad8a99f7736be06b509a0eb397ed6';

function expectMalformed(fn: () => unknown): KrbError {
  let e: unknown;
  try {
    fn();
  } catch (x) {
    e = x;
  }
  expect(e).toBeInstanceOf(KrbError);
  expect((e as KrbError).code).toBe('malformed');
  return e as KrbError;
}

const entry = (over: Partial<KeytabEntry> = {}): KeytabEntry => ({
  principal: { name: { nameType: 1, nameString: ['alice'] }, realm: 'EXAMPLE.TEST' },
  timestamp: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)),
  kvno: 1,
  enctype: AES256,
  key: new Uint8Array(32).fill(9),
  ...over,
});

describe('reading MIT keytabs', () => {
  it('reads a ktutil keytab, including a kvno above 255', () => {
    const entries = readKeytab(fixture('ktutil.keytab'));
    expect(entries.map((e) => [e.principal.name.nameString.join('/'), e.principal.realm, e.kvno, e.enctype])).toEqual([
      ['alice', 'EXAMPLE.TEST', 3, AES256],
      ['alice', 'EXAMPLE.TEST', 3, AES128],
      ['alice', 'EXAMPLE.TEST', 4, AES256],
      ['sip/proxy-a.example', 'EXAMPLE.TEST', 300, AES256],
    ]);
    expect(hex(entries[0]?.key as Uint8Array)).toBe(ALICE_AES256);
    expect(hex(entries[1]?.key as Uint8Array)).toBe(ALICE_AES128);
    expect(entries[0]?.principal.name.nameType).toBe(1);
    expect(entries[0]?.timestamp.getUTCMilliseconds()).toBe(0);
  });

  it('skips deleted entries (holes)', () => {
    const entries = readKeytab(fixture('holes.keytab'));
    expect(entries.map((e) => [e.principal.name.nameString.join('/'), e.kvno, e.enctype])).toEqual([
      ['alice', 1, AES256],
      ['alice', 1, AES128],
    ]);
    expect(hex(entries[0]?.key as Uint8Array)).toBe(ALICE_AES256);
  });

  it('reads a kadmin keytab', () => {
    const entries = readKeytab(fixture('sip.keytab'));
    expect(entries.map((e) => [e.kvno, e.enctype, e.key.length])).toEqual([
      [2, AES256, 32],
      [2, AES128, 16],
    ]);
  });
});

describe('writing keytabs', () => {
  it('writes byte-for-byte what MIT ktutil and kadmin wrote', () => {
    for (const name of ['ktutil.keytab', 'sip.keytab']) {
      const bytes = fixture(name);
      expect(hex(writeKeytab(readKeytab(bytes)))).toBe(hex(bytes));
    }
  });

  it('writes a file MIT klist reads (fixture checked with klist -k -e -t -K)', () => {
    const written = writeKeytab([
      entry({ principal: { name: { nameType: 3, nameString: ['sip', 'proxy-b.example'] }, realm: 'EXAMPLE.TEST' }, kvno: 7, key: new Uint8Array(32).fill(0x42) }),
      entry({ kvno: 1000, enctype: AES128, key: new Uint8Array(16).fill(0x17) }),
      entry({ principal: { name: { nameType: 1, nameString: ['bob'] }, realm: 'EXAMPLE.TEST' }, kvno: 256, key: new Uint8Array(32).fill(1) }),
    ]);
    expect(hex(written)).toBe(hex(fixture('keyhop-written.keytab')));
  });

  it('round-trips entries, with the 32-bit kvno and name types', () => {
    const entries = [entry(), entry({ kvno: 0x12345678, enctype: -128 }), entry({ principal: { name: { nameType: 10, nameString: ['bob@corp.example'] }, realm: 'É.TEST' } })];
    expect(readKeytab(writeKeytab(entries))).toEqual(entries);
    expect(hex(writeKeytab([]))).toBe('0502');
    expect(readKeytab(unhex('0502'))).toEqual([]);
  });

  it('refuses values the format cannot hold', () => {
    expectMalformed(() => writeKeytab([entry({ kvno: -1 })]));
    expectMalformed(() => writeKeytab([entry({ kvno: 2 ** 32 })]));
    expectMalformed(() => writeKeytab([entry({ enctype: 70000 })]));
    expectMalformed(() => writeKeytab([entry({ key: new Uint8Array(70000) })]));
    expectMalformed(() => writeKeytab([entry({ timestamp: new Date(-1000) })]));
  });
});

describe('record handling', () => {
  const one = writeKeytab([entry({ kvno: 5 })]);
  const body = one.subarray(6);

  it('uses the 8-bit kvno when the 32-bit one is zero or absent', () => {
    const zeroExt = Uint8Array.of(...one);
    zeroExt.fill(0, zeroExt.length - 4);
    expect(readKeytab(zeroExt)[0]?.kvno).toBe(5);
    const noExt = Uint8Array.of(0x05, 0x02, 0, 0, 0, body.length - 4, ...body.subarray(0, body.length - 4));
    expect(readKeytab(noExt)[0]?.kvno).toBe(5);
  });

  it('accepts an entry shorter than its record, and a zero length as the end', () => {
    const padded = Uint8Array.of(0x05, 0x02, 0, 0, 0, body.length + 3, ...body, 0, 0, 0);
    expect(readKeytab(padded)).toHaveLength(1);
    const ended = Uint8Array.of(...one, 0, 0, 0, 0, 0xde, 0xad);
    expect(readKeytab(ended)).toHaveLength(1);
  });

  it('refuses broken files', () => {
    expect(expectMalformed(() => readKeytab(unhex('0503'))).message).toMatch(/0x0503/);
    expectMalformed(() => readKeytab(unhex('0602')));
    expectMalformed(() => readKeytab(unhex('05')));
    expectMalformed(() => readKeytab(undefined as unknown as Uint8Array));
    for (let n = 3; n < one.length; n++) expectMalformed(() => readKeytab(one.subarray(0, n)));
    expectMalformed(() => readKeytab(unhex('0502 ffffff00 0000')));
    expectMalformed(() => readKeytab(unhex('0502 00000004 0001 0000')));
    const badUtf8 = Uint8Array.of(...one);
    badUtf8[10] = 0xff;
    expectMalformed(() => readKeytab(badUtf8));
  });
});

describe('version 0x0501 (native byte order)', () => {
  // count includes the realm, no name type; integers in the writer's byte order
  const v1 = (little: boolean) => {
    const u16 = (n: number) => (little ? [n & 0xff, n >> 8] : [n >> 8, n & 0xff]);
    const u32 = (n: number) => (little ? [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24] : [n >>> 24, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
    const data = (s: string) => [...u16(s.length), ...new TextEncoder().encode(s)];
    const rec = [...u16(3), ...data('R'), ...data('host'), ...data('h.example'), ...u32(1_700_000_000), 9, ...u16(AES128), ...u16(16), ...new Array<number>(16).fill(0xab)];
    return Uint8Array.of(0x05, 0x01, ...u32(rec.length), ...rec);
  };

  it('reads little-endian and big-endian files', () => {
    for (const little of [true, false]) {
      const [e] = readKeytab(v1(little));
      expect(e?.principal).toEqual({ name: { nameType: 1, nameString: ['host', 'h.example'] }, realm: 'R' });
      expect(e?.kvno).toBe(9);
      expect(e?.enctype).toBe(AES128);
      expect(e?.timestamp.getTime()).toBe(1_700_000_000_000);
    }
  });

  it('refuses a broken one', () => {
    expectMalformed(() => readKeytab(v1(true).subarray(0, 20)));
  });
});

describe('finding keys', () => {
  const entries = readKeytab(fixture('ktutil.keytab'));

  it('chooses the highest kvno unless one is asked for', () => {
    expect(findKeytabEntry(entries, 'alice@EXAMPLE.TEST', AES256)?.kvno).toBe(4);
    expect(findKeytabEntry(entries, 'alice@EXAMPLE.TEST', AES256, 3)?.kvno).toBe(3);
    expect(hex(findKeytabEntry(entries, 'alice@EXAMPLE.TEST', AES128)?.key as Uint8Array)).toBe(ALICE_AES128);
    expect(findKeytabEntry(entries, 'alice@EXAMPLE.TEST', AES128, 4)).toBeUndefined();
    expect(findKeytabEntry(entries, 'alice@OTHER.TEST', AES256)).toBeUndefined();
    expect(findKeytabEntry(entries, 'sip/proxy-a.example@EXAMPLE.TEST', AES256)?.kvno).toBe(300);
    expect(findKeytabEntry(entries, { name: { nameType: 3, nameString: ['sip', 'proxy-a.example'] }, realm: 'EXAMPLE.TEST' }, AES256)?.kvno).toBe(300);
    expect(findKeytabEntry(entries, 'sip@EXAMPLE.TEST', AES256)).toBeUndefined();
  });
});
