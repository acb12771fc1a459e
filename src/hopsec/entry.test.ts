import { describe, expect, it } from 'vitest';
import { RouteSecurityError } from './errors.js';
import { formatEntry, isUserAgentNode, MAX_ENTRY_LENGTH, parseEntry, type RouteSecurityEntry } from './entry.js';

const D = 'AAECAwQFBgcICQoL';
const B = 'DA0ODxAREhMUFRYX';
const SIG = 'A'.repeat(85) + 'Q';

const proxyEntry: RouteSecurityEntry = {
  node: 'a.keyhop.test',
  addr: '192.0.2.10:5061',
  level: 3,
  transport: 'tls',
  n: 1,
  d: D,
  b: B,
  unattested: false,
  extensions: [],
  sig: SIG,
};

function syntaxFailure(value: string): RouteSecurityError {
  try {
    parseEntry(value);
  } catch (e) {
    expect(e).toBeInstanceOf(RouteSecurityError);
    return e as RouteSecurityError;
  }
  throw new Error(`parsed: ${value}`);
}

describe('formatEntry / parseEntry', () => {
  it('writes the documented layout', () => {
    expect(formatEntry(proxyEntry)).toBe(`a.keyhop.test;addr=192.0.2.10:5061;level=3;tr=tls;n=1;d=${D};b=${B};sig=${SIG}`);
  });

  it('quotes a node outside token, such as an address-of-record', () => {
    const ua: RouteSecurityEntry = { ...proxyEntry, node: 'alice@a.keyhop.test', addr: 'k3j2h4d1.invalid', n: 0, b: undefined, sig: undefined, transport: 'wss' };
    delete ua.b;
    delete ua.sig;
    const text = formatEntry(ua);
    expect(text).toBe(`"alice@a.keyhop.test";addr=k3j2h4d1.invalid;level=3;tr=wss;n=0;d=${D}`);
    expect(parseEntry(text)).toEqual({ ...ua, raw: text });
    expect(isUserAgentNode(ua.node)).toBe(true);
    expect(isUserAgentNode(proxyEntry.node)).toBe(false);
  });

  it('round-trips, keeping the exact text as raw', () => {
    const text = formatEntry(proxyEntry);
    expect(parseEntry(text)).toEqual({ ...proxyEntry, raw: text });
    expect(formatEntry(parseEntry(text))).toBe(text);
  });

  it('round-trips unattested placeholders, IPv6 addresses and extension parameters', () => {
    const entry: RouteSecurityEntry = {
      node: '[2001:db8::7]:50312',
      addr: '[2001:db8::7]:50312',
      level: 0,
      transport: 'ws',
      n: 0,
      d: D,
      unattested: true,
      extensions: [['x-flow', '"conn 7; \\"a\\""'], ['x-mark', null], ['x-k', 'v']],
    };
    const text = formatEntry(entry);
    expect(text).toBe(`"[2001:db8::7]:50312";addr=[2001:db8::7]:50312;level=0;tr=ws;n=0;d=${D};unattested;x-flow="conn 7; \\"a\\"";x-mark;x-k=v`);
    expect(parseEntry(text)).toEqual({ ...entry, raw: text });
  });

  it('reads parameters in any order, names in any case, quoted addr and spaces around separators', () => {
    const text = ` a.keyhop.test ; SIG=${SIG} ;b=${B};D=${D}; n=1 ;tr=tls;Level=3;addr="192.0.2.10:5061"\t`;
    const { raw, ...entry } = parseEntry(text);
    expect(entry).toEqual(proxyEntry);
    expect(raw).toBe(text.trim());
  });

  it('refuses malformed values with a typed syntax error', () => {
    const good = formatEntry(proxyEntry);
    const bad = [
      '',
      '   ',
      ';addr=192.0.2.1;level=3;tr=tls;n=0;d=' + D,
      'a b;addr=192.0.2.1;level=3;tr=tls;n=0;d=' + D,
      'alice@a.test;addr=192.0.2.1;level=3;tr=tls;n=0;d=' + D,
      '"unterminated;addr=192.0.2.1;level=3;tr=tls;n=0;d=' + D,
      '"";addr=192.0.2.1;level=3;tr=tls;n=0;d=' + D,
      good.replace(';addr=192.0.2.10:5061', ''),
      good.replace(';level=3', ''),
      good.replace(';tr=tls', ''),
      good.replace(';n=1', ''),
      good.replace(`;d=${D}`, ''),
      good.replace('addr=192.0.2.10:5061', 'addr=not an address'),
      good.replace('addr=192.0.2.10:5061', 'addr'),
      good.replace('level=3', 'level=4'),
      good.replace('level=3', 'level=03'),
      good.replace('level=3', 'level=-1'),
      good.replace('level=3', 'level='),
      good.replace('tr=tls', 'tr=udp'),
      good.replace('tr=tls', 'tr=TLS'),
      good.replace('n=1', 'n=01'),
      good.replace('n=1', 'n=x'),
      good.replace('n=1', 'n=99999'),
      good.replace(`d=${D}`, `d=${D}A`),
      good.replace(`d=${D}`, 'd=short'),
      good.replace(`b=${B}`, `b=${B.slice(1)}+`),
      good.replace(`sig=${SIG}`, 'sig=' + 'A'.repeat(85) + 'B'),
      good.replace(`sig=${SIG}`, 'sig=' + 'A'.repeat(84)),
      good + ';unattested=yes',
      good + ';n=2',
      good + ';;',
      good + ';',
      good + ';x=a b',
      good + ';=v',
      good + ', b.keyhop.test;addr=192.0.2.1;level=3;tr=tls;n=0;d=' + D,
      good + '\r\nVia: x',
      good.replace('a.keyhop.test', 'a.keyhop.test\u0000'),
    ];
    for (const value of bad) expect(syntaxFailure(value).code, JSON.stringify(value)).toBe('syntax');
    expect(syntaxFailure(good + ';x=' + 'a'.repeat(MAX_ENTRY_LENGTH)).code).toBe('too-long');
  });

  it('never throws anything but RouteSecurityError on arbitrary input', () => {
    const alphabet = 'a.;=",\\ \t:[]@0123456789-_ADQgw\u00e9\u0000';
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    const good = formatEntry(proxyEntry);
    for (let i = 0; i < 3000; i++) {
      let value: string;
      if (i % 2 === 0) {
        value = Array.from({ length: rand() % 60 }, () => alphabet[rand() % alphabet.length]).join('');
      } else {
        const chars = [...good];
        for (let k = 0; k < 1 + (rand() % 4); k++) chars[rand() % chars.length] = alphabet[rand() % alphabet.length]!;
        value = chars.join('');
      }
      try {
        const parsed = parseEntry(value);
        expect(formatEntry(parsed)).toBeTypeOf('string');
      } catch (e) {
        expect(e, JSON.stringify(value)).toBeInstanceOf(RouteSecurityError);
      }
    }
  });

  it('refuses to write values that would not read back', () => {
    const attempts: Array<Partial<RouteSecurityEntry>> = [
      { node: '' },
      { node: 'a\r\nb' },
      { addr: 'a b' },
      { level: 5 as 3 },
      { transport: 'udp' as 'tls' },
      { n: -1 },
      { n: 1.5 },
      { d: 'x' },
      { b: 'x' },
      { sig: 'x' },
      { extensions: [['level', '1']] },
      { extensions: [['x', 'a b']] },
      { extensions: [['a b', null]] },
    ];
    for (const change of attempts) {
      expect(() => formatEntry({ ...proxyEntry, ...change }), JSON.stringify(change)).toThrow(RouteSecurityError);
    }
  });
});
