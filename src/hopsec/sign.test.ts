import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { dialogIds } from './dialog.js';
import { base64urlDecode, base64urlEncode, fields } from './encoding.js';
import { parseEntry, type RouteSecurityEntry } from './entry.js';
import { RouteSecurityError } from './errors.js';
import { isValidPublicKey, publicKeyFromPrivate, SIGNING_LABEL, signEntry, signingInput, verifyEntrySignature } from './sign.js';
import { invite, keyPair } from './test-support.js';

const ids = dialogIds(invite());
const entry: RouteSecurityEntry = {
  node: 'a.keyhop.test',
  addr: '192.0.2.10:5061',
  level: 3,
  transport: 'tls',
  n: 1,
  d: 'AAECAwQFBgcICQoL',
  b: 'DA0ODxAREhMUFRYX',
  unattested: false,
  extensions: [],
};
const key = keyPair();

describe('signingInput', () => {
  it('is the label, the dialog identifiers and every parameter but sig, length-prefixed', () => {
    expect(signingInput(entry, ids)).toEqual(
      fields([
        SIGNING_LABEL, 'a84b4c76e66710@k3j2h4d1.invalid', '314159', 'INVITE', '1928301774',
        'node', 'a.keyhop.test', 'addr', '192.0.2.10:5061', 'level', '3', 'tr', 'tls', 'n', '1',
        'd', 'AAECAwQFBgcICQoL', 'b', 'DA0ODxAREhMUFRYX',
      ]),
    );
  });

  it('does not depend on the order parameters are written in', () => {
    const a = parseEntry('a.keyhop.test;addr=192.0.2.10:5061;level=3;tr=tls;n=1;d=AAECAwQFBgcICQoL;b=DA0ODxAREhMUFRYX;x-z=1;x-a');
    const b = parseEntry('a.keyhop.test;x-a;b=DA0ODxAREhMUFRYX;x-z=1;d=AAECAwQFBgcICQoL;n=1;tr=tls;level=3;addr="192.0.2.10:5061"');
    expect(signingInput(a, ids)).toEqual(signingInput(b, ids));
    expect(signingInput(a, ids)).toEqual(fields([...[SIGNING_LABEL, ...Object.values(ids).map(String)], 'node', 'a.keyhop.test', 'addr', '192.0.2.10:5061', 'level', '3', 'tr', 'tls', 'n', '1', 'd', 'AAECAwQFBgcICQoL', 'b', 'DA0ODxAREhMUFRYX', 'x-a', '', 'x-z', '1']));
  });

  it('changes when any value changes', () => {
    const base = signingInput(entry, ids);
    const changes: Array<Partial<RouteSecurityEntry>> = [
      { node: 'b.keyhop.test' }, { addr: '192.0.2.11:5061' }, { level: 2 }, { transport: 'tcp' }, { n: 2 },
      { d: 'AAECAwQFBgcICQoM' }, { b: undefined }, { b: 'DA0ODxAREhMUFRYY' }, { unattested: true }, { extensions: [['x', null]] },
    ];
    for (const change of changes) expect(signingInput({ ...entry, ...change }, ids), JSON.stringify(change)).not.toEqual(base);
    expect(signingInput(entry, { ...ids, fromTag: 'x' })).not.toEqual(base);
  });
});

describe('signEntry / verifyEntrySignature', () => {
  it('signs with ECDSA P-256 / SHA-256, compact r||s in base64url, deterministically', () => {
    const sig = signEntry(entry, ids, key.privateKey);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{86}$/);
    expect(signEntry(entry, ids, key.privateKey)).toBe(sig);
    expect(p256.verify(base64urlDecode(sig)!, signingInput(entry, ids), key.publicKey)).toBe(true);
    expect(verifyEntrySignature(entry, ids, sig, key.publicKey)).toBe(true);
  });

  it('does not verify under another key, another value or another dialog', () => {
    const sig = signEntry(entry, ids, key.privateKey);
    expect(verifyEntrySignature(entry, ids, sig, keyPair().publicKey)).toBe(false);
    expect(verifyEntrySignature({ ...entry, level: 2 }, ids, sig, key.publicKey)).toBe(false);
    expect(verifyEntrySignature(entry, { ...ids, cseq: ids.cseq + 1 }, sig, key.publicKey)).toBe(false);
  });

  it('accepts the high-S twin of a signature, as other signers may produce it', () => {
    const sig = p256.Signature.fromBytes(base64urlDecode(signEntry(entry, ids, key.privateKey))!);
    const high = new p256.Signature(sig.r, p256.Point.Fn.neg(sig.s));
    expect(verifyEntrySignature(entry, ids, base64urlEncode(high.toBytes()), key.publicKey)).toBe(true);
  });

  it('never throws on malformed signatures or keys', () => {
    const sig = signEntry(entry, ids, key.privateKey);
    expect(verifyEntrySignature(entry, ids, 'not base64url!', key.publicKey)).toBe(false);
    expect(verifyEntrySignature(entry, ids, sig.slice(0, 40), key.publicKey)).toBe(false);
    expect(verifyEntrySignature(entry, ids, 'A'.repeat(86), key.publicKey)).toBe(false);
    expect(verifyEntrySignature(entry, ids, sig, new Uint8Array(65))).toBe(false);
    expect(verifyEntrySignature(entry, ids, sig, p256.getPublicKey(key.privateKey, true))).toBe(false);
  });

  it('takes raw keys: 32-byte private, 65-byte uncompressed public', () => {
    expect(publicKeyFromPrivate(key.privateKey)).toEqual(key.publicKey);
    expect(key.publicKey).toHaveLength(65);
    expect(isValidPublicKey(key.publicKey)).toBe(true);
    expect(isValidPublicKey(key.publicKey.subarray(0, 33))).toBe(false);
    for (const bad of [new Uint8Array(32), new Uint8Array(31), new Uint8Array(33).fill(1)]) {
      expect(() => signEntry(entry, ids, bad)).toThrow(RouteSecurityError);
    }
    expect(() => publicKeyFromPrivate(new Uint8Array(32))).toThrow(RouteSecurityError);
  });
});
