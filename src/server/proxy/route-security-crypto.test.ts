import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addEntry, dialogIds, parseChain, verifyChain, verifyEntrySignature } from '../../hopsec/index.js';
import { SipRequest } from '../../sip/message.js';
import { ensureCa, ensureProxyCert, type PemPair } from '../pki.js';
import { entryCrypto, type EntryCrypto } from './route-security-crypto.js';
import { rawPrivateKey } from './route-security-keys.js';

const A = 'a.keyhop.test';
const B = 'b.keyhop.test';

function invite(): SipRequest {
  const r = new SipRequest('INVITE', `sip:bob@${B}`);
  r.append('Via', 'SIP/2.0/WS k3j2h4d1.invalid;branch=z9hG4bK-1');
  r.append('From', `<sip:alice@${A}>;tag=1928301774`);
  r.append('To', `<sip:bob@${B}>`);
  r.append('Call-ID', 'a84b4c76e66710@k3j2h4d1.invalid');
  r.append('CSeq', '314159 INVITE');
  addEntry(r, { node: `alice@${A}`, addr: 'k3j2h4d1.invalid', level: 2, transport: 'ws' });
  return r;
}

describe('entryCrypto: OpenSSL signatures on src/hopsec entries', () => {
  let dir: string;
  let pems: Map<string, PemPair>;
  let atA: EntryCrypto;
  let atB: EntryCrypto;
  const keys = (node: string) => atA.rawKey(node);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'keyhop-rs-crypto-'));
    const ca = await ensureCa(dir, null, null);
    pems = new Map([[A, await ensureProxyCert(dir, ca, A, '127.0.0.1', { cert: null, key: null })], [B, await ensureProxyCert(dir, ca, B, '127.0.0.1', { cert: null, key: null })]]);
    const certs = new Map([...pems].map(([d, p]) => [d, p.cert]));
    atA = entryCrypto(pems.get(A)!.key, certs);
    atB = entryCrypto(pems.get(B)!.key, certs);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes low-S entries that the pure verifier accepts', () => {
    for (let i = 0; i < 20; i++) {
      const msg = invite();
      const entry = atA.addSigned(msg, { node: A, addr: '127.0.0.1:5071', level: 3, transport: 'tls' });
      expect(Buffer.from(entry.sig!, 'base64url')[32]! < 0x80).toBe(true); // s ≤ n/2
      expect(verifyEntrySignature(entry, dialogIds(msg), entry.sig!, keys(A)!)).toBe(true);
      expect(parseChain(msg).map((e) => e.node)).toEqual([`alice@${A}`, A]);
      expect(atB.verifies(msg, parseChain(msg)[1]!)).toBe(true);
    }
    const both = invite();
    atA.addSigned(both, { node: A, addr: '127.0.0.1:5071', level: 3, transport: 'tls' });
    atB.addSigned(both, { node: B, addr: '127.0.0.1:8080', level: 2, transport: 'ws' });
    expect(verifyChain(both, { keys, minLevel: 2 }).failures).toEqual([]);
  });

  it('verifies what the pure signer wrote, and nothing altered, forged or unknown', () => {
    const pure = invite();
    addEntry(pure, { node: B, addr: '127.0.0.1:5081', level: 3, transport: 'tls' }, rawPrivateKey(pems.get(B)!.key, 'B key'));
    const entry = parseChain(pure)[1]!;
    expect(atA.verifies(pure, entry)).toBe(true);
    expect(atA.verifies(pure, { ...entry, level: 2 })).toBe(false);
    expect(atA.verifies(pure, { ...entry, node: A })).toBe(false);
    expect(atA.verifies(pure, { ...entry, node: 'c.keyhop.test' })).toBeUndefined();
    const replayed = invite();
    replayed.set('CSeq', '314160 INVITE');
    expect(atA.verifies(replayed, entry)).toBe(false);
  });
});
