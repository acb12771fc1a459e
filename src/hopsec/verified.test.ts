import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { dialogIds } from './dialog.js';
import { base64urlDecode, base64urlEncode } from './encoding.js';
import type { RouteSecurityEntry } from './entry.js';
import { preverifyEntrySignature, signEntry, signingInput, verifyEntrySignature } from './sign.js';
import { parseChain } from './chain.js';
import { invite, keyPair, PROXY_A, scenario } from './test-support.js';
import { rememberedResult, verificationId } from './verified.js';
import { preverifyChain, verifyChain } from './verify.js';

const ids = dialogIds(invite({ callId: 'verified-test' }));
const key = keyPair();
const entry: RouteSecurityEntry = {
  node: PROXY_A,
  addr: '192.0.2.10:5061',
  level: 3,
  transport: 'tls',
  n: 1,
  d: 'AAECAwQFBgcICQoL',
  unattested: false,
  extensions: [],
};

/** The same signature with s replaced by n - s: valid ECDSA, and accepted here. */
function highS(sig: string): string {
  const bytes = base64urlDecode(sig)!;
  const s = BigInt(`0x${Buffer.from(bytes.subarray(32)).toString('hex')}`);
  const flipped = (p256.Point.Fn.ORDER - s).toString(16).padStart(64, '0');
  return base64urlEncode(new Uint8Array([...bytes.subarray(0, 32), ...Buffer.from(flipped, 'hex')]));
}

function remembered(fields: RouteSecurityEntry, sig: string): boolean | undefined {
  return rememberedResult(verificationId(signingInput(fields, ids), base64urlDecode(sig)!, key.publicKey));
}

describe('signature checks done ahead with WebCrypto', () => {
  it('leave the same verdict pure-JavaScript ECDSA gives: valid, high-S, altered entry, wrong key', async () => {
    const sig = signEntry(entry, ids, key.privateKey);
    const cases: Array<[RouteSecurityEntry, string, Uint8Array, boolean]> = [
      [entry, sig, key.publicKey, true],
      [entry, highS(sig), key.publicKey, true],
      [{ ...entry, level: 2 }, sig, key.publicKey, false],
      [entry, sig, keyPair().publicKey, false],
    ];
    for (const [fields, s, publicKey, expected] of cases) {
      const input = signingInput(fields, ids);
      expect(p256.verify(base64urlDecode(s)!, input, publicKey, { lowS: false })).toBe(expected);
      await preverifyEntrySignature(fields, ids, s, publicKey);
      expect(rememberedResult(verificationId(input, base64urlDecode(s)!, publicKey))).toBe(expected);
      expect(verifyEntrySignature(fields, ids, s, publicKey)).toBe(expected);
    }
    expect(remembered(entry, sig)).toBe(true);
  });

  it('answer every signature verifyChain checks, and verifyChain reports as before', async () => {
    const keyA = keyPair();
    const keyB = keyPair();
    const { msg, keys } = scenario(keyA, keyB, [3, 3, 3], invite({ callId: 'verified-chain' }));
    await preverifyChain(msg, keys);
    const chainIds = dialogIds(msg);
    for (const e of parseChain(msg).filter((e) => e.sig !== undefined)) {
      expect(rememberedResult(verificationId(signingInput(e, chainIds), base64urlDecode(e.sig!)!, keys(e.node)!))).toBe(true);
    }
    const report = verifyChain(msg, { keys, minLevel: 1 });
    expect(report.ok).toBe(true);
    expect(report.hops.map((h) => h.signatureValid)).toEqual([undefined, true, true]);
  });
});
