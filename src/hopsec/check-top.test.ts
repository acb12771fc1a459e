import { describe, expect, it } from 'vitest';
import { addEntry, insertUnattested } from './chain.js';
import { checkTopEntry } from './check-top.js';
import { HEADER } from './entry.js';
import { A_ADDR, ALICE, ALICE_ADDR, invite, keyPair, PROXY_A, rewrite } from './test-support.js';

const keyA = keyPair();

/** What proxy A sees: Alice's INVITE on her WSS connection. */
function fromAlice() {
  const msg = invite();
  addEntry(msg, { node: ALICE, addr: ALICE_ADDR, level: 3, transport: 'wss' });
  return msg;
}

describe('checkTopEntry', () => {
  it('accepts the previous hop\'s own entry with its real address and a level the link has', () => {
    const result = checkTopEntry(fromAlice(), { expectedAddr: ALICE_ADDR, realLevel: 3, realTransport: 'wss', expectedNode: ALICE });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.entry.node).toBe(ALICE);
    expect(checkTopEntry(fromAlice(), { expectedAddr: 'K3J2H4D1.invalid', realLevel: 3 }).ok).toBe(true);
  });

  it('compares addresses in canonical form', () => {
    const msg = invite();
    addEntry(msg, { node: PROXY_A, addr: '[2001:db8:0:0::5]:5061', level: 3, transport: 'tls' }, keyA.privateKey);
    expect(checkTopEntry(msg, { expectedAddr: '[2001:DB8::5]:5061', realLevel: 3 }).ok).toBe(true);
    const v4 = invite();
    addEntry(v4, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' }, keyA.privateKey);
    expect(checkTopEntry(v4, { expectedAddr: '[::ffff:192.0.2.10]:5061', realLevel: 3 }).ok).toBe(true);
  });

  it('wrong-address: the entry does not name where the request came from', () => {
    const result = checkTopEntry(fromAlice(), { expectedAddr: 'zz9.invalid', realLevel: 3 });
    expect(result).toMatchObject({ ok: false, reason: 'wrong-address' });
    expect(checkTopEntry(fromAlice(), { expectedAddr: 'zz9.invalid', realLevel: 3, expectedNode: ALICE })).toMatchObject({ ok: false, reason: 'wrong-address' });
  });

  it('level-above-link: the entry claims more than the link gives', () => {
    expect(checkTopEntry(fromAlice(), { expectedAddr: ALICE_ADDR, realLevel: 2 })).toMatchObject({ ok: false, reason: 'level-above-link' });
    expect(checkTopEntry(fromAlice(), { expectedAddr: ALICE_ADDR, realLevel: 0 })).toMatchObject({ ok: false, reason: 'level-above-link' });
  });

  it('wrong-transport: checked when the transport is given', () => {
    expect(checkTopEntry(fromAlice(), { expectedAddr: ALICE_ADDR, realLevel: 3, realTransport: 'ws' })).toMatchObject({ ok: false, reason: 'wrong-transport' });
  });

  it('missing: no entry, an entry of another node, or an unattested placeholder on top', () => {
    expect(checkTopEntry(invite(), { expectedAddr: ALICE_ADDR, realLevel: 3 })).toMatchObject({ ok: false, reason: 'missing' });
    const forwardedByA = fromAlice();
    addEntry(forwardedByA, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' }, keyA.privateKey);
    expect(checkTopEntry(forwardedByA, { expectedAddr: '203.0.113.9:5061', realLevel: 3, expectedNode: 'c.keyhop.test' })).toMatchObject({ ok: false, reason: 'missing' });
    const placeholder = invite();
    insertUnattested(placeholder, { addr: ALICE_ADDR, transport: 'wss' });
    expect(checkTopEntry(placeholder, { expectedAddr: ALICE_ADDR, realLevel: 3 })).toMatchObject({ ok: false, reason: 'missing' });
  });

  it('other-dialog: a top entry made for another request', () => {
    const msg = fromAlice();
    rewrite(msg, 0, (e) => ({ ...e, d: 'AAAAAAAAAAAAAAAA' }));
    expect(checkTopEntry(msg, { expectedAddr: ALICE_ADDR, realLevel: 3 })).toMatchObject({ ok: false, reason: 'other-dialog' });
  });

  it('malformed: never throws on a bad value or a message without dialog identifiers', () => {
    const bad = invite();
    bad.append(HEADER, 'x;level=9');
    expect(checkTopEntry(bad, { expectedAddr: ALICE_ADDR, realLevel: 3 })).toMatchObject({ ok: false, reason: 'malformed' });
    const noFrom = fromAlice();
    noFrom.remove('From');
    expect(checkTopEntry(noFrom, { expectedAddr: ALICE_ADDR, realLevel: 3 })).toMatchObject({ ok: false, reason: 'malformed' });
  });
});
