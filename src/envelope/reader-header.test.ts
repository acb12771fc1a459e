import { describe, expect, it } from 'vitest';
import { EnvelopeError } from './errors.js';
import {
  checkReaderHeader,
  checkReaderHeaderByCertificates,
  formatReaderHeader,
  parseReaderHeader,
  readerHeaderFor,
  SDP_READERS_HEADER,
} from './reader-header.js';
import { openSdp, sealSdp } from './sdp-envelope.js';
import { makeCa, makeProxy, makeUser, SAMPLE_SDP } from './test-support.js';

describe('SDP-Readers syntax', () => {
  it('formats and parses host lists, case and trailing dots normalised, duplicates dropped', () => {
    expect(SDP_READERS_HEADER).toBe('SDP-Readers');
    expect(formatReaderHeader(['A.Keyhop.Test', 'b.keyhop.test.', 'a.keyhop.test'])).toBe('a.keyhop.test, b.keyhop.test');
    expect(parseReaderHeader('a.keyhop.test, B.KEYHOP.TEST')).toEqual(['a.keyhop.test', 'b.keyhop.test']);
    expect(parseReaderHeader(['a.keyhop.test', ' b.keyhop.test ,c.keyhop.test'])).toEqual(['a.keyhop.test', 'b.keyhop.test', 'c.keyhop.test']);
    expect(parseReaderHeader('')).toEqual([]);
    expect(formatReaderHeader([])).toBe('');
  });

  it('refuses items that are not host names', () => {
    for (const bad of ['a.keyhop.test,,b.keyhop.test', '<sip:bob@b.keyhop.test>', 'a b', '-x.test', 'x_y.test']) {
      expect(() => parseReaderHeader(bad), bad).toThrow(EnvelopeError);
    }
    expect(() => formatReaderHeader(['sip:bob@b.keyhop.test'])).toThrow(EnvelopeError);
  });
});

describe('checking the header against the envelope', async () => {
  const ca = await makeCa();
  const alice = await makeUser(ca, 'alice@a.keyhop.test');
  const bob = await makeUser(ca, 'bob@b.keyhop.test');
  const proxyA = await makeProxy(ca, 'a.keyhop.test');
  const proxyB = await makeProxy(ca, 'b.keyhop.test');
  const sealed = await sealSdp({
    sdp: SAMPLE_SDP,
    signer: { key: alice.keys.signingKey, cert: alice.cert },
    readers: [bob, proxyA, proxyB].map((r) => ({ cert: r.cert })),
  });
  const opened = await openSdp(sealed.der, { recipient: { key: bob.keys.agreementKey, cert: bob.cert }, trust: { caCerts: [ca.cert] } });

  it('the sender writes the header from the sealed readers; the peer is not listed', () => {
    expect(readerHeaderFor(sealed.readers)).toBe('a.keyhop.test, b.keyhop.test');
    expect(readerHeaderFor(opened.readers)).toBe('a.keyhop.test, b.keyhop.test');
  });

  it('a matching header passes, in any order and case', () => {
    expect(checkReaderHeader('B.keyhop.test, a.keyhop.test', opened)).toMatchObject({ ok: true });
  });

  it('a proxy removed from the header is detected', () => {
    const r = checkReaderHeader('a.keyhop.test', opened);
    expect(r).toMatchObject({ ok: false, reason: 'mismatch', missing: ['b.keyhop.test'], unlisted: [] });
    expect(r.message).toContain('b.keyhop.test');
    expect(checkReaderHeader(undefined, opened)).toMatchObject({ ok: false, missing: ['a.keyhop.test', 'b.keyhop.test'] });
  });

  it('a proxy added to the header is detected', () => {
    expect(checkReaderHeader('a.keyhop.test, b.keyhop.test, c.keyhop.test', opened)).toMatchObject({
      ok: false,
      reason: 'mismatch',
      missing: [],
      unlisted: ['c.keyhop.test'],
    });
  });

  it('a header that does not parse, or an envelope without a signed list, is not ok', () => {
    expect(checkReaderHeader('a.keyhop.test,,', opened)).toMatchObject({ ok: false, reason: 'syntax' });
    expect(checkReaderHeader('a.keyhop.test', { readers: [], readersSigned: false })).toMatchObject({ ok: false, reason: 'unsigned' });
  });

  it('a proxy that is not a reader checks the header against the recipient identifiers', () => {
    const known = [
      { name: 'a.keyhop.test', cert: proxyA.cert },
      { name: 'b.keyhop.test', cert: proxyB.cert },
    ];
    expect(checkReaderHeaderByCertificates('a.keyhop.test, b.keyhop.test', sealed.der, known)).toMatchObject({ ok: true });
    expect(checkReaderHeaderByCertificates('a.keyhop.test', sealed.der, known)).toMatchObject({ ok: false, missing: ['b.keyhop.test'] });
    expect(checkReaderHeaderByCertificates('a.keyhop.test, b.keyhop.test, c.keyhop.test', sealed.der, known)).toMatchObject({
      ok: false,
      unlisted: ['c.keyhop.test'],
    });
    expect(checkReaderHeaderByCertificates('a.keyhop.test', new Uint8Array([1, 2, 3]), known)).toMatchObject({ ok: false, reason: 'envelope' });
  });
});
