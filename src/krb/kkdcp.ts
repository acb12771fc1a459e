/**
 * Kerberos KDC Proxy Protocol (MS-KKDCP §2.2.2): Kerberos messages carried over HTTPS.
 *
 *   KDC-PROXY-MESSAGE ::= SEQUENCE {
 *     kerb-message   [0] OCTET STRING,        -- the message with its 4-byte TCP length prefix
 *     target-domain  [1] KERB-REALM OPTIONAL, -- KERB-REALM ::= GeneralString
 *     dclocator-hint [2] INTEGER OPTIONAL }
 *
 * The length prefix is the one of Kerberos over TCP (RFC 4120 §7.2.2): a 4-byte big-endian
 * length whose high bit is reserved and must be zero.
 */
import { malformed } from './errors';
import { Fields, decodeDer, defined, kerberosString, octets, opt, readKerberosString, readOctets, readUInt32, sequence, toDer, uint32 } from './asn1/der';

export interface KdcProxyMessage {
  /** The Kerberos message including its 4-byte length prefix. */
  kerbMessage: Uint8Array;
  /** The realm the message is for (sent by clients; absent in replies). */
  targetDomain?: string;
  /** DC locator flags (MS-KKDCP §2.2.2); absent in practice. */
  dclocatorHint?: number;
}

/** Content type of KKDCP requests and replies over HTTP. */
export const KKDCP_CONTENT_TYPE = 'application/kerberos';

export function encodeKdcProxyMessage(m: KdcProxyMessage): Uint8Array {
  return toDer(
    sequence([
      [0, octets(m.kerbMessage)],
      [1, opt(m.targetDomain, kerberosString)],
      [2, opt(m.dclocatorHint, uint32)],
    ]),
  );
}

export function decodeKdcProxyMessage(bytes: Uint8Array): KdcProxyMessage {
  return decodeDer(bytes, 'KDC-PROXY-MESSAGE', (node, what) => {
    const f = new Fields(node, what);
    return defined({
      kerbMessage: f.req(0, 'kerb-message', readOctets),
      targetDomain: f.opt(1, 'target-domain', readKerberosString),
      dclocatorHint: f.opt(2, 'dclocator-hint', readUInt32),
    });
  });
}

/** Prefixes a Kerberos message with its 4-byte big-endian length. */
export function addLengthPrefix(message: Uint8Array): Uint8Array {
  if (message.length === 0 || message.length > 0x7fff_ffff) throw malformed(`cannot frame a ${message.length}-byte Kerberos message`);
  const out = new Uint8Array(4 + message.length);
  new DataView(out.buffer).setUint32(0, message.length, false);
  out.set(message, 4);
  return out;
}

/** The Kerberos message inside a length-prefixed frame, checking the prefix against the contents. */
export function stripLengthPrefix(framed: Uint8Array): Uint8Array {
  if (!(framed instanceof Uint8Array) || framed.length < 4) throw malformed('length-prefixed message: shorter than 4 bytes');
  const length = new DataView(framed.buffer, framed.byteOffset, framed.byteLength).getUint32(0, false);
  if (length & 0x8000_0000) throw malformed('length-prefixed message: reserved high bit of the length is set');
  if (length === 0) throw malformed('length-prefixed message: empty message');
  if (length !== framed.length - 4) throw malformed(`length-prefixed message: prefix says ${length} bytes, ${framed.length - 4} present`);
  return framed.slice(4);
}

/** A KKDCP request body for a Kerberos message (AS-REQ, TGS-REQ) to a realm. */
export function wrapKdcProxyRequest(message: Uint8Array, realm: string): Uint8Array {
  return encodeKdcProxyMessage({ kerbMessage: addLengthPrefix(message), targetDomain: realm });
}

/** The Kerberos message (AS-REP, TGS-REP, KRB-ERROR) in a KKDCP reply body. */
export function unwrapKdcProxyReply(body: Uint8Array): Uint8Array {
  return stripLengthPrefix(decodeKdcProxyMessage(body).kerbMessage);
}
