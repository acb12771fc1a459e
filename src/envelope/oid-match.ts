/**
 * Comparing a parsed OBJECT IDENTIFIER with a constant. The ASN.1 library (asn1js) encodes arcs of
 * any size correctly, but spells a parsed arc above 2^53 in hex braces (`2.25.{1d5b…}.1`) instead
 * of decimal. Keyhop's own attributes live under a UUID arc (oids.ts), whose second arc is a
 * 128-bit number, so a parsed OID is compared with both spellings of the constant: the decimal one
 * and the one the library produces for it after a round trip.
 */
import { AsnConvert, AsnProp, AsnPropTypes } from '@peculiar/asn1-schema';

class OidHolder {
  value = '';
}
AsnProp({ type: AsnPropTypes.ObjectIdentifier })(OidHolder.prototype, 'value');

const spellings = new Map<string, string>();

/** How the library spells `oid` once parsed. */
export function parsedSpelling(oid: string): string {
  let s = spellings.get(oid);
  if (s === undefined) {
    const holder = new OidHolder();
    holder.value = oid;
    s = AsnConvert.parse(AsnConvert.serialize(holder), OidHolder).value;
    spellings.set(oid, s);
  }
  return s;
}

export function oidMatches(parsed: string, oid: string): boolean {
  return parsed === oid || parsed === parsedSpelling(oid);
}
