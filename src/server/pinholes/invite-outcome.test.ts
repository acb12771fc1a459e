import { describe, expect, it } from 'vitest';
import { SipRequest } from '../../sip/message.js';
import { createResponse } from '../../sip/response.js';
import { InviteOutcomes } from './invite-outcome.js';

/** One forwarded copy of an initial INVITE of call `callId`. */
function invite(callId: string, cseq = 1): SipRequest {
  return new SipRequest('INVITE', 'sip:bob@192.0.2.5')
    .set('Via', 'SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK-1')
    .set('From', '<sip:alice@a.keyhop.test>;tag=a1')
    .set('To', '<sip:bob@b.keyhop.test>')
    .set('Call-ID', callId)
    .set('CSeq', `${cseq} INVITE`);
}

/** Forks an INVITE of `callId` on two branches. */
function forked(o: InviteOutcomes, callId: string): [SipRequest, SipRequest] {
  const branches: [SipRequest, SipRequest] = [invite(callId), invite(callId)];
  for (const b of branches) o.forked(b);
  return branches;
}

describe('the outcome of a forked INVITE', () => {
  it('has failed only when every branch failed', () => {
    const o = new InviteOutcomes(10);
    const [desk, phone] = forked(o, 'c1');
    expect(o.final(createResponse(desk, 486, undefined, 'd'), desk)).toBe(false);
    expect(o.final(createResponse(phone, 480, undefined, 'p'), phone)).toBe(true);
  });

  it('has not failed when one branch answers 2xx, whichever order the finals come in', () => {
    const o = new InviteOutcomes(10);
    const [desk, phone] = forked(o, 'c2');
    expect(o.final(createResponse(phone, 200, undefined, 'p'), phone)).toBe(false);
    expect(o.final(createResponse(desk, 487, undefined, 'd'), desk)).toBe(false);

    const [one, two] = forked(o, 'c3');
    expect(o.final(createResponse(one, 486, undefined, 'o'), one)).toBe(false);
    expect(o.final(createResponse(two, 200, undefined, 't'), two)).toBe(false);
  });

  it('starts afresh for a new INVITE of the same call, and ignores what it never forwarded or forgot', () => {
    const o = new InviteOutcomes(10);
    const first = invite('c4', 1);
    o.forked(first);
    const again = invite('c4', 2);
    o.forked(again);
    expect(o.final(createResponse(first, 407, undefined, 'x'), first)).toBe(false);
    expect(o.final(createResponse(invite('c5'), 486, undefined, 'y'), invite('c5'))).toBe(false);
    o.forget('c4');
    expect(o.final(createResponse(again, 486, undefined, 'z'), again)).toBe(false);
  });

  it('keeps at most its bound of calls, dropping the oldest', () => {
    const o = new InviteOutcomes(1);
    const old = invite('c6');
    o.forked(old);
    o.forked(invite('c7'));
    expect(o.final(createResponse(old, 486, undefined, 'x'), old)).toBe(false);
  });
});
