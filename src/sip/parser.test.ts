import { describe, expect, it } from 'vitest';
import { SipParseError } from './errors.js';
import { DEFAULT_LIMITS, findHeaderEnd, parseMessage, type ParseLimits } from './parser.js';

const encoder = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Joins header lines with CRLF, adds the empty line, then the body. */
function wire(lines: string[], body: string | Uint8Array = ''): Uint8Array {
  return concat(encoder.encode(lines.join('\r\n') + '\r\n\r\n'), typeof body === 'string' ? encoder.encode(body) : body);
}

const REQUEST_LINE = 'INVITE sip:bob@b.keyhop.test SIP/2.0';
const STATUS_LINE = 'SIP/2.0 200 OK';

/** Header fields of a valid INVITE (and, without Max-Forwards, of its 200). */
const FIELDS: Array<[string, string]> = [
  ['Via', 'SIP/2.0/TLS pc33.a.keyhop.test:5061;branch=z9hG4bK776asdhds'],
  ['Max-Forwards', '70'],
  ['To', 'Bob <sip:bob@b.keyhop.test>'],
  ['From', 'Alice <sip:alice@a.keyhop.test>;tag=1928301774'],
  ['Call-ID', 'a84b4c76e66710@pc33.a.keyhop.test'],
  ['CSeq', '314159 INVITE'],
];

const CORE = ['Via', 'From', 'To', 'Call-ID', 'CSeq'];

interface Variant {
  start?: string;
  /** Header values to replace (by name) or drop (undefined). */
  change?: Record<string, string | undefined>;
  extra?: string[];
  body?: string | Uint8Array;
}

function headerLines(v: Variant): string[] {
  const lines: string[] = [];
  for (const [name, value] of FIELDS) {
    if (v.change && name in v.change) {
      const changed = v.change[name];
      if (changed !== undefined) lines.push(`${name}: ${changed}`);
    } else lines.push(`${name}: ${value}`);
  }
  return [...lines, ...(v.extra ?? [])];
}

function request(v: Variant = {}): Uint8Array {
  return wire([v.start ?? REQUEST_LINE, ...headerLines(v)], v.body);
}

function response(v: Variant = {}): Uint8Array {
  return wire([v.start ?? STATUS_LINE, ...headerLines({ ...v, change: { 'Max-Forwards': undefined, ...v.change } })], v.body);
}

/** Parses `bytes`, expecting failure; returns the SipParseError. */
function failure(bytes: Uint8Array, limits?: ParseLimits): SipParseError {
  try {
    parseMessage(bytes, limits);
  } catch (e) {
    if (e instanceof SipParseError) return e;
    throw new Error(`expected SipParseError, got ${String(e)}`, { cause: e });
  }
  throw new Error('expected parseMessage to fail');
}

/** Asserts the error's reason and that the partial headers still carry the core fields, minus `absent`. */
function expectFailure(bytes: Uint8Array, reason: RegExp, opts: { absent?: string[]; isRequest?: boolean; limits?: ParseLimits } = {}): SipParseError {
  const e = failure(bytes, opts.limits);
  expect(e.reason).toMatch(reason);
  expect(e.message).toBe(e.reason);
  expect(e.partial).toBeDefined();
  expect(e.partial!.isRequest).toBe(opts.isRequest ?? true);
  const names = e.partial!.headers.map(([n]) => n);
  for (const name of CORE) {
    if (opts.absent?.includes(name)) expect(names).not.toContain(name);
    else expect(names, `partial headers carry ${name}`).toContain(name);
  }
  const callId = e.partial!.headers.find(([n]) => n === 'Call-ID');
  if (callId) expect(callId[1]).toBe('a84b4c76e66710@pc33.a.keyhop.test');
  return e;
}

describe('parseMessage accepts', () => {
  it('the base request and response', () => {
    expect(parseMessage(request()).isRequest).toBe(true);
    expect(parseMessage(response()).isRequest).toBe(false);
  });

  it('a message without Content-Length, taking the rest as body', () => {
    expect(parseMessage(request({ body: 'abc' })).bodyText()).toBe('abc');
  });

  it('any absolute Request-URI scheme', () => {
    expect(parseMessage(request({ start: 'INVITE tel:+15551234 SIP/2.0' })).isRequest).toBe(true);
  });

  it('a Request-URI whose scheme is written in capitals', () => {
    const msg = parseMessage(request({ start: 'INVITE SIP:bob@b.keyhop.test SIP/2.0' }));
    expect(msg.isRequest && msg.uri).toBe('SIP:bob@b.keyhop.test');
  });

  it('a header named like an Object prototype member as an ordinary header', () => {
    const msg = parseMessage(request({ extra: ['Constructor: a', 'toString: b', '__proto__: c'] }));
    expect(msg.headers.slice(-3)).toEqual([
      { name: 'Constructor', value: 'a' },
      { name: 'Tostring', value: 'b' },
      { name: '__proto__', value: 'c' },
    ]);
    expect(msg.get('constructor')).toBe('a');
  });
});

describe('parseMessage rejects', () => {
  it('a truncated message with no empty line', () => {
    const full = new TextDecoder().decode(request());
    const cut = encoder.encode(full.slice(0, full.length - 2));
    expectFailure(cut, /^Truncated message/);
  });

  it('a bad request line', () => {
    for (const start of ['INVITE  sip:bob@b.keyhop.test SIP/2.0', 'INVITE sip:bob@b.keyhop.test', 'INVITE sip:bob@b.keyhop.test SIP/2.0 extra', 'IN<VITE sip:bob@b SIP/2.0']) {
      const e = expectFailure(request({ start }), /^Bad request line "/);
      expect(e.reason).toContain(start.slice(0, 20));
    }
  });

  it('an invalid Request-URI', () => {
    expectFailure(request({ start: 'INVITE bob SIP/2.0' }), /^Invalid Request-URI "bob"/);
    expectFailure(request({ start: 'INVITE sip:bob@b.keyhop.test:99999 SIP/2.0' }), /^Invalid port in URI/);
    expectFailure(request({ start: 'INVITE sip:bob@ SIP/2.0' }), /^Invalid SIP URI/);
  });

  it('a bad status line', () => {
    for (const start of ['SIP/2.0 2000 OK', 'SIP/2.0 OK', 'SIP/2.0 099 Odd', 'SIP/2.0 700 Too High', 'SIP/2.0 200']) {
      expectFailure(response({ start }), /^Bad status line "/, { isRequest: false });
    }
  });

  it('a SIP version other than 2.0', () => {
    expectFailure(request({ start: 'INVITE sip:bob@b.keyhop.test SIP/3.0' }), /^Unsupported SIP version 3\.0$/);
    expectFailure(request({ start: 'INVITE sip:bob@b.keyhop.test SIP/1.0' }), /^Unsupported SIP version 1\.0$/);
    expectFailure(response({ start: 'SIP/1.0 200 OK' }), /^Unsupported SIP version 1\.0$/, { isRequest: false });
  });

  for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards']) {
    it(`a request without ${name}`, () => {
      expectFailure(request({ change: { [name]: undefined } }), new RegExp(`^Missing mandatory header ${name}$`), { absent: [name] });
    });
  }

  for (const name of ['Via', 'From', 'To', 'Call-ID', 'CSeq']) {
    it(`a response without ${name}`, () => {
      expectFailure(response({ change: { [name]: undefined } }), new RegExp(`^Missing mandatory header ${name}$`), { absent: [name], isRequest: false });
    });
  }

  it('a request with no header fields at all, naming the missing header', () => {
    const e = failure(encoder.encode(`${REQUEST_LINE}\r\n\r\n`));
    expect(e.reason).toBe('Missing mandatory header Via');
    expect(e.partial?.headers).toEqual([]);
  });

  it('a CSeq method that does not match the request method', () => {
    expectFailure(request({ change: { CSeq: '314159 BYE' } }), /^CSeq method BYE does not match request method INVITE$/);
  });

  it('an invalid CSeq, in requests and responses', () => {
    for (const cseq of ['abc INVITE', '314159', '4294967296 INVITE', '-1 INVITE']) {
      expectFailure(request({ change: { CSeq: cseq } }), /^Invalid CSeq "/);
      expectFailure(response({ change: { CSeq: cseq } }), /^Invalid CSeq "/, { isRequest: false });
    }
  });

  it('an invalid Max-Forwards', () => {
    for (const mf of ['abc', '256', '-1', '1000', '7 0', '']) {
      expectFailure(request({ change: { 'Max-Forwards': mf } }), /^Invalid Max-Forwards "/);
    }
    expect(parseMessage(request({ change: { 'Max-Forwards': '255' } })).get('Max-Forwards')).toBe('255');
    expect(parseMessage(request({ change: { 'Max-Forwards': '0' } })).get('Max-Forwards')).toBe('0');
  });

  it('a Content-Length larger than the body', () => {
    expectFailure(request({ extra: ['Content-Length: 10'], body: 'abcd' }), /^Content-Length 10 exceeds the body's 4 bytes$/);
  });

  it('a Content-Length smaller than the body', () => {
    expectFailure(request({ extra: ['Content-Length: 2'], body: 'abcd' }), /^Content-Length 2 is less than the body's 4 bytes$/);
  });

  it('a non-numeric Content-Length', () => {
    for (const cl of ['abc', '-1', '1e3', '0x10', '12345678901']) {
      expectFailure(request({ extra: [`Content-Length: ${cl}`], body: 'abcd' }), /^Invalid Content-Length "/);
    }
  });

  it('a header section over the limit (1 MiB header)', () => {
    const big = `X-Big: ${'a'.repeat(1024 * 1024)}`;
    const e = expectFailure(request({ extra: [big] }), /^Header section too large \(\d+ bytes, limit 65536\)$/);
    expect(e.reason.length).toBeLessThan(100);
    expectFailure(request({ extra: ['X-Small: 1234567890'] }), /limit 200\)$/, { limits: { maxHeaderBytes: 200, maxBodyBytes: 100 } });
  });

  it('a body over the limit', () => {
    expectFailure(request({ extra: ['Content-Length: 11'], body: 'x'.repeat(11) }), /^Body too large \(11 bytes, limit 10\)$/, {
      limits: { ...DEFAULT_LIMITS, maxBodyBytes: 10 },
    });
  });

  it('invalid UTF-8 in the header section', () => {
    const head = encoder.encode(new TextDecoder().decode(request({ extra: ['Subject: ??'] })));
    const at = head.indexOf(0x3f); // the first "?"
    head[at] = 0xc3;
    head[at + 1] = 0x28;
    const e = expectFailure(head, /^Invalid UTF-8 in header section$/);
    expect(e.reason).not.toMatch(/[^\x20-\x7e]/);
  });

  it('binary garbage', () => {
    const garbage = new Uint8Array([0x00, 0xff, 0x13, 0x37, 0x80, 0x0d, 0x0a, 0xfe, 0x01, 0x0d, 0x0a, 0x0d, 0x0a, 0x42]);
    const e = failure(garbage);
    expect(e.reason).toBe('Invalid UTF-8 in header section');
    expect(e.partial?.headers).toEqual([]);
    const ascii = failure(encoder.encode('\x01\x02garbage\x7f\r\n\r\n'));
    expect(ascii.reason).toMatch(/^Bad request line "\?\?garbage\?"$/);
  });

  it('a malformed header line with no colon', () => {
    expectFailure(request({ extra: ['This is not a header'] }), /^Malformed header line "This is not a header"$/);
    expectFailure(request({ extra: [': no name'] }), /^Malformed header line ": no name"$/);
    expectFailure(request({ extra: ['Bad Name: x'] }), /^Malformed header line "Bad Name: x"$/);
  });

  it('an invalid Via', () => {
    for (const via of ['HTTP/1.1 pc33.a.keyhop.test', 'SIP/2.0/TLS', 'SIP/2.0 pc33.a.keyhop.test', 'SIP/2.0/UDP pc33.a.keyhop.test:99999']) {
      expectFailure(request({ change: { Via: via } }), /^Invalid (Via|port in Via) "/);
    }
  });

  it('an invalid From or To URI', () => {
    expectFailure(request({ change: { From: 'Alice <sip:alice@a keyhop test>;tag=1' } }), /^Invalid SIP URI "sip:alice@a keyhop test"$/);
    expectFailure(request({ change: { From: 'Alice <sip:alice@a.keyhop.test;tag=1' } }), /^Unterminated "<"/);
    expectFailure(request({ change: { To: '<http://bob.keyhop.test/>' } }), /^Invalid SIP URI "http:\/\/bob\.keyhop\.test\/"$/);
  });

  it('checks in a fixed order: the size limit comes first', () => {
    const bad = new Uint8Array([...encoder.encode('X'.repeat(300)), 0xff]);
    expect(failure(bad, { maxHeaderBytes: 100, maxBodyBytes: 100 }).reason).toMatch(/^Header section too large/);
  });
});

describe('findHeaderEnd', () => {
  it('finds CRLF CRLF and LF LF, excluding the last line terminator from the head', () => {
    const crlf = encoder.encode('A: b\r\n\r\nbody');
    expect(findHeaderEnd(crlf)).toEqual([4, 8]);
    const lf = encoder.encode('A: b\n\nbody');
    expect(findHeaderEnd(lf)).toEqual([4, 6]);
    expect(findHeaderEnd(encoder.encode('A: b\r\n\r'))).toBeNull();
    expect(findHeaderEnd(encoder.encode('A: b\r\nC: d\r\n'))).toBeNull();
  });
});

/** Deterministic pseudo-random numbers (LCG), so the fuzz cases are stable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('mutated messages', () => {
  it('either parse and round-trip, or fail with a SipParseError carrying partial headers', () => {
    const seedMsg = request({
      extra: ['Contact: "A, B" <sip:alice@pc33.a.keyhop.test>', 'Route: <sip:p1.keyhop.test;lr>, <sip:p2.keyhop.test;lr>', 'Content-Length: 4'],
      body: 'v=0\n',
    });
    const next = rng(42);
    const alphabet = encoder.encode(' \t\r\n:;,<>"\\@=0aZ\x00\xff');
    let parsed = 0;
    let failed = 0;
    for (let n = 0; n < 2000; n++) {
      const bytes = seedMsg.slice();
      const edits = 1 + Math.floor(next() * 3);
      for (let k = 0; k < edits; k++) bytes[Math.floor(next() * bytes.length)] = alphabet[Math.floor(next() * alphabet.length)]!;
      const input = next() < 0.2 ? bytes.subarray(0, Math.floor(next() * bytes.length)) : bytes;
      let msg;
      try {
        msg = parseMessage(input);
      } catch (e) {
        expect(e).toBeInstanceOf(SipParseError);
        const err = e as SipParseError;
        expect(err.reason.length).toBeGreaterThan(0);
        expect(err.partial).toBeDefined();
        failed++;
        continue;
      }
      parsed++;
      const out = msg.toBytes();
      const again = parseMessage(out);
      expect(JSON.stringify(again.headers)).toBe(JSON.stringify(msg.headers));
      expect(String.fromCharCode(...again.toBytes())).toBe(String.fromCharCode(...out));
    }
    expect(parsed).toBeGreaterThan(50);
    expect(failed).toBeGreaterThan(50);
  });
});
