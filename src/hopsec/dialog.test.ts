import { describe, expect, it } from 'vitest';
import { SipRequest } from '../sip/message.js';
import { dialogDigest, dialogIds, DIALOG_LABEL } from './dialog.js';
import { digest12, fields } from './encoding.js';
import { RouteSecurityError } from './errors.js';
import { invite, okResponse } from './test-support.js';

describe('dialog identifiers', () => {
  it('reads Call-ID, CSeq number and method, and the From tag', () => {
    expect(dialogIds(invite())).toEqual({ callId: 'a84b4c76e66710@k3j2h4d1.invalid', cseq: 314159, method: 'INVITE', fromTag: '1928301774' });
  });

  it('digests a length-prefixed encoding under its own label', () => {
    const ids = dialogIds(invite());
    expect(dialogDigest(ids)).toBe(digest12(fields([DIALOG_LABEL, 'a84b4c76e66710@k3j2h4d1.invalid', '314159', 'INVITE', '1928301774'])));
  });

  it('is the same for a request and its response, and differs when any identifier differs', () => {
    const req = invite();
    const base = dialogDigest(dialogIds(req));
    expect(dialogDigest(dialogIds(okResponse(req)))).toBe(base);
    const others = [invite({ callId: 'other@x' }), invite({ cseq: 314160 }), invite({ fromTag: '1928301775' })];
    const bye = invite();
    bye.set('CSeq', '314159 BYE');
    others.push(bye);
    for (const m of others) expect(dialogDigest(dialogIds(m))).not.toBe(base);
    // Field boundaries matter: moving characters between fields changes the digest.
    expect(dialogDigest({ callId: 'ab', cseq: 1, method: 'INVITE', fromTag: 'c' })).not.toBe(dialogDigest({ callId: 'a', cseq: 1, method: 'INVITE', fromTag: 'bc' }));
  });

  it('treats a From without tag as an empty tag', () => {
    const req = invite();
    req.set('From', '<sip:alice@a.keyhop.test>');
    expect(dialogIds(req).fromTag).toBe('');
  });

  it('fails with a typed error when identifiers are missing or unreadable', () => {
    const cases: Array<(m: SipRequest) => void> = [
      (m) => m.remove('Call-ID'),
      (m) => m.remove('CSeq'),
      (m) => m.set('CSeq', 'abc'),
      (m) => m.remove('From'),
      (m) => m.set('From', '<sip:alice@a.keyhop.test'),
    ];
    for (const change of cases) {
      const m = invite();
      change(m);
      expect(() => dialogIds(m)).toThrow(RouteSecurityError);
    }
  });
});
