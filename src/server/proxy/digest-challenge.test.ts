import { describe, expect, it } from 'vitest';
import { computeDigest } from '../../sip/digest.js';
import { parseAuthValue } from '../../sip/auth-params.js';
import { DigestChallenger } from './digest-challenge.js';
import { UserDirectory, userRecord } from './users.js';

const users = new UserDirectory([userRecord('alice@a.keyhop.test', 'alice-pass')]);

function answer(challenge: string, opts: { nc?: string; password?: string } = {}): string {
  const p = parseAuthValue(challenge).params;
  const nonce = p.get('nonce')!;
  const nc = opts.nc ?? '00000001';
  const response = computeDigest({ algorithm: 'SHA-256', username: 'alice', realm: 'a.keyhop.test', password: opts.password ?? 'alice-pass', method: 'REGISTER', uri: 'sip:a.keyhop.test', nonce, qop: { cnonce: 'c', nc } });
  return `Digest username="alice", realm="a.keyhop.test", nonce="${nonce}", uri="sip:a.keyhop.test", response="${response}", algorithm=SHA-256, qop=auth, nc=${nc}, cnonce="c"`;
}

describe('Digest challenges', () => {
  it('never hands two challenges the same nonce, even within one millisecond', () => {
    const d = new DigestChallenger('a.keyhop.test', users);
    const nonces = Array.from({ length: 200 }, () => parseAuthValue(d.challenges()[0]!).params.get('nonce'));
    expect(new Set(nonces).size).toBe(200);
  });

  it('accepts a right answer once, refuses its replay, a wrong password and a forged nonce', () => {
    const d = new DigestChallenger('a.keyhop.test', users);
    const ok = answer(d.challenges()[0]!);
    expect(d.verify('REGISTER', [ok])).toEqual({ ok: true, aor: 'alice@a.keyhop.test' });
    expect(d.verify('REGISTER', [ok])).toMatchObject({ ok: false, reason: 'Replayed credentials' });
    expect(d.verify('REGISTER', [answer(d.challenges()[0]!, { password: 'nope' })])).toMatchObject({ ok: false, reason: 'Wrong user name or password' });
    const forged = ok.replace(/nonce="([0-9a-f]+)\./, 'nonce="0.');
    expect(d.verify('REGISTER', [forged])).toMatchObject({ ok: false, reason: 'Unknown nonce' });
  });
});
