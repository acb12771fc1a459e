import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { SipResponse } from '../sip/message.js';
import { formatAuthInfo } from './auth-headers.js';
import { DEFAULT_BACKOFF_MS, SA_MAX_LIFETIME_MS, SecurityAssociation } from './security-association.js';
import { toHex, type MessageSigner } from './signing.js';
import { signatureBuffer } from './signature-buffer.js';

/** A stand-in MIC with a shared key, so the association logic can be tested before Kerberos keys exist. */
function hmacSigner(key: Uint8Array): MessageSigner {
  return {
    getMic: (b) => hmac(sha256, key, b),
    verifyMic: (b, t) => toHex(hmac(sha256, key, b)) === toHex(t),
  };
}

const challenge = { realm: 'KEYHOP.TEST', targetname: 'sip/a.keyhop.test', version: 4 };

function signedResponse(key: Uint8Array, snum: number, opaque = 'op1', alter?: (r: SipResponse) => void): SipResponse {
  const r = new SipResponse(200, 'OK');
  r.append('Via', 'SIP/2.0/WS x.invalid;branch=z9hG4bK-1');
  r.append('From', '<sip:alice@a.keyhop.test>;tag=f1');
  r.append('To', '<sip:alice@a.keyhop.test>;tag=t1');
  r.append('Call-ID', 'c1');
  r.append('CSeq', '2 REGISTER');
  const head = { protocol: 'Kerberos', rand: 'abcdef01', num: String(snum), realm: challenge.realm, targetname: challenge.targetname };
  const mic = hmac(sha256, key, new TextEncoder().encode(signatureBuffer(r, head)));
  r.append('Proxy-Authentication-Info', formatAuthInfo({ realm: head.realm, targetname: head.targetname, opaque, rspauth: toHex(mic), srand: head.rand, snum: head.num }));
  alter?.(r);
  return r;
}

describe('client security association', () => {
  const key = new Uint8Array(32).fill(7);

  it('verifies signed responses, requires snum to increase, and refuses altered ones', () => {
    const sa = new SecurityAssociation(challenge);
    sa.established(hmacSigner(key), 'op1', Date.now() + 3600_000);
    expect(sa.verify(signedResponse(key, 1))).toEqual({ ok: true });
    expect(sa.verify(signedResponse(key, 1))).toMatchObject({ ok: false, reason: expect.stringMatching(/replayed/) });
    expect(sa.verify(signedResponse(key, 2, 'op1', (r) => r.set('CSeq', '3 REGISTER')))).toMatchObject({ ok: false, reason: expect.stringMatching(/does not verify/) });
    expect(sa.verify(signedResponse(key, 3, 'other'))).toMatchObject({ ok: false, reason: expect.stringMatching(/another association/) });
    expect(sa.verify(signedResponse(new Uint8Array(32), 4))).toMatchObject({ ok: false });
    const unsigned = signedResponse(key, 5);
    unsigned.remove('Proxy-Authentication-Info');
    expect(sa.verify(unsigned)).toMatchObject({ ok: false, reason: expect.stringMatching(/not signed/) });
    expect(sa.verify(signedResponse(key, 6))).toEqual({ ok: true });
  });

  it('signs with a fresh crand and a strictly increasing cnum', () => {
    let n = 0;
    const sa = new SecurityAssociation(challenge, Date.now, () => `0000000${++n}`);
    sa.established(hmacSigner(key), 'op1', Date.now() + 3600_000);
    const req = signedResponse(key, 1);
    const a = sa.sign(req);
    const b = sa.sign(req);
    expect([a.head.num, b.head.num]).toEqual(['1', '2']);
    expect(a.head.rand).not.toBe(b.head.rand);
    expect(a.response).not.toBe(b.response);
  });

  it('backs off after a 407 that answers fresh credentials, and starts over after a 407 while established', () => {
    let t = 1_000_000;
    const sa = new SecurityAssociation(challenge, () => t);
    sa.acquiring();
    expect(sa.onChallenge()).toBe('back-off');
    t += DEFAULT_BACKOFF_MS - 1;
    expect(sa.onChallenge()).toBe('back-off');
    t += 2;
    expect(sa.onChallenge()).toBe('retry-now');
    sa.established(hmacSigner(key), 'op', t + 3600_000);
    expect(sa.onChallenge()).toBe('retry-now');
    expect(sa.state).toBe('dropped');
    expect(sa.usable).toBe(false);
  });

  it('expires at the ticket end, and never later than 8 hours', () => {
    let t = 0;
    const sa = new SecurityAssociation(challenge, () => t);
    sa.established(hmacSigner(key), 'op', 24 * 3600_000);
    expect(sa.expiresAt).toBe(SA_MAX_LIFETIME_MS);
    t = SA_MAX_LIFETIME_MS - 1;
    expect(sa.usable).toBe(true);
    t = SA_MAX_LIFETIME_MS;
    expect(sa.usable).toBe(false);
  });
});
