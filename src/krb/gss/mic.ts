/**
 * RFC 4121 §4.2.6.1 MIC tokens (GSS_GetMIC / GSS_VerifyMIC for the Kerberos mechanism):
 *   TOK_ID 04 04 | Flags | Filler FF×5 | SND_SEQ (8, big-endian) | SGN_CKSUM
 * SGN_CKSUM is the enctype's checksum, with key usage 23 (acceptor) or 25 (initiator), over the
 * message followed by the 16-byte header. MS-SIPAE carries these tokens as hex.
 */
import { KrbError, malformed } from '../errors.js';
import { bytesToHex, concatBytes } from '@noble/hashes/utils.js';
import { getEnctype, type Key } from '../crypto/index.js';

export const TOK_ID_MIC = 0x0404;

/** Token flags (RFC 4121 §4.2.2). */
export const TokenFlag = { SentByAcceptor: 0x01, Sealed: 0x02, AcceptorSubkey: 0x04 } as const;

/** Key usages for per-message tokens (RFC 4121 §2). */
export const GssKeyUsage = { AcceptorSeal: 22, AcceptorSign: 23, InitiatorSeal: 24, InitiatorSign: 25 } as const;

const HEADER_BYTES = 16;

/** The keys a context holds; RFC 4121 §2 says which one protects tokens. */
export interface ContextKeys {
  sessionKey: Key;
  initiatorSubkey?: Key;
  acceptorSubkey?: Key;
}

/** Acceptor subkey if the acceptor asserted one, else the initiator's subkey, else the session key. */
export function tokenKey(keys: ContextKeys): { key: Key; acceptorSubkey: boolean } {
  if (keys.acceptorSubkey) return { key: keys.acceptorSubkey, acceptorSubkey: true };
  return { key: keys.initiatorSubkey ?? keys.sessionKey, acceptorSubkey: false };
}

export interface MicOptions {
  /** Sequence number of this token (the sender's own counter). */
  seq: bigint;
  /** True when the acceptor (the server) makes the token. */
  sentByAcceptor: boolean;
}

export function getMic(keys: ContextKeys, message: Uint8Array, o: MicOptions): Uint8Array {
  const { key, acceptorSubkey } = tokenKey(keys);
  const header = new Uint8Array(HEADER_BYTES);
  header[0] = 0x04;
  header[1] = 0x04;
  header[2] = (o.sentByAcceptor ? TokenFlag.SentByAcceptor : 0) | (acceptorSubkey ? TokenFlag.AcceptorSubkey : 0);
  header.fill(0xff, 3, 8);
  new DataView(header.buffer).setBigUint64(8, BigInt.asUintN(64, o.seq));
  const usage = o.sentByAcceptor ? GssKeyUsage.AcceptorSign : GssKeyUsage.InitiatorSign;
  const cksum = getEnctype(key.enctype).checksum(key, usage, concatBytes(message, header));
  return concatBytes(header, cksum);
}

/**
 * Checks a MIC token over `message`. `fromAcceptor` is the direction the caller expects. Returns
 * the token's sequence number; a bad token is a KrbError ('malformed' or 'integrity').
 */
export function verifyMic(keys: ContextKeys, message: Uint8Array, token: Uint8Array, fromAcceptor: boolean): { seq: bigint } {
  if (token.length < HEADER_BYTES) throw malformed(`MIC token of ${token.length} bytes is shorter than its header`);
  if (token[0] !== 0x04 || token[1] !== 0x04) throw malformed(`not an RFC 4121 MIC token (TOK_ID ${bytesToHex(token.subarray(0, 2))})`);
  const flags = token[2]!;
  if (flags & TokenFlag.Sealed || flags & ~0x07) throw malformed(`MIC token with invalid flags 0x${flags.toString(16)}`);
  for (let i = 3; i < 8; i++) if (token[i] !== 0xff) throw malformed('MIC token filler is not FF');
  if (Boolean(flags & TokenFlag.SentByAcceptor) !== fromAcceptor) {
    throw new KrbError('integrity', `MIC token claims to come from the ${fromAcceptor ? 'initiator' : 'acceptor'}: a reflected token`);
  }
  const acceptorSubkey = Boolean(flags & TokenFlag.AcceptorSubkey);
  const key = acceptorSubkey ? keys.acceptorSubkey : keys.initiatorSubkey ?? keys.sessionKey;
  if (!key) throw new KrbError('integrity', 'MIC token uses an acceptor subkey this context does not have');
  const header = token.subarray(0, HEADER_BYTES);
  const usage = fromAcceptor ? GssKeyUsage.AcceptorSign : GssKeyUsage.InitiatorSign;
  if (!getEnctype(key.enctype).verifyChecksum(key, usage, concatBytes(message, header), token.subarray(HEADER_BYTES))) {
    throw new KrbError('integrity', 'MIC token checksum does not verify');
  }
  return { seq: new DataView(token.buffer, token.byteOffset, token.byteLength).getBigUint64(8) };
}
