import { describe, expect, it } from 'vitest';
import { parseMessage } from './parser.js';
import { StreamFramer, type Frame } from './stream-framer.js';

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s);

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A complete message: header lines joined with CRLF, the empty line, then the body. */
function wire(lines: string[], body = ''): Uint8Array {
  return bytes(lines.join('\r\n') + '\r\n\r\n' + body);
}

function message(callId: string, body: string, contentLength: string | null = String(encoder.encode(body).length)): Uint8Array {
  return wire([
    'MESSAGE sip:bob@b.keyhop.test SIP/2.0',
    'Via: SIP/2.0/TLS pc33.a.keyhop.test;branch=z9hG4bK' + callId,
    'Max-Forwards: 70',
    'To: <sip:bob@b.keyhop.test>',
    'From: <sip:alice@a.keyhop.test>;tag=1',
    `Call-ID: ${callId}`,
    'CSeq: 1 MESSAGE',
    'Content-Type: text/plain',
    ...(contentLength === null ? [] : [`Content-Length: ${contentLength}`]),
  ], body);
}

const A = message('first', 'Hello, é€😀!\r\n\r\nstill the body');
const B = message('second', '');

/** One char per byte, for cheap exact comparison. */
function latin1(b: Uint8Array): string {
  return String.fromCharCode(...b);
}

function messages(frames: Frame[]): Uint8Array[] {
  return frames.map((f) => {
    if (f.kind !== 'message') throw new Error(`expected a message frame, got ${f.kind}`);
    return f.bytes;
  });
}

describe('StreamFramer', () => {
  it('frames a message fed one byte at a time, only when its last byte arrives', () => {
    const framer = new StreamFramer();
    for (let i = 0; i < A.length - 1; i++) expect(framer.push(A.subarray(i, i + 1))).toEqual([]);
    const frames = framer.push(A.subarray(A.length - 1));
    expect(messages(frames)).toEqual([A]);
    expect(frames[0]).not.toHaveProperty('lengthMissing');
    expect(parseMessage(messages(frames)[0]!).bodyText()).toBe('Hello, é€😀!\r\n\r\nstill the body');
  });

  it('frames two messages split at every possible boundary', () => {
    const stream = concat(A, B);
    const expected = [A, B].map(latin1);
    for (let cut = 0; cut <= stream.length; cut++) {
      const framer = new StreamFramer();
      const got = messages([...framer.push(stream.subarray(0, cut)), ...framer.push(stream.subarray(cut))]);
      expect(got.map(latin1), `cut at ${cut}`).toEqual(expected);
    }
  });

  it('frames two messages arriving in one chunk, in order', () => {
    const got = messages(new StreamFramer().push(concat(B, A)));
    expect(got).toEqual([B, A]);
    expect(got.map((m) => parseMessage(m).callId)).toEqual(['second', 'first']);
  });

  it('recognises the CRLF CRLF keep-alive ping, alone, split, and between messages', () => {
    expect(new StreamFramer().push(bytes('\r\n\r\n'))).toEqual([{ kind: 'ping' }]);

    const split = new StreamFramer();
    expect(split.push(bytes('\r\n'))).toEqual([]);
    expect(split.push(bytes('\r\n'))).toEqual([{ kind: 'ping' }]);

    const frames = new StreamFramer().push(concat(A, bytes('\r\n\r\n'), B));
    expect(frames.map((f) => f.kind)).toEqual(['message', 'ping', 'message']);
    expect(messages([frames[0]!, frames[2]!])).toEqual([A, B]);
  });

  it('skips a single CRLF (a keep-alive pong) before a message', () => {
    const frames = new StreamFramer().push(concat(bytes('\r\n'), A));
    expect(messages(frames)).toEqual([A]);
  });

  it('waits while the body is cut short', () => {
    const framer = new StreamFramer();
    const cut = A.length - 5;
    expect(framer.push(A.subarray(0, cut))).toEqual([]);
    expect(framer.push(new Uint8Array(0))).toEqual([]);
    expect(messages(framer.push(A.subarray(cut)))).toEqual([A]);
  });

  it('reads the compact and lower-case forms of Content-Length', () => {
    for (const name of ['l', 'L', 'content-length', 'CONTENT-LENGTH']) {
      const m = bytes(new TextDecoder().decode(A).replace('Content-Length:', `${name} :`));
      const framer = new StreamFramer();
      expect(messages(framer.push(concat(m, B)))).toEqual([m, B]);
    }
  });

  it('marks a message without Content-Length as lengthMissing, framing only its head', () => {
    const noLength = message('nolen', '', null);
    const frames = new StreamFramer().push(concat(noLength, B));
    expect(frames).toEqual([{ kind: 'message', bytes: noLength, lengthMissing: true }, { kind: 'message', bytes: B }]);
  });

  it('fails for good on a non-numeric Content-Length', () => {
    for (const value of ['abc', '-1', '5 5', '12345678901']) {
      const bad = message('bad', 'hello', value);
      const framer = new StreamFramer();
      const frames = framer.push(concat(A, bad, B));
      expect(frames).toHaveLength(2);
      expect(messages([frames[0]!])).toEqual([A]);
      const fatal = frames[1]!;
      expect(fatal.kind).toBe('fatal');
      if (fatal.kind !== 'fatal') return;
      expect(fatal.reason).toBe(`Invalid Content-Length "${value}"`);
      expect(new TextDecoder().decode(fatal.bytes)).toContain('Call-ID: bad');
      // Nothing more comes out of a failed stream.
      expect(framer.push(B)).toEqual([]);
    }
  });

  it('fails on a header section over the limit, however it is chunked', () => {
    const big = bytes(`X-Big: ${'a'.repeat(1024 * 1024)}`);
    const [head, tail] = [A.subarray(0, 40), A.subarray(40)];
    const withBig = concat(head, big, bytes('\r\n'), tail);

    const growing = new StreamFramer();
    expect(growing.push(head)).toEqual([]);
    const frames = growing.push(big);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.kind).toBe('fatal');
    expect(frames[0]!.kind === 'fatal' && frames[0]!.reason).toBe('Header section too large (limit 65536 bytes)');
    expect(growing.push(tail)).toEqual([]);

    const whole = new StreamFramer().push(withBig);
    expect(whole.map((f) => f.kind)).toEqual(['fatal']);
    expect(whole[0]!.kind === 'fatal' && whole[0]!.reason).toMatch(/^Header section too large/);
  });

  it('fails on a declared body over the limit before it arrives', () => {
    const framer = new StreamFramer({ maxHeaderBytes: 4096, maxBodyBytes: 10 });
    const head = message('huge', '', '11');
    const frames = framer.push(head);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.kind === 'fatal' && frames[0]!.reason).toBe('Body too large (11 bytes, limit 10)');
  });

  it('hands out copies that later pushes do not change', () => {
    const framer = new StreamFramer();
    const chunk = concat(A, B.subarray(0, 10));
    const [first] = messages(framer.push(chunk));
    chunk.fill(0);
    framer.push(B.subarray(10));
    expect(first).toEqual(A);
  });
});
