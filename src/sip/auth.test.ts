import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatAuthValue, parseAuthValue } from './auth-params.js';
import { SipParseError } from './errors.js';
import { computeDigest, digestHa1, digestHash, digestResponse } from './digest.js';

describe('parseAuthValue', () => {
  it('reads a Digest challenge, unquoting values and lower-casing names', () => {
    const v = parseAuthValue('Digest realm="a.keyhop.test", nonce="abc", qop="auth", algorithm=SHA-256');
    expect(v.scheme).toBe('Digest');
    expect(v.params).toEqual(new Map([['realm', 'a.keyhop.test'], ['nonce', 'abc'], ['qop', 'auth'], ['algorithm', 'SHA-256']]));
    expect(parseAuthValue('Digest REALM="x",Nonce=y').params).toEqual(new Map([['realm', 'x'], ['nonce', 'y']]));
  });

  it('reads a Kerberos-style value whose base64 holds "+", "/" and "="', () => {
    const v = parseAuthValue('Kerberos realm="KEYHOP.TEST", targetname="sip/registrar.keyhop.test", gssapi-data="YII+/=="');
    expect(v.scheme).toBe('Kerberos');
    expect(v.params.get('gssapi-data')).toBe('YII+/==');
    expect(v.params.get('targetname')).toBe('sip/registrar.keyhop.test');
    expect(parseAuthValue('Kerberos gssapi-data=YII+/==').params.get('gssapi-data')).toBe('YII+/==');
  });

  it('keeps commas and escaped quotes inside quoted values', () => {
    const v = parseAuthValue('Digest realm="a, b", nonce="x\\"y", qop="auth,auth-int"');
    expect(v.params).toEqual(new Map([['realm', 'a, b'], ['nonce', 'x"y'], ['qop', 'auth,auth-int']]));
  });

  it('accepts a scheme with no parameters', () => {
    expect(parseAuthValue('Digest')).toEqual({ scheme: 'Digest', params: new Map() });
  });

  it('rejects a parameter without a value and a value without a scheme', () => {
    expect(() => parseAuthValue('Digest realm')).toThrow(/^Invalid authentication parameter "realm"/);
    expect(() => parseAuthValue('Digest ="x"')).toThrow(SipParseError);
    expect(() => parseAuthValue('')).toThrow(/^Invalid authentication header/);
    expect(() => parseAuthValue('"quoted" x=1')).toThrow(SipParseError);
  });
});

describe('formatAuthValue', () => {
  it('quotes every value except the bare ones', () => {
    const text = formatAuthValue(
      'Digest',
      [['username', 'Mufasa'], ['realm', 'a.keyhop.test'], ['uri', 'sip:a.keyhop.test'], ['algorithm', 'SHA-256'], ['qop', 'auth'], ['nc', '00000001'], ['cnonce', 'c"n\\']],
      new Set(['algorithm', 'qop', 'nc']),
    );
    expect(text).toBe('Digest username="Mufasa", realm="a.keyhop.test", uri="sip:a.keyhop.test", algorithm=SHA-256, qop=auth, nc=00000001, cnonce="c\\"n\\\\"');
  });

  it('round-trips through parseAuthValue', () => {
    const params: Array<[string, string]> = [
      ['realm', 'a, b'], ['nonce', 'x"y\\z'], ['gssapi-data', 'YII+/=='], ['opaque', ''], ['algorithm', 'MD5'],
    ];
    const parsed = parseAuthValue(formatAuthValue('Kerberos', params, new Set(['algorithm'])));
    expect(parsed.scheme).toBe('Kerberos');
    expect([...parsed.params]).toEqual(params);
  });
});

describe('digest', () => {
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');

  it('hashes with MD5 and SHA-256', () => {
    expect(digestHash('MD5', '')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(digestHash('SHA-256', '')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(digestHash('SHA-256', 'é')).toBe(createHash('sha256').update('é', 'utf8').digest('hex'));
  });

  it('matches the RFC 2617 §3.5 example', () => {
    const input = {
      algorithm: 'MD5' as const,
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      password: 'Circle Of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      qop: { nc: '00000001', cnonce: '0a4f113b' },
    };
    expect(digestHa1('MD5', input.username, input.realm, input.password)).toBe('939e7578ed9e3c518a452acee763bce9');
    expect(computeDigest(input)).toBe('6629fae49393a05397450978507c4ef1');
    expect(computeDigest({ ...input, password: 'Circle of Life' })).not.toBe('6629fae49393a05397450978507c4ef1');
  });

  const rfc7616 = {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    qop: { nc: '00000001', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' },
  };

  it('matches the RFC 7616 §3.9.1 SHA-256 example', () => {
    expect(computeDigest({ algorithm: 'SHA-256', ...rfc7616 })).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('matches the RFC 7616 §3.9.1 MD5 example', () => {
    expect(computeDigest({ algorithm: 'MD5', ...rfc7616 })).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('computes the same response from a stored HA1', () => {
    const ha1 = digestHa1('SHA-256', rfc7616.username, rfc7616.realm, rfc7616.password);
    expect(digestResponse('SHA-256', ha1, rfc7616)).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('without qop is H(HA1:nonce:HA2) (RFC 2069 compatibility)', () => {
    const d = { algorithm: 'MD5' as const, username: 'alice', realm: 'a.keyhop.test', password: 'pw', method: 'REGISTER', uri: 'sip:a.keyhop.test', nonce: 'n0nce' };
    const expected = md5(`${md5('alice:a.keyhop.test:pw')}:n0nce:${md5('REGISTER:sip:a.keyhop.test')}`);
    expect(computeDigest(d)).toBe(expected);
    expect(computeDigest({ ...d, method: 'INVITE' })).not.toBe(expected);
  });
});
