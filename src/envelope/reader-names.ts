/**
 * The name a reader goes by in the signed readers list and in the `SDP-Readers` header: a proxy by
 * its host name (its certificate's dNSName, as the deployment CA issues them), a user by the
 * `sip:` URI of its address of record (its certificate's URI name, seed 004).
 */
import { SubjectAlternativeName, id_ce_subjectAltName } from '@peculiar/asn1-x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { CertInfo } from './cert-id.js';
import { EnvelopeError } from './errors.js';

export type ReaderKind = 'proxy' | 'user';

const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const SIP_URI = /^sips?:[^\s,<>"]{1,500}$/i;

/** Host names are compared without case and without a trailing dot. */
export function normalizeHost(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

export function isHostName(name: string): boolean {
  return HOST.test(name);
}

/** 'proxy' for a host name, 'user' for a sip:/sips: URI, undefined for anything else. */
export function readerKind(name: string): ReaderKind | undefined {
  if (SIP_URI.test(name)) return 'user';
  if (isHostName(normalizeHost(name))) return 'proxy';
  return undefined;
}

/** The certificate's name for the readers list: its first sip: URI, else its first dNSName. */
export function certReaderName(cert: CertInfo): string | undefined {
  const ext = cert.asn.tbsCertificate.extensions?.find((e) => e.extnID === id_ce_subjectAltName);
  if (!ext) return undefined;
  let san: SubjectAlternativeName;
  try {
    san = AsnConvert.parse(ext.extnValue, SubjectAlternativeName);
  } catch {
    return undefined;
  }
  const uri = san.find((n) => n.uniformResourceIdentifier !== undefined && SIP_URI.test(n.uniformResourceIdentifier));
  if (uri?.uniformResourceIdentifier) return uri.uniformResourceIdentifier;
  const dns = san.find((n) => n.dNSName !== undefined && isHostName(normalizeHost(n.dNSName)));
  return dns?.dNSName ? normalizeHost(dns.dNSName) : undefined;
}

/** The name to record for a reader: the caller's, checked, or the certificate's. */
export function readerName(cert: CertInfo, given: string | undefined, what: string): string {
  const name = given !== undefined ? given.trim() : certReaderName(cert);
  if (name === undefined) {
    throw new EnvelopeError('invalid-argument', `${what} names no sip: URI or dNSName; pass the reader's name explicitly`);
  }
  const kind = readerKind(name);
  if (!kind) throw new EnvelopeError('invalid-argument', `${what}: "${name}" is neither a host name nor a sip: URI`);
  return kind === 'proxy' ? normalizeHost(name) : name;
}
