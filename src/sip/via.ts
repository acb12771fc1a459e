/** Via header values (RFC 3261 §20.42, §18.2.1; rport RFC 3581). */
import { SipParseError } from './errors.js';
import { formatParams, parseParams, type Params } from './params.js';

export interface Via {
  transport: string;
  host: string;
  port: number | null;
  params: Params;
}

/** Branch IDs of RFC 3261 transactions start with this cookie (§8.1.1.7). */
export const BRANCH_COOKIE = 'z9hG4bK';

export function parseVia(text: string): Via {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._]+)(?:\s*:\s*(\d{1,5}))?\s*((?:;.*)?)$/.exec(text.trim());
  if (!m) throw new SipParseError(`Invalid Via "${text.slice(0, 80)}"`);
  const port = m[3] ? Number(m[3]) : null;
  if (port !== null && port > 65535) throw new SipParseError(`Invalid port in Via "${text.slice(0, 80)}"`);
  return {
    transport: m[1]!.toUpperCase(),
    host: m[2]!.toLowerCase(),
    port,
    params: parseParams(m[4] ?? ''),
  };
}

export function formatVia(v: Via): string {
  return `SIP/2.0/${v.transport} ${v.host}${v.port !== null ? `:${v.port}` : ''}${formatParams(v.params)}`;
}
