/**
 * Signing and checking one message with a GSS MIC over its signature buffer, in the MS-SIPAE hex
 * encoding. Shared by both ends: the client signs with crand/cnum, the proxy with srand/snum.
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import type { SipMessage } from '../sip/message.js';
import { signatureBuffer, type SignatureHead } from './signature-buffer.js';

/** GSS_GetMIC / GSS_VerifyMIC over a signature buffer, with an association's keys. */
export interface MessageSigner {
  getMic(buffer: Uint8Array): Uint8Array;
  /** False when the token does not verify. */
  verifyMic(buffer: Uint8Array, token: Uint8Array): boolean;
}

const encoder = new TextEncoder();

/** The MIC over `msg` with `head`, as upper-case hex. */
export function signMessage(signer: MessageSigner, msg: SipMessage, head: SignatureHead): string {
  return toHex(signer.getMic(encoder.encode(signatureBuffer(msg, head))));
}

/** Whether `tokenHex` is a valid MIC over `msg` with `head`. */
export function checkMessage(signer: MessageSigner, msg: SipMessage, head: SignatureHead, tokenHex: string): boolean {
  const token = fromHex(tokenHex);
  return token !== null && signer.verifyMic(encoder.encode(signatureBuffer(msg, head)), token);
}

/**
 * Sequence numbers of one direction: each must exceed the highest accepted so far (a replay
 * window; SIPE and forking can skip values, so gaps are allowed).
 */
export class ReplayWindow {
  private highest = 0;

  accepts(num: string): boolean {
    const n = Number(num);
    return /^\d{1,15}$/.test(num) && n > this.highest;
  }

  accept(num: string): void {
    this.highest = Math.max(this.highest, Number(num));
  }
}

/** Random bytes are fetched in blocks: one call per signature costs more than the signature's HMAC. */
const pool = new Uint8Array(1024);
let poolAt = pool.length;

export function randomHex32(): string {
  if (poolAt + 4 > pool.length) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  poolAt += 4;
  return bytesToHex(pool.subarray(poolAt - 4, poolAt));
}

export function toHex(b: Uint8Array): string {
  return bytesToHex(b).toUpperCase();
}

/** Hex in either case (Microsoft clients write lower case, SIPE upper case); null if not hex. */
export function fromHex(s: string): Uint8Array | null {
  try {
    return hexToBytes(s);
  } catch {
    return null;
  }
}
