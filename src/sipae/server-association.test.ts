import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { SipRequest } from '../sip/message.js';
import { formatCredentials } from './auth-headers.js';
import { SecurityAssociation } from './security-association.js';
import { ServerAssociations } from './server-association.js';
import { toHex, type MessageSigner } from './signing.js';

/** A stand-in MIC with a shared key, so both ends can be exercised before Kerberos keys exist. */
const signer = (key: Uint8Array): MessageSigner => ({
  getMic: (b) => hmac(sha256, key, b),
  verifyMic: (b, t) => toHex(hmac(sha256, key, b)) === toHex(t),
});

function request(): SipRequest {
  const r = new SipRequest('INVITE', 'sip:bob@b.keyhop.test');
  r.append('Via', 'SIP/2.0/WSS x.invalid;branch=z9hG4bK-1');
  r.append('Max-Forwards', '70');
  r.append('From', '<sip:alice@a.keyhop.test>;tag=f');
  r.append('To', '<sip:bob@b.keyhop.test>');
  r.append('Call-ID', 'c');
  r.append('CSeq', '2 INVITE');
  return r;
}

describe('proxy security associations', () => {
  const key = new Uint8Array(32).fill(3);
  const challenge = { realm: 'KEYHOP.TEST', targetname: 'sip/a.keyhop.test', version: 4 };

  function pair(now = () => Date.now()) {
    const server = new ServerAssociations(challenge.realm, challenge.targetname, now);
    const sa = server.create('alice@a.keyhop.test', signer(key), now() + 3600_000);
    const client = new SecurityAssociation(challenge, now);
    client.established(signer(key), sa.opaque, now() + 3600_000);
    const signed = () => {
      const r = request();
      const { head, response } = client.sign(r);
      r.append('Proxy-Authorization', formatCredentials({ realm: head.realm, targetname: head.targetname, opaque: sa.opaque, crand: head.rand, cnum: head.num, response }));
      return r;
    };
    return { server, sa, client, signed };
  }

  it('accepts the client’s signed requests and the client accepts the proxy’s signed responses', () => {
    const { server, sa, client, signed } = pair();
    const r = signed();
    expect(server.checkRequest(r)).toMatchObject({ ok: true });
    const res = request();
    sa.sign(res);
    expect(client.verify(res)).toEqual({ ok: true });
  });

  it('refuses a replayed, altered, unsigned or unknown-association request', () => {
    const { server, signed } = pair();
    const r = signed();
    expect(server.checkRequest(r)).toMatchObject({ ok: true });
    expect(server.checkRequest(r)).toMatchObject({ ok: false, reason: expect.stringMatching(/replayed/) });
    const altered = signed();
    altered.set('To', '<sip:carol@a.keyhop.test>');
    expect(server.checkRequest(altered)).toMatchObject({ ok: false, reason: 'signature does not verify' });
    const unknown = signed();
    unknown.set('Proxy-Authorization', unknown.get('Proxy-Authorization')!.replace(/opaque="[^"]+"/, 'opaque="00000000"'));
    expect(server.checkRequest(unknown)).toMatchObject({ ok: false, reason: 'unknown security association' });
    expect(server.checkRequest(request())).toBeNull();
  });

  it('leaves another proxy’s credentials alone, and forgets expired and de-registered associations', () => {
    let t = 1_000;
    const { server, signed } = pair(() => t);
    const other = signed();
    other.set('Proxy-Authorization', other.get('Proxy-Authorization')!.replace('sip/a.keyhop.test', 'sip/b.keyhop.test'));
    expect(server.checkRequest(other)).toBeNull();
    t += 3600_000;
    expect(server.checkRequest(signed())).toMatchObject({ ok: false, reason: 'security association expired' });
    server.create('carol@a.keyhop.test', signer(key), t + 10_000);
    expect(server.size).toBe(1);
    server.removeIdentity('carol@a.keyhop.test');
    expect(server.size).toBe(0);
  });
});
