import { describe, expect, it } from 'vitest';
import { parseMessage } from '../sip/parser.js';
import { addEntry, chainValues, copyChain, insertUnattested, MAX_ENTRIES, parseChain } from './chain.js';
import { dialogDigest, dialogIds } from './dialog.js';
import { entryDigest } from './encoding.js';
import { HEADER } from './entry.js';
import { RouteSecurityError } from './errors.js';
import { verifyEntrySignature } from './sign.js';
import { A_ADDR, ALICE, ALICE_ADDR, B_ADDR, invite, keyPair, okResponse, pathValues, PROXY_A, PROXY_B, scenario } from './test-support.js';

const keyA = keyPair();
const keyB = keyPair();

describe('addEntry', () => {
  it('builds the A→B chain newest on top, each entry counting and covering the one below', () => {
    const { msg } = scenario(keyA, keyB);
    const d = dialogDigest(dialogIds(msg));
    const fieldsInOrder = msg.headers.filter((h) => h.name === HEADER).map((h) => h.value);
    expect(fieldsInOrder).toHaveLength(3);
    expect(fieldsInOrder[0]).toMatch(/^b\.keyhop\.test;/);
    expect(fieldsInOrder[2]).toMatch(/^"alice@a\.keyhop\.test";/);

    const [ua, a, b] = parseChain(msg);
    expect(ua).toMatchObject({ node: ALICE, addr: ALICE_ADDR, level: 3, transport: 'wss', n: 0, d, unattested: false });
    expect(ua!.b).toBeUndefined();
    expect(ua!.sig).toBeUndefined();
    expect(a).toMatchObject({ node: PROXY_A, addr: A_ADDR, transport: 'tls', n: 1, d, b: entryDigest(ua!.raw) });
    expect(b).toMatchObject({ node: PROXY_B, addr: B_ADDR, transport: 'wss', n: 2, d, b: entryDigest(a!.raw) });
    expect(verifyEntrySignature(a!, dialogIds(msg), a!.sig!, keyA.publicKey)).toBe(true);
    expect(verifyEntrySignature(b!, dialogIds(msg), b!.sig!, keyB.publicKey)).toBe(true);
  });

  it('returns the entry as written and writes the address canonically', () => {
    const msg = invite();
    const written = addEntry(msg, { node: PROXY_A, addr: '[::ffff:192.0.2.10]:5061', level: 2, transport: 'tcp', extensions: [['x-flow', '7']] }, keyA.privateKey);
    expect(written.addr).toBe('192.0.2.10:5061');
    expect(chainValues(msg)).toEqual([written.raw]);
    expect(written.raw).toMatch(/;x-flow=7;sig=/);
  });

  it('survives the wire: serialised, parsed again, the chain reads the same', () => {
    const { msg } = scenario(keyA, keyB);
    const again = parseMessage(msg.toBytes());
    expect(pathValues(again)).toEqual(pathValues(msg));
  });

  it('counts entries that share one comma-separated field', () => {
    const { msg } = scenario(keyA, keyB);
    const joined = chainValues(msg).join(', ');
    msg.remove(HEADER);
    msg.append(HEADER, joined);
    const top = addEntry(msg, { node: 'c.keyhop.test', addr: '203.0.113.5:5061', level: 3, transport: 'tls' }, keyA.privateKey);
    expect(top.n).toBe(3);
    expect(top.b).toBe(entryDigest(parseChain(msg)[2]!.raw));
  });

  it('refuses bad arguments, a full chain and a message without dialog identifiers', () => {
    const msg = invite();
    expect(() => addEntry(msg, { node: PROXY_A, addr: 'a b', level: 3, transport: 'tls' })).toThrow(RouteSecurityError);
    expect(() => addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 4 as 3, transport: 'tls' })).toThrow(RouteSecurityError);
    expect(() => addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'udp' as 'tls' })).toThrow(RouteSecurityError);
    expect(() => addEntry(msg, { node: '', addr: A_ADDR, level: 3, transport: 'tls' })).toThrow(RouteSecurityError);
    expect(() => addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' }, new Uint8Array(32))).toThrow(RouteSecurityError);
    expect(chainValues(msg)).toEqual([]);

    for (let i = 0; i < MAX_ENTRIES; i++) addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' });
    try {
      addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' });
      expect.unreachable();
    } catch (e) {
      expect((e as RouteSecurityError).code).toBe('too-long');
    }
    const noCSeq = invite();
    noCSeq.remove('CSeq');
    expect(() => addEntry(noCSeq, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' })).toThrow(RouteSecurityError);
  });
});

describe('insertUnattested', () => {
  it('records a previous hop that added no entry: level 0, unsigned, flagged, covered by the next entry', () => {
    const msg = invite();
    const placeholder = insertUnattested(msg, { addr: '[2001:DB8::7]:50312', transport: 'ws' });
    expect(placeholder).toMatchObject({ node: '[2001:db8::7]:50312', addr: '[2001:db8::7]:50312', level: 0, transport: 'ws', n: 0, unattested: true });
    expect(placeholder.sig).toBeUndefined();
    expect(placeholder.raw).toBe(`"[2001:db8::7]:50312";addr=[2001:db8::7]:50312;level=0;tr=ws;n=0;d=${placeholder.d};unattested`);
    const a = addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' }, keyA.privateKey);
    expect(a.b).toBe(entryDigest(placeholder.raw));
  });

  it('names the hop when the proxy knows who it is', () => {
    const msg = invite();
    expect(insertUnattested(msg, { addr: '192.0.2.99:40000', transport: 'tcp', node: ALICE }).node).toBe(ALICE);
    expect(() => insertUnattested(msg, { addr: 'nope nope', transport: 'tcp' })).toThrow(RouteSecurityError);
  });
});

describe('parseChain', () => {
  it('returns entries in path order, bottom first', () => {
    const { msg } = scenario(keyA, keyB);
    expect(parseChain(msg).map((e) => e.node)).toEqual([ALICE, PROXY_A, PROXY_B]);
    expect(parseChain(invite())).toEqual([]);
  });

  it('reports the path index of a malformed entry', () => {
    const { msg } = scenario(keyA, keyB);
    msg.prepend(HEADER, 'garbage;;');
    try {
      parseChain(msg);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RouteSecurityError);
      expect((e as RouteSecurityError).code).toBe('syntax');
      expect((e as RouteSecurityError).index).toBe(3);
    }
  });
});

describe('copyChain', () => {
  it('copies every entry, same values, same order, replacing what the response had', () => {
    const { msg } = scenario(keyA, keyB);
    const res = okResponse(msg);
    res.append(HEADER, 'stale.test;addr=192.0.2.1;level=0;tr=tcp;n=0;d=AAAAAAAAAAAAAAAA');
    expect(copyChain(msg, res)).toBe(3);
    expect(chainValues(res)).toEqual(chainValues(msg));
    expect(res.headers.filter((h) => h.name === HEADER).map((h) => h.value)).toEqual(msg.headers.filter((h) => h.name === HEADER).map((h) => h.value));
  });
});
