import { describe, expect, it } from 'vitest';
import type { SipMessage } from '../sip/message.js';
import { addEntry, copyChain, insertUnattested } from './chain.js';
import { base64urlEncode } from './encoding.js';
import { HEADER, type RouteSecurityEntry } from './entry.js';
import {
  A_ADDR,
  ALICE,
  ALICE_ADDR,
  B_ADDR,
  invite,
  keyPair,
  okResponse,
  pathValues,
  PROXY_A,
  PROXY_B,
  rewrite,
  scenario,
  setPath,
} from './test-support.js';
import { checkOwnEntry, FAILURE_PRECEDENCE, verifyChain, type VerifyOptions } from './verify.js';

const keyA = keyPair();
const keyB = keyPair();
const rogue = keyPair();
const OTHER_DIGEST = 'AAECAwQFBgcICQoL';

/** The failures as "reason@index", in report order. */
function outcome(msg: SipMessage, opts: Partial<VerifyOptions> = {}): string[] {
  const { keys } = scenario(keyA, keyB, [3, 3, 3], invite());
  return verifyChain(msg, { keys, minLevel: 0, ...opts }).failures.map((f) => `${f.reason}@${f.index}`);
}

describe('verifyChain: a good chain', () => {
  it('accepts Alice → A → B and reports every hop in path order', () => {
    const { msg, keys } = scenario(keyA, keyB);
    const report = verifyChain(msg, { keys, minLevel: 3 });
    expect(report.ok).toBe(true);
    expect(report.failures).toEqual([]);
    expect(report.reason).toBeUndefined();
    expect(report.hops).toEqual([
      { index: 0, node: ALICE, addr: ALICE_ADDR, transport: 'wss', level: 3, kind: 'ua', signed: false, attested: true, reasons: [] },
      { index: 1, node: PROXY_A, addr: A_ADDR, transport: 'tls', level: 3, kind: 'proxy', signed: true, signatureValid: true, attested: true, reasons: [] },
      { index: 2, node: PROXY_B, addr: B_ADDR, transport: 'wss', level: 3, kind: 'proxy', signed: true, signatureValid: true, attested: true, reasons: [] },
    ]);
  });

  it('holds in the response at every node, each finding its own entry where it put it', () => {
    const { msg, keys } = scenario(keyA, keyB);
    const res = okResponse(msg);
    copyChain(msg, res);
    expect(verifyChain(res, { keys, minLevel: 3, own: { node: ALICE, position: 'bottom' } }).ok).toBe(true);
    expect(verifyChain(res, { keys, minLevel: 3, own: { node: PROXY_A, position: 1 } }).ok).toBe(true);
    expect(verifyChain(res, { keys, minLevel: 3, own: { node: PROXY_B, position: 'top' } }).ok).toBe(true);
    expect(checkOwnEntry(res, { node: PROXY_B, position: 'top' })).toMatchObject({ ok: true, entry: { node: PROXY_B } });
    expect(checkOwnEntry(res, { node: PROXY_A, position: 1 })).toMatchObject({ ok: true, entry: { node: PROXY_A, n: 1 } });
  });

  it('generalises to more proxies (R26) and signs and verifies synchronously', () => {
    const keyC = keyPair();
    const msg = invite();
    addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' }, keyA.privateKey);
    addEntry(msg, { node: 'c.keyhop.test', addr: '203.0.113.5:5061', level: 3, transport: 'tls' }, keyC.privateKey);
    addEntry(msg, { node: PROXY_B, addr: B_ADDR, level: 3, transport: 'wss' }, keyB.privateKey);
    const table = new Map([[PROXY_A, keyA.publicKey], ['c.keyhop.test', keyC.publicKey], [PROXY_B, keyB.publicKey]]);
    const report = verifyChain(msg, { keys: (n) => table.get(n), minLevel: 3, own: { node: 'c.keyhop.test', position: 1 } });
    expect(report).not.toBeInstanceOf(Promise);
    expect(report.ok).toBe(true);
    expect(report.hops.map((h) => [h.node, h.signatureValid])).toEqual([[PROXY_A, true], ['c.keyhop.test', true], [PROXY_B, true]]);
  });
});

describe('verifyChain: a single field changed', () => {
  type Change = [string, (e: RouteSecurityEntry) => RouteSecurityEntry];
  const common: Change[] = [
    ['addr', (e) => ({ ...e, addr: '192.0.2.99:5061' })],
    ['level lowered', (e) => ({ ...e, level: 2 })],
    ['tr', (e) => ({ ...e, transport: 'tcp' })],
    ['n', (e) => ({ ...e, n: e.n + 1 })],
    ['d', (e) => ({ ...e, d: OTHER_DIGEST })],
  ];
  const signedOnly: Change[] = [
    ['b', (e) => ({ ...e, b: OTHER_DIGEST })],
    ['b removed', (e) => ({ ...e, b: undefined })],
    ['sig', (e) => ({ ...e, sig: base64urlEncode(new Uint8Array(64).fill(7)) })],
    ['node', (e) => ({ ...e, node: 'x.keyhop.test' })],
    ['node (a known signer)', (e) => ({ ...e, node: e.node === PROXY_A ? PROXY_B : PROXY_A })],
    ['extension added', (e) => ({ ...e, extensions: [['x-evil', '1']] })],
  ];

  it.each([...common, ...signedOnly])('proxy A (middle): %s → tampered', (_name, change) => {
    const { msg } = scenario(keyA, keyB);
    rewrite(msg, 1, change);
    expect(outcome(msg)).toEqual(['tampered@1']);
  });

  it.each([...common.filter(([name]) => name !== 'addr'), ...signedOnly.slice(0, 2), signedOnly[5]!])('proxy B (top): %s → tampered', (_name, change) => {
    const { msg } = scenario(keyA, keyB);
    rewrite(msg, 2, change);
    expect(outcome(msg)).toEqual(['tampered@2']);
  });

  it('proxy B (top): node, addr or sig changed cannot be told from a forgery', () => {
    const cases: Array<[Change[1], string]> = [
      [(e) => ({ ...e, node: 'x.keyhop.test' }), 'unknown-signer@2'],
      [(e) => ({ ...e, node: PROXY_A }), 'bad-signature@2'],
      [(e) => ({ ...e, addr: '198.51.100.99:443' }), 'bad-signature@2'],
      [(e) => ({ ...e, sig: base64urlEncode(new Uint8Array(64).fill(7)) }), 'bad-signature@2'],
    ];
    for (const [change, expected] of cases) {
      const { msg } = scenario(keyA, keyB);
      rewrite(msg, 2, change);
      expect(outcome(msg)).toEqual([expected]);
    }
  });

  it.each([
    ...common,
    ['node', (e: RouteSecurityEntry) => ({ ...e, node: 'mallory@a.keyhop.test' })] as Change,
    ['b added', (e: RouteSecurityEntry) => ({ ...e, b: OTHER_DIGEST })] as Change,
  ])('Alice (unsigned bottom): %s → tampered', (_name, change) => {
    const { msg } = scenario(keyA, keyB);
    rewrite(msg, 0, change);
    expect(outcome(msg)).toEqual(['tampered@0']);
  });

  it('a rewritten but equivalent entry (parameters re-ordered) still breaks the link from above', () => {
    const { msg } = scenario(keyA, keyB);
    const values = pathValues(msg);
    const [node, ...params] = values[1]!.split(';');
    values[1] = [node, ...params.reverse()].join(';');
    setPath(msg, values);
    const report = verifyChain(msg, { keys: scenario(keyA, keyB, [3, 3, 3], invite()).keys, minLevel: 0 });
    expect(report.failures.map((f) => `${f.reason}@${f.index}`)).toEqual(['tampered@1']);
    expect(report.hops[1]!.signatureValid).toBe(true);
  });
});

describe('verifyChain: raised level', () => {
  it('finds that the signature holds for a lower level (middle entry)', () => {
    const { msg } = scenario(keyA, keyB, [3, 2, 3]);
    rewrite(msg, 1, (e) => ({ ...e, level: 3 }));
    const report = verifyChain(msg, { keys: scenario(keyA, keyB, [3, 3, 3], invite()).keys, minLevel: 2 });
    expect(report.failures.map((f) => `${f.reason}@${f.index}`)).toEqual(['raised-level@1']);
    expect(report.hops[1]).toMatchObject({ level: 3, signedLevel: 2, signatureValid: false, attested: false });
    // The signed level, not the claim, meets the policy.
    expect(outcome(msg, { minLevel: 3 })).toEqual(['raised-level@1', 'below-minimum@1']);
  });

  it('finds it in the top entry too', () => {
    const { msg } = scenario(keyA, keyB, [3, 3, 1]);
    rewrite(msg, 2, (e) => ({ ...e, level: 3 }));
    expect(outcome(msg)).toEqual(['raised-level@2']);
  });
});

describe('verifyChain: entries inserted, removed, reordered', () => {
  it('inserted: a forged proxy entry between A and B', () => {
    const { msg } = scenario(keyA, keyB);
    const values = pathValues(msg);
    const partial = invite();
    setPath(partial, values.slice(0, 2));
    addEntry(partial, { node: 'evil.test', addr: '203.0.113.66:5061', level: 3, transport: 'tls' }, rogue.privateKey);
    setPath(msg, [...pathValues(partial), values[2]!]);
    expect(outcome(msg)).toEqual(['inserted@2']);
  });

  it('inserted: an entry slipped in below the caller\'s own', () => {
    const { msg } = scenario(keyA, keyB);
    const fake = invite();
    addEntry(fake, { node: 'mallory@a.keyhop.test', addr: '203.0.113.7', level: 3, transport: 'wss' });
    setPath(msg, [...pathValues(fake), ...pathValues(msg)]);
    expect(outcome(msg)).toEqual(['inserted@0']);
  });

  it('removed: proxy A\'s entry, or the caller\'s', () => {
    const a = scenario(keyA, keyB).msg;
    setPath(a, pathValues(a).filter((_, i) => i !== 1));
    expect(outcome(a)).toEqual(['removed@1']);
    const ua = scenario(keyA, keyB).msg;
    setPath(ua, pathValues(ua).slice(1));
    expect(outcome(ua)).toEqual(['removed@0']);
  });

  it('reordered: entries swapped', () => {
    const low = scenario(keyA, keyB).msg;
    const [u, a, b] = pathValues(low);
    setPath(low, [a!, u!, b!]);
    expect(outcome(low)).toEqual(['reordered@0', 'reordered@1']);
    const high = scenario(keyA, keyB).msg;
    setPath(high, [u!, b!, a!]);
    expect(outcome(high)).toEqual(['reordered@1', 'reordered@2']);
  });
});

describe('verifyChain: signatures and signers', () => {
  it('bad-signature: a forged signature the next proxy received as it is', () => {
    const msg = invite();
    addEntry(msg, { node: ALICE, addr: ALICE_ADDR, level: 3, transport: 'wss' });
    addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' });
    rewrite(msg, 1, (e) => ({ ...e, sig: base64urlEncode(Uint8Array.from({ length: 64 }, (_, i) => i * 3)) }));
    addEntry(msg, { node: PROXY_B, addr: B_ADDR, level: 3, transport: 'wss' }, keyB.privateKey);
    expect(outcome(msg)).toEqual(['bad-signature@1']);
  });

  it('bad-signature: an entry signed with a key that is not the node\'s', () => {
    const msg = invite();
    addEntry(msg, { node: ALICE, addr: ALICE_ADDR, level: 3, transport: 'wss' });
    addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' }, rogue.privateKey);
    addEntry(msg, { node: PROXY_B, addr: B_ADDR, level: 3, transport: 'wss' }, keyB.privateKey);
    expect(outcome(msg)).toEqual(['bad-signature@1']);
    const report = verifyChain(msg, { keys: scenario(keyA, keyB, [3, 3, 3], invite()).keys, minLevel: 0 });
    expect(report.hops[1]).toMatchObject({ signed: true, signatureValid: false, attested: false });
  });

  it('unknown-signer: no key, or an unusable key, for the node', () => {
    const { msg } = scenario(keyA, keyB);
    const only = (node: string, key: Uint8Array) => (n: string) => (n === node ? key : undefined);
    expect(outcome(msg, { keys: only(PROXY_B, keyB.publicKey) })).toEqual(['unknown-signer@1']);
    const badKey = (n: string) => (n === PROXY_A ? keyA.publicKey.subarray(0, 33) : keyB.publicKey);
    expect(outcome(msg, { keys: badKey })).toEqual(['unknown-signer@1']);
    const throwing = () => {
      throw new Error('key store down');
    };
    expect(outcome(msg, { keys: throwing })).toEqual(['unknown-signer@1', 'unknown-signer@2']);
    const report = verifyChain(msg, { keys: only(PROXY_B, keyB.publicKey), minLevel: 0 });
    expect(report.hops[1]!.signatureValid).toBeUndefined();
  });
});

describe('verifyChain: replay into another request', () => {
  it('other-dialog: the whole chain copied into another call', () => {
    const { msg } = scenario(keyA, keyB);
    for (const target of [invite({ callId: 'f81d4fae-7dec@k3j2h4d1.invalid' }), invite({ cseq: 314160 }), invite({ fromTag: 'xyz' })]) {
      copyChain(msg, target);
      expect(outcome(target)).toEqual(['other-dialog@0', 'other-dialog@1', 'other-dialog@2']);
    }
  });

  it('other-dialog: even when a fresh entry is added on top of the replayed chain', () => {
    const { msg } = scenario(keyA, keyB);
    const target = invite({ callId: 'f81d4fae-7dec@k3j2h4d1.invalid' });
    copyChain(msg, target);
    addEntry(target, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' }, keyA.privateKey);
    expect(outcome(target)).toEqual(['other-dialog@0', 'other-dialog@1', 'other-dialog@2']);
  });
});

describe('verifyChain: policy', () => {
  it('unattested: a proxy recorded a previous hop that added no entry', () => {
    const msg = invite();
    insertUnattested(msg, { addr: ALICE_ADDR, transport: 'wss' });
    addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' }, keyA.privateKey);
    addEntry(msg, { node: PROXY_B, addr: B_ADDR, level: 3, transport: 'wss' }, keyB.privateKey);
    expect(outcome(msg)).toEqual(['unattested@0']);
    expect(outcome(msg, { minLevel: 3 })).toEqual(['unattested@0']);
    expect(outcome(msg, { allowUnattested: true })).toEqual([]);
    expect(outcome(msg, { allowUnattested: true, minLevel: 3 })).toEqual(['below-minimum@0']);
    const keys = scenario(keyA, keyB, [3, 3, 3], invite()).keys;
    expect(verifyChain(msg, { keys, minLevel: 0 }).hops[0]).toMatchObject({ kind: 'unattested', signed: false, attested: false, level: 0 });
  });

  it('unattested: a proxy hop that did not sign', () => {
    const msg = invite();
    addEntry(msg, { node: ALICE, addr: ALICE_ADDR, level: 3, transport: 'wss' });
    addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' });
    addEntry(msg, { node: PROXY_B, addr: B_ADDR, level: 3, transport: 'wss' }, keyB.privateKey);
    expect(outcome(msg)).toEqual(['unattested@1']);
  });

  it('below-minimum: any link under the receiver\'s minimum', () => {
    expect(outcome(scenario(keyA, keyB, [3, 2, 3]).msg, { minLevel: 3 })).toEqual(['below-minimum@1']);
    expect(outcome(scenario(keyA, keyB, [1, 3, 3]).msg, { minLevel: 2 })).toEqual(['below-minimum@0']);
    expect(outcome(scenario(keyA, keyB, [0, 0, 0]).msg, { minLevel: 1 })).toEqual(['below-minimum@0', 'below-minimum@1', 'below-minimum@2']);
    expect(outcome(scenario(keyA, keyB, [0, 0, 0]).msg, { minLevel: 0 })).toEqual([]);
  });

  it('own-entry-misplaced: the node\'s own entry is not where it put it, or absent', () => {
    const { msg } = scenario(keyA, keyB);
    expect(outcome(msg, { own: { node: ALICE, position: 'top' } })).toEqual(['own-entry-misplaced@2']);
    expect(outcome(msg, { own: { node: PROXY_A, position: 2 } })).toEqual(['own-entry-misplaced@2']);
    expect(outcome(msg, { own: { node: 'c.keyhop.test', position: 1 } })).toEqual(['own-entry-misplaced@1']);
    expect(checkOwnEntry(msg, { node: PROXY_A, position: 0 })).toMatchObject({ ok: false, reason: 'own-entry-misplaced' });
    const swapped = scenario(keyA, keyB).msg;
    const [u, a, b] = pathValues(swapped);
    setPath(swapped, [a!, u!, b!]);
    expect(outcome(swapped, { own: { node: ALICE, position: 'bottom' } })).toEqual(['own-entry-misplaced@0', 'reordered@0', 'reordered@1']);
  });

  it('checkOwnEntry: a response whose chain belongs to another request', () => {
    const { msg } = scenario(keyA, keyB);
    const res = okResponse(invite({ cseq: 1 }));
    copyChain(msg, res);
    expect(checkOwnEntry(res, { node: PROXY_B, position: 'top' })).toMatchObject({ ok: false, reason: 'other-dialog' });
    expect(checkOwnEntry(invite(), { node: PROXY_B, position: 'top' })).toMatchObject({ ok: false, reason: 'missing' });
  });
});

describe('verifyChain: missing and malformed', () => {
  it('missing: no entry at all', () => {
    const report = verifyChain(invite(), { keys: () => undefined, minLevel: 0 });
    expect(report).toMatchObject({ ok: false, reason: 'missing', hops: [], failures: [{ index: 0, reason: 'missing' }] });
  });

  it('malformed: a value that does not parse, or a message without dialog identifiers; never throws', () => {
    const { msg } = scenario(keyA, keyB);
    msg.prepend(HEADER, 'b.keyhop.test;addr=x y');
    expect(outcome(msg)).toEqual(['malformed@3']);
    const noCSeq = scenario(keyA, keyB).msg;
    noCSeq.remove('CSeq');
    expect(outcome(noCSeq)).toEqual(['malformed@0']);
    const long = invite();
    for (let i = 0; i < 17; i++) long.append(HEADER, `n${i}.test;addr=192.0.2.1;level=3;tr=tls;n=0;d=${OTHER_DIGEST}`);
    expect(outcome(long)).toEqual(['malformed@0']);
  });

  it('stays bounded on a long chain of bad signatures', () => {
    const msg = invite();
    for (let i = 0; i < 16; i++) addEntry(msg, { node: `p${i}.test`, addr: `192.0.2.${i + 1}:5061`, level: 3, transport: 'tls' }, rogue.privateKey);
    const started = Date.now();
    const report = verifyChain(msg, { keys: () => keyA.publicKey, minLevel: 3 });
    expect(report.failures).toHaveLength(16);
    expect(new Set(report.failures.map((f) => f.reason))).toEqual(new Set(['bad-signature']));
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('verifyChain: precedence', () => {
  it('sorts failures by severity, then by index, and names the most severe', () => {
    const { msg } = scenario(keyA, keyB, [3, 2, 3]);
    setPath(msg, pathValues(msg).slice(1));
    const report = verifyChain(msg, { keys: scenario(keyA, keyB, [3, 3, 3], invite()).keys, minLevel: 3, own: { node: ALICE, position: 'bottom' } });
    expect(report.failures.map((f) => `${f.reason}@${f.index}`)).toEqual(['own-entry-misplaced@0', 'removed@0', 'below-minimum@0']);
    expect(report.reason).toBe('own-entry-misplaced');
    expect(report.hops[0]!.reasons).toEqual(['own-entry-misplaced', 'removed', 'below-minimum']);
    expect(FAILURE_PRECEDENCE[0]).toBe('missing');
  });
});
