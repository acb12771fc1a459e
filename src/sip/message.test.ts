import { describe, expect, it } from 'vitest';
import { SipRequest, SipResponse, parseCSeq, type SipMessage } from './message.js';
import { parseMessage } from './parser.js';
import { parseNameAddr } from './name-addr.js';
import { parseVia } from './via.js';

const encoder = new TextEncoder();

/** Joins header lines with CRLF, adds the empty line, then the body. */
function wire(lines: string[], body: string | Uint8Array = ''): Uint8Array {
  const head = encoder.encode(lines.join('\r\n') + '\r\n\r\n');
  const tail = typeof body === 'string' ? encoder.encode(body) : body;
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

/** parse → toBytes → parse; checks the second parse matches the first and re-serialises identically. */
function roundTrip(bytes: Uint8Array): { first: SipMessage; second: SipMessage } {
  const first = parseMessage(bytes);
  const out = first.toBytes();
  const second = parseMessage(out);
  expect(second.startLine()).toBe(first.startLine());
  expect(second.headers).toEqual(first.headers);
  expect(second.body).toEqual(first.body);
  expect(second.toBytes()).toEqual(out);
  return { first, second };
}

const INVITE_HEAD = [
  'INVITE sip:bob@b.keyhop.test SIP/2.0',
  'Via: SIP/2.0/TLS pc33.a.keyhop.test:5061;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@b.keyhop.test>',
  'From: Alice <sip:alice@a.keyhop.test>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.a.keyhop.test',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.a.keyhop.test;transport=tls>',
];

const SDP = 'v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.a.keyhop.test\r\ns=-\r\n';

describe('round trips', () => {
  it('keeps a request with a body intact', () => {
    const { first } = roundTrip(wire([...INVITE_HEAD, 'Content-Type: application/sdp', `Content-Length: ${SDP.length}`], SDP));
    expect(first.isRequest).toBe(true);
    const req = first as SipRequest;
    expect(req.method).toBe('INVITE');
    expect(req.uri).toBe('sip:bob@b.keyhop.test');
    expect(req.callId).toBe('a84b4c76e66710@pc33.a.keyhop.test');
    expect(req.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(req.get('Content-Type')).toBe('application/sdp');
    expect(req.bodyText()).toBe(SDP);
    expect(req.headers.map((h) => h.name)).toEqual(['Via', 'Max-Forwards', 'To', 'From', 'Call-ID', 'CSeq', 'Contact', 'Content-Type']);
  });

  it('keeps a response whose reason phrase contains spaces', () => {
    const { first } = roundTrip(wire([
      'SIP/2.0 481 Call/Transaction Does Not Exist',
      'Via: SIP/2.0/TLS pc33.a.keyhop.test:5061;branch=z9hG4bK776asdhds;received=192.0.2.4',
      'To: Bob <sip:bob@b.keyhop.test>;tag=a6c85cf',
      'From: Alice <sip:alice@a.keyhop.test>;tag=1928301774',
      'Call-ID: a84b4c76e66710@pc33.a.keyhop.test',
      'CSeq: 314159 INVITE',
      'Content-Length: 0',
    ]));
    expect(first.isRequest).toBe(false);
    const res = first as SipResponse;
    expect(res.status).toBe(481);
    expect(res.reason).toBe('Call/Transaction Does Not Exist');
    expect(text(res.toBytes()).split('\r\n')[0]).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
  });

  it('keeps a non-ASCII reason phrase and an empty one', () => {
    const base = ['Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'To: <sip:b@h>', 'From: <sip:a@h>;tag=1', 'Call-ID: x', 'CSeq: 1 OPTIONS'];
    expect((roundTrip(wire(['SIP/2.0 180 Ça sonne encore', ...base])).second as SipResponse).reason).toBe('Ça sonne encore');
    expect((roundTrip(wire(['SIP/2.0 200 ', ...base])).second as SipResponse).reason).toBe('');
  });

  it('expands compact header names to their canonical long forms', () => {
    const { first } = roundTrip(wire([
      'INVITE sip:bob@b.keyhop.test SIP/2.0',
      'v: SIP/2.0/UDP pc33.a.keyhop.test;branch=z9hG4bKnashds8',
      'Max-Forwards: 70',
      't: <sip:bob@b.keyhop.test>',
      'f: <sip:alice@a.keyhop.test>;tag=76341',
      'i: 843817637684230@998sdasdh09',
      'CSeq: 1 INVITE',
      'm: <sip:alice@pc33.a.keyhop.test>',
      'c: text/plain',
      'k: timer, 100rel',
      's: Lunch?',
      'l: 5',
    ], 'hello'));
    expect(first.headers.map((h) => h.name)).toEqual([
      'Via', 'Max-Forwards', 'To', 'From', 'Call-ID', 'CSeq', 'Contact', 'Content-Type', 'Supported', 'Subject',
    ]);
    expect(first.get('Call-ID')).toBe('843817637684230@998sdasdh09');
    expect(first.get('i')).toBe('843817637684230@998sdasdh09');
    expect(first.getAll('Supported')).toEqual(['timer', '100rel']);
    const out = text(first.toBytes());
    expect(out).toContain('\r\nCall-ID: 843817637684230@998sdasdh09\r\n');
    expect(out).toContain('\r\nContent-Length: 5\r\n\r\nhello');
    expect(out).not.toMatch(/\r\n[vtfimcksl]:/);
  });

  it('unfolds continuation lines starting with SP or HT', () => {
    const { first } = roundTrip(wire([
      'OPTIONS sip:b.keyhop.test SIP/2.0',
      'Via: SIP/2.0/UDP pc33.a.keyhop.test',
      '  ;branch=z9hG4bK1',
      'Max-Forwards: 70',
      'To: <sip:b.keyhop.test>',
      'From: <sip:alice@a.keyhop.test>;tag=1',
      'Call-ID: fold',
      'CSeq: 1 OPTIONS',
      "Subject: I know you're there,",
      '     pick up the phone',
      '\tand talk to me!',
    ]));
    expect(first.get('Subject')).toBe("I know you're there, pick up the phone and talk to me!");
    expect(parseVia(first.get('Via')!).params.get('branch')).toBe('z9hG4bK1');
    expect(text(first.toBytes())).not.toMatch(/\r\n[ \t]/);
  });

  it('reads several Via fields and comma lists in message order', () => {
    const { first } = roundTrip(wire([
      'INVITE sip:bob@b.keyhop.test SIP/2.0',
      'Via: SIP/2.0/TLS proxy2.keyhop.test;branch=z9hG4bK3, SIP/2.0/TLS proxy1.keyhop.test;branch=z9hG4bK2',
      'Max-Forwards: 68',
      'Via: SIP/2.0/TLS pc33.a.keyhop.test;branch=z9hG4bK1',
      'Route: <sip:p3.keyhop.test;lr>, <sip:p4.keyhop.test;lr>',
      'Route: <sip:p5.keyhop.test;lr>',
      'To: <sip:bob@b.keyhop.test>',
      'From: <sip:alice@a.keyhop.test>;tag=1',
      'Call-ID: lists',
      'CSeq: 7 INVITE',
      'Contact: "Smith, John" <sip:john@pc1.keyhop.test>, <sip:john@pc2.keyhop.test>;q=0.5',
    ]));
    expect(first.getAll('Via').map((v) => parseVia(v).host)).toEqual(['proxy2.keyhop.test', 'proxy1.keyhop.test', 'pc33.a.keyhop.test']);
    expect(first.getAll('Route')).toEqual(['<sip:p3.keyhop.test;lr>', '<sip:p4.keyhop.test;lr>', '<sip:p5.keyhop.test;lr>']);
    const contacts = first.getAll('m').map(parseNameAddr);
    expect(contacts).toHaveLength(2);
    expect(contacts[0]!.display).toBe('"Smith, John"');
    expect(contacts[0]!.uri.host).toBe('pc1.keyhop.test');
    expect(contacts[1]!.params.get('q')).toBe('0.5');
    // get() is the first field as written, not the first list element.
    expect(first.get('Via')).toBe('SIP/2.0/TLS proxy2.keyhop.test;branch=z9hG4bK3, SIP/2.0/TLS proxy1.keyhop.test;branch=z9hG4bK2');
    // Fields keep their relative order on the wire.
    const lines = text(first.toBytes()).split('\r\n');
    expect(lines.filter((l) => l.startsWith('Via:'))).toHaveLength(2);
    expect(lines.indexOf('Via: SIP/2.0/TLS pc33.a.keyhop.test;branch=z9hG4bK1')).toBeGreaterThan(lines.indexOf('Max-Forwards: 68'));
  });

  it('does not split a non-list header at commas', () => {
    const { first } = roundTrip(wire([...INVITE_HEAD, 'Subject: one, two, three']));
    expect(first.getAll('Subject')).toEqual(['one, two, three']);
  });

  it('matches header names case-insensitively', () => {
    const { first } = roundTrip(wire([
      'OPTIONS sip:b.keyhop.test SIP/2.0',
      'vIA: SIP/2.0/UDP pc33.a.keyhop.test;branch=z9hG4bK1',
      'MAX-FORWARDS: 70',
      'to: <sip:b.keyhop.test>',
      'FROM: <sip:alice@a.keyhop.test>;tag=1',
      'CALL-ID: case',
      'cseq: 1 OPTIONS',
      'www-authenticate: Digest realm="x"',
      'content-LENGTH: 0',
    ]));
    expect(first.headers.map((h) => h.name)).toEqual(['Via', 'Max-Forwards', 'To', 'From', 'Call-ID', 'CSeq', 'WWW-Authenticate']);
    for (const name of ['call-id', 'CALL-ID', 'Call-Id', 'i', 'I']) expect(first.get(name)).toBe('case');
    expect(first.has('Www-Authenticate')).toBe(true);
  });

  it('measures a multibyte UTF-8 body in bytes, not characters', () => {
    const body = 'é€😀';
    expect(body.length).toBe(4);
    const bytes = encoder.encode(body);
    expect(bytes.length).toBe(9);
    const { first } = roundTrip(wire([...INVITE_HEAD, 'Content-Type: text/plain;charset=utf-8', 'Content-Length: 9'], body));
    expect(first.body.length).toBe(9);
    expect(first.bodyText()).toBe(body);
    expect(text(first.toBytes())).toContain('\r\nContent-Length: 9\r\n\r\n');
    // The character count is wrong on the wire.
    expect(() => parseMessage(wire([...INVITE_HEAD, 'Content-Length: 4'], body))).toThrow(/Content-Length 4 is less than the body's 9 bytes/);
  });

  it('writes the byte length when a body is set from a string', () => {
    const req = new SipRequest('MESSAGE', 'sip:bob@b.keyhop.test').setBody('é€😀', 'text/plain');
    expect(text(req.toBytes())).toBe('MESSAGE sip:bob@b.keyhop.test SIP/2.0\r\nContent-Type: text/plain\r\nContent-Length: 9\r\n\r\né€😀');
  });

  it('keeps a binary body with NUL bytes and an embedded blank line', () => {
    const body = new Uint8Array([0x00, 0x01, 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0xff, 0xfe, 0x80, 0x00]);
    const { first, second } = roundTrip(wire([...INVITE_HEAD, 'Content-Type: application/octet-stream', `Content-Length: ${body.length}`], body));
    expect(first.body).toEqual(body);
    expect(second.body).toEqual(body);
  });

  it('always regenerates Content-Length', () => {
    const msg = parseMessage(wire([...INVITE_HEAD, 'l: 5'], 'hello'));
    expect(msg.has('Content-Length')).toBe(false);
    msg.set('Content-Length', '999');
    msg.setBody('hi');
    const out = text(msg.toBytes());
    expect(out.match(/Content-Length/g)).toHaveLength(1);
    expect(out).toMatch(/\r\nContent-Length: 2\r\n\r\nhi$/);
    // A message with no Content-Length gets one.
    const res = new SipResponse(200, 'OK');
    expect(text(res.toBytes())).toBe('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
  });

  it('accepts bare LF line endings and writes CRLF', () => {
    const lf = encoder.encode(INVITE_HEAD.join('\n') + '\n\nbody');
    const msg = parseMessage(lf);
    expect(msg.bodyText()).toBe('body');
    expect(msg.get('CSeq')).toBe('314159 INVITE');
    expect(text(msg.toBytes())).toContain('\r\nCSeq: 314159 INVITE\r\n');
  });
});

describe('message model', () => {
  const fresh = () => {
    const m = new SipRequest('OPTIONS', 'sip:b.keyhop.test');
    m.append('Via', 'SIP/2.0/UDP a;branch=z9hG4bK1');
    m.append('To', '<sip:b.keyhop.test>');
    m.append('Via', 'SIP/2.0/UDP b;branch=z9hG4bK2, SIP/2.0/UDP c;branch=z9hG4bK3');
    return m;
  };

  it('set replaces every field at the position of the first', () => {
    const m = fresh().set('v', 'SIP/2.0/UDP z;branch=z9hG4bK9');
    expect(m.headers).toEqual([
      { name: 'Via', value: 'SIP/2.0/UDP z;branch=z9hG4bK9' },
      { name: 'To', value: '<sip:b.keyhop.test>' },
    ]);
    m.set('Call-ID', 'new');
    expect(m.headers.at(-1)).toEqual({ name: 'Call-ID', value: 'new' });
  });

  it('prepend goes before the first field of the same name', () => {
    const m = fresh().prepend('Via', 'SIP/2.0/UDP top;branch=z9hG4bK0');
    expect(m.getAll('Via').map((v) => parseVia(v).host)).toEqual(['top', 'a', 'b', 'c']);
    expect(m.prepend('Route', '<sip:r;lr>').headers.at(-1)).toEqual({ name: 'Route', value: '<sip:r;lr>' });
  });

  it('shift takes the topmost value, splitting comma lists', () => {
    const m = fresh();
    expect(m.shift('Via')).toBe('SIP/2.0/UDP a;branch=z9hG4bK1');
    expect(m.shift('Via')).toBe('SIP/2.0/UDP b;branch=z9hG4bK2');
    expect(m.getAll('Via')).toEqual(['SIP/2.0/UDP c;branch=z9hG4bK3']);
    expect(m.shift('Via')).toBe('SIP/2.0/UDP c;branch=z9hG4bK3');
    expect(m.shift('Via')).toBeUndefined();
    expect(m.has('Via')).toBe(false);
  });

  it('remove drops every field of a name given in any form', () => {
    const m = fresh().remove('v');
    expect(m.headers.map((h) => h.name)).toEqual(['To']);
  });

  it('clone copies headers independently', () => {
    const a = fresh();
    const b = a.clone();
    b.set('To', '<sip:other@x>');
    b.method = 'INFO';
    expect(a.get('To')).toBe('<sip:b.keyhop.test>');
    expect(a.method).toBe('OPTIONS');
    const r = new SipResponse(180, 'Ringing');
    r.append('To', '<sip:x@y>;tag=1');
    const r2 = r.clone();
    r2.headers[0]!.value = 'changed';
    expect(r.get('To')).toBe('<sip:x@y>;tag=1');
    expect(r2.startLine()).toBe('SIP/2.0 180 Ringing');
  });

  it('setBody without a type keeps or removes Content-Type', () => {
    const m = fresh().setBody('x', 'text/plain');
    m.setBody('y');
    expect(m.get('Content-Type')).toBe('text/plain');
    m.setBody('');
    expect(m.has('Content-Type')).toBe(false);
  });

  it('parseCSeq reads and rejects values', () => {
    expect(parseCSeq('  4711   REGISTER ')).toEqual({ seq: 4711, method: 'REGISTER' });
    expect(parseCSeq('2147483647 BYE')).toEqual({ seq: 2147483647, method: 'BYE' });
    for (const bad of ['', 'INVITE', '1', '-1 INVITE', '2147483648 INVITE', '1 INVITE extra', '1.5 INVITE']) {
      expect(() => parseCSeq(bad), bad).toThrow(/Invalid CSeq/);
    }
  });
});
