/**
 * The GSS-API Kerberos authenticator checksum (RFC 4121 §4.1.1), checksum type 0x8003:
 *
 *   0..3    Lgth    16, little-endian (length of Bnd)
 *   4..19   Bnd     MD5 of the channel bindings, or 16 zero bytes
 *   20..23  Flags   context flags, little-endian
 *   24..25  DlgOpt  1, little-endian         } only with GSS_C_DELEG_FLAG
 *   26..27  Dlgth   length of Deleg           }
 *   28..    Deleg   a KRB-CRED message        }
 *   ...     Exts    extensions (RFC 6542), kept as raw bytes
 */
import { malformed } from '../errors';
import type { Checksum } from './common';

/** Checksum type of the GSS-API authenticator checksum. */
export const GSS_CHECKSUM_TYPE = 0x8003;

/** Context-establishment flags (RFC 2744 §3.10 values, as carried in Flags). */
export const GssFlag = {
  DELEG: 1,
  MUTUAL: 2,
  REPLAY: 4,
  SEQUENCE: 8,
  CONF: 16,
  INTEG: 32,
  ANON: 64,
  PROT_READY: 128,
  TRANS: 256,
  /** MS-KILE */
  DCE_STYLE: 0x1000,
  IDENTIFY: 0x2000,
  EXTENDED_ERROR: 0x4000,
} as const;

export interface GssChecksum {
  /** 16 bytes: MD5 of the channel bindings, or all zero when there are none. */
  channelBinding: Uint8Array;
  /** See `GssFlag`. */
  flags: number;
  /** A KRB-CRED message delegating credentials (present only with GssFlag.DELEG). */
  delegation?: Uint8Array;
  /** Extension bytes following the fixed part (RFC 6542), uninterpreted. */
  extensions?: Uint8Array;
}

const BND_LENGTH = 16;

/** Encodes a GSS checksum; without `channelBinding`, Bnd is 16 zero bytes. */
export function encodeGssChecksum(c: Omit<GssChecksum, 'channelBinding'> & { channelBinding?: Uint8Array }): Uint8Array {
  const binding = c.channelBinding ?? new Uint8Array(BND_LENGTH);
  if (binding.length !== BND_LENGTH) throw malformed('cannot encode GSS checksum: channel binding must be 16 bytes');
  if (!Number.isInteger(c.flags) || c.flags < 0 || c.flags > 0xffff_ffff) throw malformed('cannot encode GSS checksum: bad flags');
  const deleg = c.delegation;
  if (deleg !== undefined && deleg.length > 0xffff) throw malformed('cannot encode GSS checksum: delegation too long');
  const flags = (deleg === undefined ? c.flags & ~GssFlag.DELEG : c.flags | GssFlag.DELEG) >>> 0;
  const ext = c.extensions ?? new Uint8Array(0);
  const out = new Uint8Array(24 + (deleg === undefined ? 0 : 4 + deleg.length) + ext.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, BND_LENGTH, true);
  out.set(binding, 4);
  view.setUint32(20, flags, true);
  let pos = 24;
  if (deleg !== undefined) {
    view.setUint16(24, 1, true);
    view.setUint16(26, deleg.length, true);
    out.set(deleg, 28);
    pos = 28 + deleg.length;
  }
  out.set(ext, pos);
  return out;
}

export function decodeGssChecksum(bytes: Uint8Array): GssChecksum {
  if (!(bytes instanceof Uint8Array) || bytes.length < 24) throw malformed('GSS checksum: shorter than 24 bytes');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lgth = view.getUint32(0, true);
  if (lgth !== BND_LENGTH) throw malformed(`GSS checksum: Lgth is ${lgth}, expected 16`);
  const result: GssChecksum = { channelBinding: bytes.slice(4, 20), flags: view.getUint32(20, true) };
  let pos = 24;
  if ((result.flags & GssFlag.DELEG) !== 0) {
    if (bytes.length < 28) throw malformed('GSS checksum: delegation flag without DlgOpt/Dlgth');
    const dlgOpt = view.getUint16(24, true);
    if (dlgOpt !== 1) throw malformed(`GSS checksum: DlgOpt is ${dlgOpt}, expected 1`);
    const dlgth = view.getUint16(26, true);
    if (28 + dlgth > bytes.length) throw malformed('GSS checksum: Deleg runs past the end');
    result.delegation = bytes.slice(28, 28 + dlgth);
    pos = 28 + dlgth;
  }
  if (pos < bytes.length) result.extensions = bytes.slice(pos);
  return result;
}

/** The authenticator `cksum` carrying a GSS checksum. */
export function gssAuthenticatorChecksum(c: Parameters<typeof encodeGssChecksum>[0]): Checksum {
  return { cksumtype: GSS_CHECKSUM_TYPE, checksum: encodeGssChecksum(c) };
}
