/** The worked example of the protocol text, pinned: fixed keys, RFC 6979 signatures. */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { addEntry, chainValues } from './chain.js';
import { publicKeyFromPrivate } from './sign.js';
import { A_ADDR, ALICE, ALICE_ADDR, B_ADDR, invite, PROXY_A, PROXY_B } from './test-support.js';
import { verifyChain } from './verify.js';

const privateKeyA = sha256(utf8ToBytes('Keyhop Route-Security example key a.keyhop.test'));
const privateKeyB = sha256(utf8ToBytes('Keyhop Route-Security example key b.keyhop.test'));
const publicKeyA = '0463756e5c48559187354023f84f9fa130e98144886aca10f427d7ec167f3aef8f7a9f818ef7b8996ea8b59ce7f664c7d0f7bae5aa42ab37629a82efdc5ed3b9f9';
const publicKeyB = '04f255adc454600988fda841ecb58228e96c54343eb41e6aa17b20bbd3469742401ebaabfc1c9cc58fa9b2026be56aa3efc001eb2a286cd8a9b5279ebacb5335b9';

const EXPECTED = [
  'b.keyhop.test;addr=198.51.100.20:443;level=3;tr=wss;n=2;d=LS7ult91W11nAJPV;b=pPR_eYqgzVrpHUfJ;sig=Nr4-d3PmSmFa25mn5Yvmibs3RFNdLV4IcUdbmxIkdX9H14TJmmGaI-kodJTkSJIY5pN-UV_fnpO9VRUjOi_mtg',
  'a.keyhop.test;addr=192.0.2.10:5061;level=3;tr=tls;n=1;d=LS7ult91W11nAJPV;b=uaEAPX9hrWWH9RLV;sig=3Mwbw1aE5faoo8fBHnBsGpKXWpteoZVdSZzS6NsT2o4uddgAFjt1gwKdrPLEqerHThTu_wN2HT4JskmMJp6Cug',
  '"alice@a.keyhop.test";addr=k3j2h4d1.invalid;level=3;tr=wss;n=0;d=LS7ult91W11nAJPV',
];

describe('protocol example', () => {
  it('produces exactly the documented header values', () => {
    expect(bytesToHex(publicKeyFromPrivate(privateKeyA))).toBe(publicKeyA);
    expect(bytesToHex(publicKeyFromPrivate(privateKeyB))).toBe(publicKeyB);
    const msg = invite();
    addEntry(msg, { node: ALICE, addr: ALICE_ADDR, level: 3, transport: 'wss' });
    addEntry(msg, { node: PROXY_A, addr: A_ADDR, level: 3, transport: 'tls' }, privateKeyA);
    addEntry(msg, { node: PROXY_B, addr: B_ADDR, level: 3, transport: 'wss' }, privateKeyB);
    expect(chainValues(msg)).toEqual(EXPECTED);
  });

  it('verifies from the documented values alone', () => {
    const msg = invite();
    for (const v of EXPECTED) msg.append('Route-Security', v);
    const keys = new Map([[PROXY_A, hexToBytes(publicKeyA)], [PROXY_B, hexToBytes(publicKeyB)]]);
    expect(verifyChain(msg, { keys: (n) => keys.get(n), minLevel: 3 }).ok).toBe(true);
  });
});
