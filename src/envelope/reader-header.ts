/**
 * The cleartext reader header: seed 003's "decryption request indication" in the unencrypted part
 * of the SIP message (¶0008, ¶0025), naming the proxies the sender chose as readers, so each proxy
 * knows at once whether it is meant to read the SDP:
 *
 *   SDP-Readers: a.keyhop.test, b.keyhop.test
 *
 *   SDP-Readers  = "SDP-Readers" HCOLON reader-host *(COMMA reader-host)
 *   reader-host  = hostname                          ; RFC 3261 §25.1, compared without case
 *
 * The peer (the request's target user) is always a reader and is not listed. With no proxy
 * chosen the header is left out.
 *
 * The header is not protected by itself. It is checked against the sender's signed readers list
 * (`readers-attribute.ts`), which `openSdp` has already matched with the recipient infos: a
 * reader calls `checkReaderHeader` after opening, and any difference (a proxy removed from or
 * added to the header, or a recipient info dropped or added) is detected. A proxy that is not a
 * reader cannot see the signed list; it can compare the header with the recipient identifiers
 * (`checkReaderHeaderByCertificates`) when it knows the named proxies' certificates.
 */
import { toBytes } from './bytes.js';
import { readCert, sameId } from './cert-id.js';
import { readEnvelope, recipientRefs } from './envelope.js';
import { EnvelopeError } from './errors.js';
import { isHostName, normalizeHost } from './reader-names.js';
import type { Der, OpenedSdp, ReaderInfo } from './sdp-envelope.js';

export const SDP_READERS_HEADER = 'SDP-Readers';

/** The header value for the given proxy host names (deduplicated, lowercased). */
export function formatReaderHeader(hosts: string[]): string {
  const out: string[] = [];
  for (const h of hosts) {
    const host = normalizeHost(h);
    if (!isHostName(host)) throw new EnvelopeError('invalid-argument', `"${h}" is not a host name`);
    if (!out.includes(host)) out.push(host);
  }
  return out.join(', ');
}

/**
 * The host names in one or more header values (several header fields are one comma list,
 * RFC 3261 §7.3). Throws `EnvelopeError('malformed')` for an item that is not a host name.
 */
export function parseReaderHeader(value: string | string[]): string[] {
  const values = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const v of values) {
    if (v.trim() === '') continue;
    for (const item of v.split(',')) {
      const host = normalizeHost(item);
      if (!isHostName(host)) throw new EnvelopeError('malformed', `SDP-Readers item "${item.trim().slice(0, 80)}" is not a host name`);
      if (!out.includes(host)) out.push(host);
    }
  }
  return out;
}

/** The header value naming the proxy readers of a sealed or opened SDP. */
export function readerHeaderFor(readers: ReaderInfo[]): string {
  return formatReaderHeader(readers.filter((r) => r.kind === 'proxy' && r.name).map((r) => r.name!));
}

export interface ReaderHeaderCheck {
  ok: boolean;
  /**
   * Why not ok: the header does not parse, the envelope has no signed list, the lists differ, or
   * (for `checkReaderHeaderByCertificates`) the envelope or a certificate cannot be read.
   */
  reason?: 'syntax' | 'unsigned' | 'mismatch' | 'envelope';
  /** Proxies the sender sealed for that the header leaves out. */
  missing: string[];
  /** Proxies the header names that the sender did not seal for. */
  unlisted: string[];
  message: string;
}

/** Compares the header (absent = no proxies) with the signed readers of an opened SDP. Never throws. */
export function checkReaderHeader(header: string | string[] | undefined, opened: Pick<OpenedSdp, 'readers' | 'readersSigned'>): ReaderHeaderCheck {
  let listed: string[];
  try {
    listed = header === undefined ? [] : parseReaderHeader(header);
  } catch (e) {
    return { ok: false, reason: 'syntax', missing: [], unlisted: [], message: (e as Error).message };
  }
  if (!opened.readersSigned) {
    return { ok: false, reason: 'unsigned', missing: [], unlisted: [], message: 'The envelope has no signed readers list to check the header against' };
  }
  const sealed = opened.readers.filter((r) => r.kind === 'proxy' && r.name).map((r) => normalizeHost(r.name!));
  return compare(listed, sealed);
}

function compare(listed: string[], sealed: string[]): ReaderHeaderCheck {
  const missing = sealed.filter((s) => !listed.includes(s));
  const unlisted = listed.filter((l) => !sealed.includes(l));
  if (missing.length === 0 && unlisted.length === 0) return { ok: true, missing, unlisted, message: 'SDP-Readers matches the sealed readers' };
  const parts = [];
  if (missing.length) parts.push(`sealed for but not listed: ${missing.join(', ')}`);
  if (unlisted.length) parts.push(`listed but not sealed for: ${unlisted.join(', ')}`);
  return { ok: false, reason: 'mismatch', missing, unlisted, message: `SDP-Readers differs from the envelope (${parts.join('; ')})` };
}

/**
 * For a proxy that cannot open the envelope: compares the header with the recipient infos, using
 * the certificates of the proxies it knows (`name` = host name). Proxies it has no certificate for
 * cannot be checked and are reported as `unlisted` if named, ignored otherwise. Never throws.
 */
export function checkReaderHeaderByCertificates(
  header: string | string[] | undefined,
  envelope: Der,
  knownProxies: Array<{ name: string; cert: Der }>,
): ReaderHeaderCheck {
  let listed: string[];
  try {
    listed = header === undefined ? [] : parseReaderHeader(header);
  } catch (e) {
    return { ok: false, reason: 'syntax', missing: [], unlisted: [], message: (e as Error).message };
  }
  try {
    const refs = recipientRefs(readEnvelope(toBytes(envelope)));
    const sealed: string[] = [];
    for (const p of knownProxies) {
      const info = readCert(toBytes(p.cert), `Certificate of ${p.name}`, 'invalid-argument');
      if (refs.some((r) => r.id && sameId(r.id, info.id))) sealed.push(normalizeHost(p.name));
    }
    return compare(listed, sealed);
  } catch (e) {
    return { ok: false, reason: 'envelope', missing: [], unlisted: [], message: (e as Error).message };
  }
}
