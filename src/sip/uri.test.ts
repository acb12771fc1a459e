import { describe, expect, it } from 'vitest';
import { SipParseError } from './errors.js';
import { formatNameAddr, parseNameAddr } from './name-addr.js';
import { unquote } from './params.js';
import { aor, formatUri, parseUri } from './uri.js';
import { BRANCH_COOKIE, formatVia, parseVia } from './via.js';

describe('parseUri', () => {
  it('reads every part', () => {
    const u = parseUri('sip:alice:secretword@Atlanta.COM:5060;transport=TCP;lr?subject=project%20x&priority=urgent');
    expect(u).toEqual({
      scheme: 'sip',
      user: 'alice',
      password: 'secretword',
      host: 'atlanta.com',
      port: 5060,
      params: new Map([['transport', 'TCP'], ['lr', null]]),
      headers: 'subject=project%20x&priority=urgent',
    });
  });

  it('reads a bare host', () => {
    expect(parseUri('sips:Registrar.Keyhop.Test')).toEqual({
      scheme: 'sips', user: null, password: null, host: 'registrar.keyhop.test', port: null, params: new Map(), headers: null,
    });
  });

  it('lower-cases the host but not the user', () => {
    const u = parseUri('sip:Alice@A.KEYHOP.TEST');
    expect(u.user).toBe('Alice');
    expect(u.host).toBe('a.keyhop.test');
  });

  it('accepts the scheme in any case', () => {
    expect(parseUri('SIP:alice@a.keyhop.test').scheme).toBe('sip');
    expect(parseUri('Sips:alice@a.keyhop.test').scheme).toBe('sips');
  });

  it('reads IPv6 references with and without a port', () => {
    const u = parseUri('sip:bob@[2001:DB8::10]:5070;transport=udp');
    expect(u.host).toBe('[2001:db8::10]');
    expect(u.port).toBe(5070);
    expect(parseUri('sips:[::1]').host).toBe('[::1]');
    expect(parseUri('sip:[::ffff:192.0.2.1]').host).toBe('[::ffff:192.0.2.1]');
  });

  it('reads IPv4 hosts and parameter names case-insensitively', () => {
    const u = parseUri('sip:192.0.2.4:5060;MAddr=239.255.255.1;TTL=15');
    expect(u.host).toBe('192.0.2.4');
    expect(u.params).toEqual(new Map([['maddr', '239.255.255.1'], ['ttl', '15']]));
  });

  it('decodes an escaped user and escapes it again', () => {
    const u = parseUri('sip:sip%3Auser%40example.com@a.keyhop.test');
    expect(u.user).toBe('sip:user@example.com');
    expect(formatUri(u)).toBe('sip:sip%3Auser%40example.com@a.keyhop.test');
    const space = parseUri('sip:al%20ice@a.keyhop.test');
    expect(space.user).toBe('al ice');
    expect(formatUri(space)).toBe('sip:al%20ice@a.keyhop.test');
  });

  it('keeps ";" in a telephone-subscriber user part', () => {
    const u = parseUri('sip:+1-212-555-1212;phone-context=keyhop.test@gw.keyhop.test;user=phone');
    expect(u.user).toBe('+1-212-555-1212;phone-context=keyhop.test');
    expect(u.host).toBe('gw.keyhop.test');
    expect(u.params).toEqual(new Map([['user', 'phone']]));
    expect(formatUri(u)).toBe('sip:+1-212-555-1212;phone-context=keyhop.test@gw.keyhop.test;user=phone');
  });

  it('round-trips a formatted user that needs ";" or "?"', () => {
    const u = parseUri('sip:x@h');
    for (const user of ['a;b', 'a?b', 'a/b&c=d', 'é']) {
      const back = parseUri(formatUri({ ...u, user }));
      expect(back.user, user).toBe(user);
      expect(back.host).toBe('h');
    }
  });

  it('formats what it parses unchanged when already canonical', () => {
    for (const text of [
      'sip:alice@a.keyhop.test',
      'sips:alice@a.keyhop.test:5061;transport=tls',
      'sip:proxy.keyhop.test;lr',
      'sip:bob:pw@[2001:db8::1]:5060;maddr=x;ttl=1?subject=hi',
      'sip:+1%20555@gw.keyhop.test',
    ]) {
      expect(formatUri(parseUri(text))).toBe(text);
    }
  });

  it('rejects invalid URIs', () => {
    for (const bad of [
      '',
      'alice@a.keyhop.test',
      'http://a.keyhop.test/',
      'tel:+15551234',
      'sip:',
      'sip:alice@',
      'sip:alice@a keyhop test',
      'sip:alice@a.keyhop.test:',
      'sip:alice@a.keyhop.test:port',
      'sip:alice@a.keyhop.test:123456',
      'sip:alice@[2001:db8::1',
      'sip:alice@[zz::1]',
      'sip:a@b@c',
    ]) {
      expect(() => parseUri(bad), bad).toThrow(SipParseError);
    }
    expect(() => parseUri('sip:a@b.keyhop.test:65536')).toThrow(/^Invalid port in URI/);
    expect(parseUri('sip:a@b.keyhop.test:65535').port).toBe(65535);
    expect(() => parseUri('sip:%zz@a.keyhop.test')).toThrow(/^Invalid escape in URI user part/);
  });
});

describe('aor', () => {
  it('is user@host without port or parameters', () => {
    expect(aor(parseUri('sip:Alice@A.Keyhop.Test:5060;transport=tcp?x=y'))).toBe('Alice@a.keyhop.test');
    expect(aor(parseUri('sips:alice:pw@a.keyhop.test'))).toBe('alice@a.keyhop.test');
    expect(aor(parseUri('sip:a.keyhop.test:5060'))).toBe('a.keyhop.test');
  });
});

describe('parseNameAddr', () => {
  it('reads a quoted display name with escaped quotes', () => {
    const n = parseNameAddr('"Alice \\"Al\\" Smith" <sip:alice@a.keyhop.test>;tag=88sja8x');
    expect(n.display).toBe('"Alice \\"Al\\" Smith"');
    expect(unquote(n.display!)).toBe('Alice "Al" Smith');
    expect(n.uri.user).toBe('alice');
    expect(n.params).toEqual(new Map([['tag', '88sja8x']]));
  });

  it('ignores "<", ";" and "," inside the quoted display name', () => {
    const n = parseNameAddr('"Smith, John <boss>; CEO" <sip:john@b.keyhop.test>;tag=1');
    expect(unquote(n.display!)).toBe('Smith, John <boss>; CEO');
    expect(n.uri.user).toBe('john');
    expect(n.params.get('tag')).toBe('1');
  });

  it('reads an unquoted display name and no display name', () => {
    expect(parseNameAddr('Bob Jones <sip:bob@b.keyhop.test>').display).toBe('Bob Jones');
    expect(parseNameAddr('<sip:bob@b.keyhop.test>').display).toBeNull();
    expect(parseNameAddr('""<sip:bob@b.keyhop.test>').display).toBe('""');
  });

  it('keeps URI parameters inside <> apart from header parameters', () => {
    const n = parseNameAddr('<sip:bob@b.keyhop.test;transport=tcp>;tag=a6c85cf;expires=3600');
    expect(n.uri.params).toEqual(new Map([['transport', 'tcp']]));
    expect(n.params).toEqual(new Map([['tag', 'a6c85cf'], ['expires', '3600']]));
  });

  it('gives parameters of the addr-spec form to the header, not the URI', () => {
    const n = parseNameAddr('sip:bob@b.keyhop.test;tag=a6c85cf;transport=tcp');
    expect(n.display).toBeNull();
    expect(n.uri.params.size).toBe(0);
    expect(n.params).toEqual(new Map([['tag', 'a6c85cf'], ['transport', 'tcp']]));
    expect(formatNameAddr(n)).toBe('<sip:bob@b.keyhop.test>;tag=a6c85cf;transport=tcp');
  });

  it('formats back to the same text', () => {
    for (const text of [
      '"Alice \\"Al\\" Smith" <sip:alice@a.keyhop.test>;tag=88sja8x',
      'Bob <sips:bob@b.keyhop.test;transport=tls>;tag=1;x',
      '<sip:[2001:db8::1]:5060;lr>',
    ]) {
      expect(formatNameAddr(parseNameAddr(text))).toBe(text);
    }
  });

  it('rejects broken values', () => {
    expect(() => parseNameAddr('Bob <sip:bob@b.keyhop.test')).toThrow(/^Unterminated "<"/);
    expect(() => parseNameAddr('Bob <mailto:bob@b.keyhop.test>')).toThrow(/^Invalid SIP URI/);
    expect(() => parseNameAddr('')).toThrow(SipParseError);
  });
});

describe('parseVia', () => {
  it('reads transport, host, port and branch', () => {
    const v = parseVia('SIP/2.0/udp PC33.Atlanta.com:5066;branch=z9hG4bK776asdhds');
    expect(v).toEqual({ transport: 'UDP', host: 'pc33.atlanta.com', port: 5066, params: new Map([['branch', 'z9hG4bK776asdhds']]) });
    expect(v.params.get('branch')!.startsWith(BRANCH_COOKIE)).toBe(true);
  });

  it('reads rport as a flag and with a value, and received', () => {
    const flag = parseVia('SIP/2.0/TCP client.keyhop.test;rport;branch=z9hG4bKa');
    expect(flag.port).toBeNull();
    expect(flag.params.has('rport')).toBe(true);
    expect(flag.params.get('rport')).toBeNull();
    const filled = parseVia('SIP/2.0/UDP 10.0.0.5:5060;rport=61522;received=198.51.100.7;branch=z9hG4bKnashds8');
    expect(filled.params).toEqual(new Map([['rport', '61522'], ['received', '198.51.100.7'], ['branch', 'z9hG4bKnashds8']]));
    expect(formatVia(filled)).toBe('SIP/2.0/UDP 10.0.0.5:5060;rport=61522;received=198.51.100.7;branch=z9hG4bKnashds8');
  });

  it('reads IPv6 sent-by and received', () => {
    const v = parseVia('SIP/2.0/TLS [2001:DB8::9:1]:5061;branch=z9hG4bKas3;received=[2001:db8::9:255]');
    expect(v.host).toBe('[2001:db8::9:1]');
    expect(v.port).toBe(5061);
    expect(v.params.get('received')).toBe('[2001:db8::9:255]');
    expect(formatVia(v)).toBe('SIP/2.0/TLS [2001:db8::9:1]:5061;branch=z9hG4bKas3;received=[2001:db8::9:255]');
  });

  it('tolerates linear whitespace between the parts', () => {
    const v = parseVia('  SIP / 2.0 / WSS  df7jal23ls0d.invalid : 443 ; branch=z9hG4bK1 ;rport ');
    expect(v).toEqual({ transport: 'WSS', host: 'df7jal23ls0d.invalid', port: 443, params: new Map([['branch', 'z9hG4bK1'], ['rport', null]]) });
    expect(formatVia(v)).toBe('SIP/2.0/WSS df7jal23ls0d.invalid:443;branch=z9hG4bK1;rport');
  });

  it('rejects invalid values', () => {
    for (const bad of ['', 'SIP/2.0/UDP', 'SIP/2.0 host', 'SIP/3.0/UDP host', 'HTTP/1.1/TCP host', 'SIP/2.0/UDP host:port', 'SIP/2.0/UDP ho st']) {
      expect(() => parseVia(bad), bad).toThrow(/^Invalid Via "/);
    }
    expect(() => parseVia('SIP/2.0/UDP host:65536;branch=z9hG4bK1')).toThrow(/^Invalid port in Via "/);
  });
});
