import { describe, expect, it } from 'vitest';
import { canonicalName, isListHeader, isToken, splitList } from './headers.js';
import { formatParams, parseParams, quote, splitOutsideQuotes, unquote } from './params.js';
import { reasonPhrase } from './reason-phrases.js';

describe('canonicalName', () => {
  it('expands compact forms', () => {
    const compact: Record<string, string> = {
      i: 'Call-ID', f: 'From', t: 'To', v: 'Via', l: 'Content-Length', m: 'Contact', c: 'Content-Type',
      k: 'Supported', s: 'Subject', e: 'Content-Encoding', o: 'Event', r: 'Refer-To', u: 'Allow-Events', x: 'Session-Expires',
    };
    for (const [short, long] of Object.entries(compact)) {
      expect(canonicalName(short)).toBe(long);
      expect(canonicalName(short.toUpperCase())).toBe(long);
    }
  });

  it('spells irregular names the usual way whatever the input case', () => {
    for (const name of ['Call-ID', 'CSeq', 'WWW-Authenticate', 'MIME-Version', 'RAck', 'RSeq', 'SIP-ETag', 'SIP-If-Match']) {
      expect(canonicalName(name.toLowerCase())).toBe(name);
      expect(canonicalName(name.toUpperCase())).toBe(name);
    }
  });

  it('title-cases other names per dash', () => {
    expect(canonicalName('max-forwards')).toBe('Max-Forwards');
    expect(canonicalName('PROXY-AUTHORIZATION')).toBe('Proxy-Authorization');
    expect(canonicalName('x-keyhop-flow')).toBe('X-Keyhop-Flow');
    expect(canonicalName('record-route')).toBe('Record-Route');
  });

  it('treats Object prototype member names as ordinary names', () => {
    expect(canonicalName('constructor')).toBe('Constructor');
    expect(canonicalName('toString')).toBe('Tostring');
    expect(canonicalName('__proto__')).toBe('__proto__');
    expect(canonicalName('hasOwnProperty')).toBe('Hasownproperty');
  });
});

describe('isListHeader', () => {
  it('knows comma-list headers in any spelling, and that auth headers are not', () => {
    for (const name of ['Via', 'v', 'route', 'Record-Route', 'CONTACT', 'm', 'Supported', 'k', 'Allow', 'Path']) expect(isListHeader(name), name).toBe(true);
    for (const name of ['From', 'To', 'Call-ID', 'Subject', 'WWW-Authenticate', 'Authorization', 'Proxy-Authenticate', 'Date']) {
      expect(isListHeader(name), name).toBe(false);
    }
  });
});

describe('isToken', () => {
  it('accepts token characters only', () => {
    expect(isToken("Max-Forwards.!%*_+`'~09")).toBe(true);
    for (const bad of ['', 'a b', 'a:b', 'a"b', 'a,b', 'é', 'a(b)']) expect(isToken(bad), bad).toBe(false);
  });
});

describe('splitList', () => {
  it('splits at top-level commas only', () => {
    expect(splitList('<sip:a;lr>, <sip:b;lr>,<sip:c;lr>')).toEqual(['<sip:a;lr>', '<sip:b;lr>', '<sip:c;lr>']);
    expect(splitList('"Smith, John" <sip:j@x>, "A \\"quoted, comma\\"" <sip:a@x>')).toEqual([
      '"Smith, John" <sip:j@x>',
      '"A \\"quoted, comma\\"" <sip:a@x>',
    ]);
    expect(splitList('<sip:a@x?subject=a,b>, <sip:b@x>')).toEqual(['<sip:a@x?subject=a,b>', '<sip:b@x>']);
  });

  it('drops empty elements and trims', () => {
    expect(splitList(' a ,, b ,')).toEqual(['a', 'b']);
    expect(splitList('')).toEqual([]);
    expect(splitList('*')).toEqual(['*']);
  });
});

describe('params', () => {
  it('parses flags, values and quoted values, lower-casing names', () => {
    const p = parseParams(';Transport=TCP;lr;Tag=x;q=0.7;note="a;b=c"');
    expect(p).toEqual(new Map([['transport', 'TCP'], ['lr', null], ['tag', 'x'], ['q', '0.7'], ['note', '"a;b=c"']]));
    expect(parseParams('a=1')).toEqual(new Map([['a', '1']]));
    expect(parseParams(' ; a = 1 ; ;b ')).toEqual(new Map([['a', '1'], ['b', null]]));
    expect(parseParams('')).toEqual(new Map());
  });

  it('formats in insertion order', () => {
    expect(formatParams(new Map([['branch', 'z9hG4bK1'], ['rport', null], ['received', '192.0.2.1']]))).toBe(';branch=z9hG4bK1;rport;received=192.0.2.1');
    expect(formatParams(parseParams(';lr;note="a;b"'))).toBe(';lr;note="a;b"');
    expect(formatParams(new Map())).toBe('');
  });

  it('splits outside quotes, keeping escaped quotes inside', () => {
    expect(splitOutsideQuotes('a;"b;\\";c";d', ';')).toEqual(['a', '"b;\\";c"', 'd']);
  });

  it('quotes and unquotes with backslash escapes', () => {
    expect(quote('say "hi" \\ bye')).toBe('"say \\"hi\\" \\\\ bye"');
    expect(unquote(quote('say "hi" \\ bye'))).toBe('say "hi" \\ bye');
    expect(unquote('plain')).toBe('plain');
    expect(unquote('"')).toBe('"');
    expect(unquote('""')).toBe('');
  });
});

describe('reasonPhrase', () => {
  it('has the RFC 3261 phrases and falls back by class', () => {
    expect(reasonPhrase(100)).toBe('Trying');
    expect(reasonPhrase(200)).toBe('OK');
    expect(reasonPhrase(401)).toBe('Unauthorized');
    expect(reasonPhrase(407)).toBe('Proxy Authentication Required');
    expect(reasonPhrase(481)).toBe('Call/Transaction Does Not Exist');
    expect(reasonPhrase(486)).toBe('Busy Here');
    expect(reasonPhrase(505)).toBe('Version Not Supported');
    expect(reasonPhrase(603)).toBe('Decline');
    expect(reasonPhrase(199)).toBe('Provisional');
    expect(reasonPhrase(299)).toBe('Success');
    expect(reasonPhrase(399)).toBe('Error');
    expect(reasonPhrase(499)).toBe('Error');
  });
});
