/**
 * The `addr` of an entry: `host[:port]`, the address a node sent from as the next node saw it.
 * Hosts are DNS names, IPv4 addresses or bracketed IPv6 references (RFC 3261 §25.1 `hostport`).
 * Comparison is on a canonical form: lower case, IPv6 in RFC 5952 form, and IPv4-mapped IPv6
 * addresses (as dual-stack sockets report them) written as plain IPv4.
 */
import { memoize } from './memo.js';

/** Addresses whose canonical form is remembered: every entry's, on every check. */
const REMEMBERED_ADDRS = 1024;

export interface HostPort {
  host: string;
  port: number | null;
}

const HOSTNAME = /^[A-Za-z0-9_](?:[A-Za-z0-9\-_]{0,62})(?:\.[A-Za-z0-9_](?:[A-Za-z0-9\-_]{0,62}))*\.?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Parses `host[:port]`; undefined when it is not one. A bare (unbracketed) IPv6 address is refused as ambiguous. */
export function parseAddr(text: string): HostPort | undefined {
  if (text.length === 0 || text.length > 300) return undefined;
  let hostText: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return undefined;
    hostText = text.slice(0, close + 1);
    const rest = text.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return undefined;
      portText = rest.slice(1);
    }
  } else {
    const parts = text.split(':');
    if (parts.length > 2) return undefined;
    hostText = parts[0]!;
    portText = parts[1];
  }
  const host = canonicalHost(hostText);
  if (host === undefined) return undefined;
  if (portText === undefined) return { host, port: null };
  if (!/^\d{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;
  return { host, port };
}

export function formatAddr(hp: HostPort): string {
  return hp.port === null ? hp.host : `${hp.host}:${hp.port}`;
}

/** The canonical text of `host[:port]`, or undefined if it is not one. */
export const canonicalAddr: (text: string) => string | undefined = memoize(REMEMBERED_ADDRS, (text) => {
  const hp = parseAddr(text);
  return hp && formatAddr(hp);
});

/** `host` and `port` joined, bracketing an IPv6 host given without brackets (as sockets report it). */
export function joinHostPort(host: string, port: number | null): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === null ? h : `${h}:${port}`;
}

/** True when both are valid `host[:port]` texts naming the same host and port. */
export function sameAddr(a: string, b: string): boolean {
  const ca = canonicalAddr(a);
  return ca !== undefined && ca === canonicalAddr(b);
}

function canonicalHost(text: string): string | undefined {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) return undefined;
    const groups = parseIpv6(text.slice(1, -1));
    return groups && formatIpv6(groups);
  }
  if (IPV4.test(text)) return text;
  // A name whose last label is all digits would be a malformed IPv4 address.
  if (HOSTNAME.test(text) && text.length <= 253 && !/(^|\.)\d+\.?$/.test(text)) return text.toLowerCase();
  return undefined;
}

/** Eight 16-bit groups, or undefined. Accepts `::` compression and a dotted IPv4 tail. */
function parseIpv6(text: string): number[] | undefined {
  if (!/^[0-9A-Fa-f:.]{2,45}$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseHalf = (s: string, last: boolean): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (last && i === parts.length - 1 && p.includes('.')) {
        if (!IPV4.test(p)) return undefined;
        const [a, b, c, d] = p.split('.').map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return undefined;
    }
    return out;
  };
  if (halves.length === 1) {
    const all = parseHalf(text, true);
    return all && all.length === 8 ? all : undefined;
  }
  const head = parseHalf(halves[0]!, false);
  const tail = parseHalf(halves[1]!, true);
  if (!head || !tail || head.length + tail.length > 7) return undefined;
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** RFC 5952 text; an IPv4-mapped address (::ffff:a.b.c.d) becomes plain IPv4 without brackets. */
function formatIpv6(g: number[]): string {
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `${g[6]! >> 8}.${g[6]! & 255}.${g[7]! >> 8}.${g[7]! & 255}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return `[${hex.join(':')}]`;
  return `[${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}]`;
}
