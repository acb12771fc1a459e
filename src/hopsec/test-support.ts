/** Fixtures for the Route-Security unit tests: messages, key pairs and the A→B example chain. */
import { p256 } from '@noble/curves/nist.js';
import { SipRequest, SipResponse, type SipMessage } from '../sip/message.js';
import { addEntry, chainValues } from './chain.js';
import { formatEntry, HEADER, parseEntry, type RouteSecurityEntry } from './entry.js';
import type { Level } from './level.js';

export const ALICE = 'alice@a.keyhop.test';
export const PROXY_A = 'a.keyhop.test';
export const PROXY_B = 'b.keyhop.test';
/** Addresses as the next node sees them. */
export const ALICE_ADDR = 'k3j2h4d1.invalid';
export const A_ADDR = '192.0.2.10:5061';
export const B_ADDR = '198.51.100.20:443';

export interface KeyPair {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

export function keyPair(): KeyPair {
  const privateKey = p256.utils.randomSecretKey();
  return { privateKey, publicKey: p256.getPublicKey(privateKey, false) };
}

export function invite(opts: { callId?: string; cseq?: number; fromTag?: string } = {}): SipRequest {
  const req = new SipRequest('INVITE', 'sip:bob@b.keyhop.test');
  req.append('Via', 'SIP/2.0/WSS k3j2h4d1.invalid;branch=z9hG4bK776asdhds');
  req.append('Max-Forwards', '70');
  req.append('To', '<sip:bob@b.keyhop.test>');
  req.append('From', `"Alice" <sip:alice@a.keyhop.test>;tag=${opts.fromTag ?? '1928301774'}`);
  req.append('Call-ID', opts.callId ?? 'a84b4c76e66710@k3j2h4d1.invalid');
  req.append('CSeq', `${opts.cseq ?? 314159} INVITE`);
  return req;
}

export function okResponse(req: SipRequest): SipResponse {
  const res = new SipResponse(200, 'OK');
  for (const name of ['Via', 'From', 'Call-ID', 'CSeq']) for (const h of req.headers) if (h.name === name) res.append(name, h.value);
  res.append('To', `${req.get('To')};tag=a6c85cf`);
  return res;
}

export interface Scenario {
  msg: SipRequest;
  keyA: KeyPair;
  keyB: KeyPair;
  keys: (node: string) => Uint8Array | undefined;
}

/** Alice → proxy A → proxy B, every link at `levels` (UA, A, B), A and B signing. */
export function scenario(keyA: KeyPair, keyB: KeyPair, levels: [Level, Level, Level] = [3, 3, 3], msg: SipRequest = invite()): Scenario {
  addEntry(msg, { node: ALICE, addr: ALICE_ADDR, level: levels[0], transport: 'wss' });
  addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: levels[1], transport: 'tls' }, keyA.privateKey);
  addEntry(msg, { node: PROXY_B, addr: B_ADDR, level: levels[2], transport: 'wss' }, keyB.privateKey);
  const table = new Map([
    [PROXY_A, keyA.publicKey],
    [PROXY_B, keyB.publicKey],
  ]);
  return { msg, keyA, keyB, keys: (node) => table.get(node) };
}

/** The chain's header values in path order (bottom first). */
export function pathValues(msg: SipMessage): string[] {
  return chainValues(msg).reverse();
}

/** Replaces the chain with these values, given in path order, one header field each. */
export function setPath(msg: SipMessage, values: readonly string[]): void {
  msg.remove(HEADER);
  for (const v of [...values].reverse()) msg.append(HEADER, v);
}

/** Rewrites the entry at a path index through `change`, without signing it again. */
export function rewrite(msg: SipMessage, index: number, change: (e: RouteSecurityEntry) => RouteSecurityEntry): void {
  const values = pathValues(msg);
  const { raw: _raw, ...entry } = parseEntry(values[index]!);
  values[index] = formatEntry(change(entry));
  setPath(msg, values);
}
