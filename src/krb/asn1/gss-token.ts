/**
 * GSS-API initial context token framing for the Kerberos mechanism (RFC 2743 §3.1,
 * RFC 4121 §4.1):
 *
 *   0x60 <DER length> 0x06 <len> <mech OID> <TOK_ID, 2 bytes big-endian> <Kerberos message>
 *
 * TOK_ID is 01 00 for AP-REQ, 02 00 for AP-REP, 03 00 for KRB-ERROR. The inner message is not
 * an ASN.1 element of the frame, so the frame header is read here and only the OID is handed to
 * the ASN.1 library.
 */
import * as asn1js from 'asn1js';
import { KrbError, malformed } from '../errors';
import { toDer } from './der';

/** The Kerberos V5 GSS-API mechanism (RFC 1964). */
export const KRB5_MECH_OID = '1.2.840.113554.1.2.2';
/** The OID some Microsoft implementations use for the same mechanism. */
export const MS_KRB5_MECH_OID = '1.2.840.48018.1.2.2';

export const GssTokenId = {
  AP_REQ: 0x0100,
  AP_REP: 0x0200,
  KRB_ERROR: 0x0300,
} as const;

export interface GssToken {
  mechOid: string;
  /** See `GssTokenId`. */
  tokId: number;
  /** The Kerberos message (AP-REQ, AP-REP or KRB-ERROR DER). */
  message: Uint8Array;
}

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return [0x80 | bytes.length, ...bytes];
}

/** Frames a Kerberos message as a GSS-API token. */
export function wrapGssToken(tokId: number, message: Uint8Array, mechOid: string = KRB5_MECH_OID): Uint8Array {
  if (!Number.isInteger(tokId) || tokId < 0 || tokId > 0xffff) throw malformed(`cannot encode GSS token id ${tokId}`);
  const oid = toDer(new asn1js.ObjectIdentifier({ value: mechOid }));
  const bodyLength = oid.length + 2 + message.length;
  const header = [0x60, ...derLength(bodyLength)];
  const out = new Uint8Array(header.length + bodyLength);
  out.set(header, 0);
  out.set(oid, header.length);
  out[header.length + oid.length] = tokId >>> 8;
  out[header.length + oid.length + 1] = tokId & 0xff;
  out.set(message, header.length + oid.length + 2);
  return out;
}

/** Reads a GSS-API token frame; the mechanism must be Kerberos (either OID). */
export function unwrapGssToken(bytes: Uint8Array): GssToken {
  try {
    return unwrap(bytes);
  } catch (e) {
    if (e instanceof KrbError) throw e;
    throw malformed('GSS token', e);
  }
}

function unwrap(bytes: Uint8Array): GssToken {
  if (!(bytes instanceof Uint8Array) || bytes.length < 2) throw malformed('GSS token: too short');
  if (bytes[0] !== 0x60) throw malformed('GSS token: does not start with [APPLICATION 0] (0x60)');
  let pos = 1;
  const first = bytes[pos++] as number;
  let length = first;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw malformed('GSS token: bad length');
    if (pos + count > bytes.length) throw malformed('GSS token: truncated length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[pos++] as number);
  }
  if (pos + length !== bytes.length) throw malformed(`GSS token: length ${length} does not match the ${bytes.length - pos} bytes present`);
  if (bytes[pos] !== 0x06) throw malformed('GSS token: missing mechanism OID');
  const parsed = asn1js.fromBER(bytes.subarray(pos), { parseEmbedded: false, copyInput: false });
  if (parsed.offset === -1 || parsed.result.error || !(parsed.result instanceof asn1js.ObjectIdentifier)) {
    throw malformed('GSS token: bad mechanism OID');
  }
  const mechOid = parsed.result.getValue();
  if (mechOid !== KRB5_MECH_OID && mechOid !== MS_KRB5_MECH_OID) throw malformed(`GSS token: mechanism ${mechOid} is not Kerberos`);
  pos += parsed.offset;
  if (pos + 2 > bytes.length) throw malformed('GSS token: missing TOK_ID');
  const tokId = ((bytes[pos] as number) << 8) | (bytes[pos + 1] as number);
  return { mechOid, tokId, message: bytes.slice(pos + 2) };
}
