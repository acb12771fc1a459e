/**
 * KerberosFlags (RFC 4120 §5.2.8): a BIT STRING of at least 32 bits where bit 0 is the first
 * (most significant) bit. In memory a flags value is an unsigned 32-bit number whose most
 * significant bit is flag 0, so bit n has the mask `0x80000000 >>> n`.
 */

/** TicketFlags (RFC 4120 §5.3; enc-pa-rep from RFC 6806, anonymous from RFC 8062). */
export const TicketFlag = {
  reserved: 0,
  forwardable: 1,
  forwarded: 2,
  proxiable: 3,
  proxy: 4,
  mayPostdate: 5,
  postdated: 6,
  invalid: 7,
  renewable: 8,
  initial: 9,
  preAuthent: 10,
  hwAuthent: 11,
  transitedPolicyChecked: 12,
  okAsDelegate: 13,
  encPaRep: 15,
  anonymous: 16,
} as const;

/** KDCOptions (RFC 4120 §5.4.1; canonicalize from RFC 6806, request-anonymous from RFC 8062). */
export const KdcOption = {
  reserved: 0,
  forwardable: 1,
  forwarded: 2,
  proxiable: 3,
  proxy: 4,
  allowPostdate: 5,
  postdated: 6,
  renewable: 8,
  optHardwareAuth: 11,
  /** MS-SFU constrained delegation. */
  cnameInAddlTkt: 14,
  canonicalize: 15,
  requestAnonymous: 16,
  disableTransitedCheck: 26,
  renewableOk: 27,
  encTktInSkey: 28,
  renew: 30,
  validate: 31,
} as const;

/** APOptions (RFC 4120 §5.5.1). */
export const ApOption = {
  reserved: 0,
  useSessionKey: 1,
  mutualRequired: 2,
} as const;

export type TicketFlagName = keyof typeof TicketFlag;
export type KdcOptionName = keyof typeof KdcOption;
export type ApOptionName = keyof typeof ApOption;

function mask(bit: number): number {
  if (!Number.isInteger(bit) || bit < 0 || bit > 31) throw new RangeError(`KerberosFlags bit ${bit} is outside 0..31`);
  return 0x8000_0000 >>> bit;
}

/** Whether flag `bit` is set. */
export function hasFlag(flags: number, bit: number): boolean {
  return (flags & mask(bit)) !== 0;
}

/** `flags` with `bit` set (or cleared when `on` is false). */
export function withFlag(flags: number, bit: number, on = true): number {
  return (on ? flags | mask(bit) : flags & ~mask(bit)) >>> 0;
}

/** A flags value with exactly the given bits set. */
export function flagsOf(bits: Iterable<number>): number {
  let flags = 0;
  for (const bit of bits) flags = withFlag(flags, bit);
  return flags;
}

/** A flags value from names of a table, e.g. `namedFlags(KdcOption, ['forwardable', 'canonicalize'])`. */
export function namedFlags<K extends string>(table: Readonly<Record<K, number>>, names: Iterable<K>): number {
  let flags = 0;
  for (const name of names) flags = withFlag(flags, table[name]);
  return flags;
}

/** The names of a table whose bits are set in `flags`, plus "bitN" for set bits the table does not name. */
export function flagNames<K extends string>(table: Readonly<Record<K, number>>, flags: number): (K | `bit${number}`)[] {
  const out: (K | `bit${number}`)[] = [];
  const entries = Object.entries(table) as [K, number][];
  for (let bit = 0; bit < 32; bit++) {
    if (!hasFlag(flags, bit)) continue;
    const named = entries.find(([, b]) => b === bit);
    out.push(named ? named[0] : `bit${bit}`);
  }
  return out;
}
